#!/usr/bin/env bash
# Peak memory of the facade process alone while it exports N records (default 1,000,000).
# The sandbox runs in its own process with the records (so its heap is not counted), the facade
# talks to it as to Maton (unlimited budget: as fast as the CPU allows, the pipeline as full as it
# gets), and the exporter CLI writes JSON Lines to /dev/null. Prints the facade's RSS every 10 s
# and its peak (VmHWM). Ports are free ones picked at start.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/attio-facade" ./cmd/attio-facade
key="bench-maton-key"
caller="bench-caller-key"
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sp=$(freeport)
fp=$(freeport)
printf '{"api_keys":[{"name":"bench","sha256":"%s","scopes":["read"]}]}' "$(printf %s "$caller" | sha256sum | cut -d' ' -f1)" > "$tmp/auth.json"

"$tmp/attio-facade" sandbox --addr 127.0.0.1:$sp --api-key "$key" --rate-limits=false \
  --generate "$n" --generate-object people --log-format text > "$tmp/sandbox.log" 2>&1 &
until grep -q listening "$tmp/sandbox.log"; do sleep 1; done
echo "sandbox ready (uptime: $(uptime | sed 's/.*load/load/'))"

MATON_API_KEY="$key" "$tmp/attio-facade" serve --addr 127.0.0.1:$fp --admin-addr= --auth-file "$tmp/auth.json" \
  --upstream-url http://127.0.0.1:$sp/attio/v2 --control-url http://127.0.0.1:$sp \
  --maton-rps 0 --attio-read-rps 0 --caller-rps 0 --log-format text > "$tmp/facade.log" 2>&1 &
facade=$!
until grep -q listening "$tmp/facade.log"; do sleep 0.2; done
echo "facade RSS before the export: $(grep VmRSS /proc/$facade/status | awk '{print $2/1024 " MiB"}')"

start=$(date +%s)
ATTIO_FACADE_TOKEN="$caller" "$tmp/attio-facade" export --addr http://127.0.0.1:$fp --object people \
  --format jsonl --out "$tmp/out.jsonl" --progress-every 10s 2>"$tmp/export.log" &
exporter=$!
while kill -0 $exporter 2>/dev/null; do
  sleep 10
  echo "t=$(( $(date +%s) - start ))s facade RSS $(grep VmRSS /proc/$facade/status | awk '{print $2/1024 " MiB"}'), $(tail -n1 "$tmp/export.log")"
done
wait $exporter
echo "exported $(wc -l < "$tmp/out.jsonl") records in $(( $(date +%s) - start ))s"
echo "facade peak RSS (VmHWM): $(grep VmHWM /proc/$facade/status | awk '{print $2/1024 " MiB"}')"
echo "facade CPU seconds: $(awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); print ($12 + $13) / hz}' "/proc/$facade/stat") (uptime: $(uptime | sed 's/.*load/load/'))"
