#!/usr/bin/env bash
# Regenerates gen/ and descriptors/attio-v1.binpb from proto/, offline: proto/ is self-contained
# (proto/VENDORED.md). buf lives in tools/go.mod (it needs a pre-release protobuf that must not leak
# into the service's module); its first build takes 3-5 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
buf() { go tool -modfile=tools/go.mod buf "$@"; }
buf lint
rm -rf gen/attio
buf generate --path proto/attio
# A plain FileDescriptorSet (not a buf image: no buf-only fields), with imports so it stands alone,
# and with source info so tools that read it (buf curl, the console, docs) keep the comments.
buf build proto --as-file-descriptor-set -o descriptors/attio-v1.binpb
