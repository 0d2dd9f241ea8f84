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
# protoc-gen-go-vtproto marshals a map field as `for k := range m.F { v := m.F[k] ...`: a second
# hash lookup of every key it has just ranged over (~8% of marshalling a page of records, whose
# values are a map<string, ValueList>; issue 16, target 1). No option or release of the generator
# changes that, so range key and value at once; the result is the same code but for the lookup
# (TestGeneratedMapMarshalRangesKeyAndValue). Fail if the generator's shape changes under us.
perl -0pi -e 's/for k := range (m\.\w+) \{\n(\s*)v := \1\[k\]\n/for k, v := range $1 {\n/g' gen/attio/v1/*_vtproto.pb.go
if grep -n 'v := m\.[A-Za-z0-9_]*\[k\]$' gen/attio/v1/*_vtproto.pb.go; then
  echo "generate.sh: a map marshal still looks its values up by key (see above)" >&2
  exit 1
fi
# A plain FileDescriptorSet (not a buf image: no buf-only fields), with imports so it stands alone,
# and with source info so tools that read it (buf curl, the console, docs) keep the comments.
buf build proto --as-file-descriptor-set -o descriptors/attio-v1.binpb
