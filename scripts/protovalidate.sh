#!/usr/bin/env bash
# Copies buf/validate/validate.proto from the Go module cache into third_party/protovalidate, which
# buf.yaml lists as a second module (the Buf Schema Registry is out of reach). The module ships no
# Go package we import, so it is pinned here rather than in go.mod (go mod tidy would drop it).
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.2.2
dir=$(go mod download -json "github.com/bufbuild/protovalidate@${version}" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
mkdir -p third_party/protovalidate/buf/validate
install -m 0644 "${dir}/proto/protovalidate/buf/validate/validate.proto" third_party/protovalidate/buf/validate/validate.proto
