#!/usr/bin/env bash
# Checks proto/ for wire- and JSON-breaking changes against the committed baseline image,
# proto/baseline/attio-v1.binpb: the contract as released. CI runs it, so a breaking change fails CI.
#
#   ./scripts/breaking.sh                  check the working tree against the baseline
#   ./scripts/breaking.sh --selftest       prove the check bites: a copy of proto/ with one field
#                                          removed must fail it (CI runs this too)
#   ./scripts/breaking.sh --move-baseline  rebuild the baseline from the working tree, for a
#                                          deliberate, announced break only (docs/api-compatibility.md)
#   BUF_BREAKING_AGAINST=<git ref> ./scripts/breaking.sh   compare with a git ref instead
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=proto/baseline/attio-v1.binpb
# The binary's path, so it also runs inside a temporary copy (outside this module).
bufbin=$(go tool -modfile=tools/go.mod -n buf)
buf() { "$bufbin" "$@"; }

case "${1:-}" in
--move-baseline)
  # Imports are kept (protovalidate, well-known types) so the image alone is enough to compare
  # with; source info is left out: it changes with every comment and breaking does not need it.
  buf build proto --exclude-source-info -o "$baseline"
  echo "breaking: baseline rebuilt from the working tree: commit $baseline"
  exit 0
  ;;
--selftest)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cp -r proto buf.yaml "$tmp/"
  # Remove Decimal.value (a field every money and number value uses) from the copy.
  sed -i '/^  string value = 1 \[(buf.validate.field).string.pattern/d' "$tmp/proto/attio/v1/common.proto"
  if cmp -s proto/attio/v1/common.proto "$tmp/proto/attio/v1/common.proto"; then
    echo "breaking selftest: could not remove the field from the copy" >&2
    exit 1
  fi
  if (cd "$tmp" && buf breaking proto --against "$OLDPWD/$baseline") >"$tmp/out" 2>&1; then
    echo "breaking selftest: removing Decimal.value passed the check; it must fail" >&2
    exit 1
  fi
  if ! grep -q 'Decimal' "$tmp/out"; then
    echo "breaking selftest: the check failed for another reason:" >&2
    cat "$tmp/out" >&2
    exit 1
  fi
  echo "breaking selftest: a removed field fails the check, as it should:"
  sed 's/^/  /' "$tmp/out"
  exit 0
  ;;
"") ;;
*)
  echo "usage: $0 [--selftest|--move-baseline]" >&2
  exit 2
  ;;
esac

if [ -n "${BUF_BREAKING_AGAINST:-}" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  git archive "${BUF_BREAKING_AGAINST}" proto buf.yaml | tar -x -C "$tmp"
  # Refs from before proto/ vendored its imports list third_party/protovalidate as a second module.
  if grep -q third_party/protovalidate "$tmp/buf.yaml"; then
    mkdir -p "$tmp/third_party/protovalidate" && cp -r proto/buf "$tmp/third_party/protovalidate/"
  fi
  # Compare module with module: build the ref's proto/ (with its imports) into an image first, so
  # the check works across layouts (one module now, two before the imports were vendored).
  (cd "$tmp" && buf build proto --exclude-source-info -o against.binpb)
  buf breaking proto --against "$tmp/against.binpb"
  echo "breaking: no breaking changes against ${BUF_BREAKING_AGAINST}"
  exit 0
fi
buf breaking proto --against "$baseline"
echo "breaking: no breaking changes against $baseline"
