#!/usr/bin/env bash
# Checks proto/ for breaking changes against the main branch. The main tree is checked out beside us
# with the same protovalidate copy, because that module is git-ignored and buf needs it to build.
set -euo pipefail
cd "$(dirname "$0")/.."
against_ref="${BUF_BREAKING_AGAINST:-main}"
if ! git rev-parse --verify --quiet "${against_ref}^{commit}" >/dev/null; then
  echo "breaking: no ref ${against_ref}; skipped"
  exit 0
fi
if ! git cat-file -e "${against_ref}:proto" 2>/dev/null; then
  echo "breaking: ${against_ref} has no proto/ yet; skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "${against_ref}" proto buf.yaml | tar -x -C "$tmp"
mkdir -p "$tmp/third_party"
cp -r third_party/protovalidate "$tmp/third_party/"
buf() { go tool -modfile=tools/go.mod buf "$@"; }
buf breaking --against "$tmp"
echo "breaking: no breaking changes against ${against_ref}"
