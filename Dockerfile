# syntax=docker/dockerfile:1
# Base images are pinned by digest, so a rebuild of the same commit uses the same bases; the tag
# stays for readers. Bump both deliberately (crane digest <image:tag>).
#   golang:1.26.8-bookworm, gcr.io/distroless/static-debian12:nonroot (digest as of 2026-08-26)

# Build: a static binary (no cgo) with the sandbox seed embedded.
FROM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/attio-facade ./cmd/attio-facade

# Run: distroless static, non-root. Production mode: serve needs MATON_API_KEY (or ATTIO_API_KEY)
# and an auth file, and refuses to start without them instead of falling back to the sandbox.
# The sandbox is an explicit command: `docker run ... attio-facade sandbox --addr 0.0.0.0:8090`.
FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
COPY --from=build /out/attio-facade /usr/local/bin/attio-facade
USER nonroot:nonroot
ENV ATTIO_FACADE_ADDR=0.0.0.0:8080 \
    ATTIO_FACADE_REQUIRE_UPSTREAM=true \
    ATTIO_FACADE_AUTH_FILE=/etc/attio-facade/auth.json \
    ATTIO_FACADE_ADMIN_ADDR=0.0.0.0:9090
# 9090 is the admin listener (/metrics, /healthz, /readyz) for kubelet probes and scrapers; keep
# it off the Service that callers reach.
EXPOSE 8080 9090
# gRPC health of the running server (exit 0 when SERVING); it dials 127.0.0.1 for 0.0.0.0.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/attio-facade", "health", "--timeout", "4s"]
ENTRYPOINT ["/usr/local/bin/attio-facade"]
CMD ["serve"]
