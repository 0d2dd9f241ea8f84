# syntax=docker/dockerfile:1
# Build: a static binary (no cgo) with the sandbox seed embedded.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/attio-facade ./cmd/attio-facade

# Run: distroless static, non-root. Listens on all interfaces inside the container.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/attio-facade /usr/local/bin/attio-facade
USER nonroot:nonroot
ENV ATTIO_FACADE_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/attio-facade"]
CMD ["serve"]
