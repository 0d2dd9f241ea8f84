#!/usr/bin/env bash
# Regenerates gen/ from proto/. buf lives in tools/go.mod (it needs a pre-release protobuf that must not
# leak into the service's module); its first build takes 3-5 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/protovalidate.sh
buf() { go tool -modfile=tools/go.mod buf "$@"; }
buf lint
rm -rf gen/attio
buf generate --path proto/attio
