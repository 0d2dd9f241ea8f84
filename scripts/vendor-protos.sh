#!/usr/bin/env bash
# Re-vendors the protos proto/ imports or its errors carry (proto/VENDORED.md says where each comes
# from). Generation never runs this: proto/ is self-contained. Run it only to move a pin, then
# commit and run ./scripts/generate.sh; descriptors_ext_test.go fails if a vendored file does not
# match the Go module the binary links.
#
#   ./scripts/vendor-protos.sh          copy buf/validate/validate.proto from the pinned protovalidate
#                                       Go module (the Go module proxy serves it)
#   ./scripts/vendor-protos.sh --check  the same into a temporary directory; fail if proto/ differs
#
# google/rpc/{status,error_details}.proto come from github.com/googleapis/googleapis, which is not a
# Go module: copy them by hand at the commit named in proto/VENDORED.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# The module ships no Go package we import, so the pin lives here rather than in go.mod (go mod tidy
# would drop it). Keep it the release whose validate.proto the linked
# buf.build/gen/go/bufbuild/protovalidate package was generated from.
version=v1.2.2
dir=$(go mod download -json "github.com/bufbuild/protovalidate@${version}" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
out=proto
if [ "${1:-}" = --check ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out/buf/validate"
install -m 0644 "${dir}/proto/protovalidate/buf/validate/validate.proto" "$out/buf/validate/validate.proto"
install -m 0644 "${dir}/LICENSE" "$out/buf/LICENSE"
if [ "${1:-}" = --check ]; then
  for f in buf/validate/validate.proto buf/LICENSE; do
    if ! cmp -s "$out/$f" "proto/$f"; then
      echo "proto/$f differs from protovalidate ${version}: run ./scripts/vendor-protos.sh" >&2
      exit 1
    fi
  done
  echo "vendored protos: buf/validate matches protovalidate ${version}"
fi
