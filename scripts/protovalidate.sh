#!/usr/bin/env bash
# Copies buf/validate/validate.proto from the Go module cache into third_party/protovalidate, which
# buf.yaml lists as a second module. The version follows go.mod, so the proto and the Go runtime agree.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(go list -m -f '{{.Version}}' github.com/bufbuild/protovalidate)
dir=$(go mod download -json "github.com/bufbuild/protovalidate@${version}" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
mkdir -p third_party/protovalidate/buf/validate
install -m 0644 "${dir}/proto/protovalidate/buf/validate/validate.proto" third_party/protovalidate/buf/validate/validate.proto
