#!/usr/bin/env bash
# End-to-end export on this machine, three processes (issue 16, target 2): the sandbox (200 ms
# latency per request, Maton's 10 requests/s and Attio's 100 reads/s enforced, N generated dense
# people), the facade (`attio-facade serve` against it as against Maton, then as against Attio
# directly) and `attio-facade export --format jsonl`. In the same run, for comparison, the
# sequential limit/offset loop (scripts/naive-export) at the same budget.
#
#   scripts/bench-e2e.sh [records (default 150000)] [modes (default "maton direct")]
#
# For each export: records/s, share of the ceiling (budget x 500 records/s), wall time, and the
# CPU seconds of each process during it (from /proc/<pid>/stat and the exporter's rusage), with
# the cores they used together. Figures and their reading: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-150000}"
modes="${2:-maton direct}"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
hz=$(getconf CLK_TCK)
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# CPU seconds of a running process (user + system, all threads).
cpu() { awk -v hz="$hz" '{sub(/^.*\) /, ""); print ($12 + $13) / hz}' "/proc/$1/stat"; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
wait_log() { for _ in $(seq 600); do grep -q "$2" "$1" && return 0; sleep 0.5; done; echo "timeout waiting for $2 in $1" >&2; cat "$1" >&2; exit 1; }

go build -o "$tmp/attio-facade" ./cmd/attio-facade
go build -o "$tmp/naive-export" ./scripts/naive-export
key="bench-maton-key"
caller="bench-caller-key"
printf '{"api_keys":[{"name":"bench","sha256":"%s","scopes":["read"]}]}' "$(printf %s "$caller" | sha256sum | cut -d' ' -f1)" > "$tmp/auth.json"

sp=$(freeport)
echo "generating $n people in the sandbox (200 ms latency, rate limits on) ..."
"$tmp/attio-facade" sandbox --addr "127.0.0.1:$sp" --api-key "$key" --latency 200ms \
  --generate "$n" --generate-object people --log-format text > "$tmp/sandbox.log" 2>&1 &
sandbox=$!
wait_log "$tmp/sandbox.log" listening

echo "== sequential limit/offset loop, Maton budget (uptime: $(uptime | sed 's/.*load/load/'))"
"$tmp/naive-export" -url "http://127.0.0.1:$sp/attio/v2" -key "$key" -pages 20 -out "$tmp/naive.jsonl"

for mode in $modes; do
  fp=$(freeport)
  case "$mode" in
  maton)
    budget=10
    env=(MATON_API_KEY="$key")
    args=(--upstream-url "http://127.0.0.1:$sp/attio/v2" --maton-rps 10) ;;
  direct)
    budget=100
    env=(ATTIO_API_KEY="$key")
    args=(--upstream-url "http://127.0.0.1:$sp/v2" --attio-read-rps 100) ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  env "${env[@]}" "$tmp/attio-facade" serve --addr "127.0.0.1:$fp" --admin-addr= --auth-file "$tmp/auth.json" \
    --control-url "http://127.0.0.1:$sp" "${args[@]}" --log-format text > "$tmp/facade-$mode.log" 2>&1 &
  facade=$!
  wait_log "$tmp/facade-$mode.log" 'msg=listening'
  echo "== export, $mode budget ($budget requests/s; uptime: $(uptime | sed 's/.*load/load/'))"
  s0=$(cpu "$sandbox"); f0=$(cpu "$facade"); t0=$(now)
  ATTIO_FACADE_TOKEN="$caller" /usr/bin/time -f '%U %S' -o "$tmp/export-time" "$tmp/attio-facade" export \
    --addr "http://127.0.0.1:$fp" --object people --format jsonl --out "$tmp/out.jsonl" --progress-every 10s 2> "$tmp/export-$mode.log"
  t1=$(now); s1=$(cpu "$sandbox"); f1=$(cpu "$facade")
  kill "$facade"; wait "$facade" 2>/dev/null || true
  records=$(wc -l < "$tmp/out.jsonl")
  el=$(calc %.3f "$t1 - $t0")
  rate=$(calc %.0f "$records / $el")
  ceiling=$(( budget * 500 ))
  read -r eu es < "$tmp/export-time"
  ecpu=$(calc %.2f "$eu + $es"); scpu=$(calc %.2f "$s1 - $s0"); fcpu=$(calc %.2f "$f1 - $f0")
  echo "records $records in ${el}s: $rate records/s = $(calc %.1f "100 * $rate / $ceiling")% of the $ceiling records/s ceiling"
  echo "CPU seconds: sandbox $scpu, facade $fcpu, export CLI $ecpu; cores used $(calc %.2f "($scpu + $fcpu + $ecpu) / $el") of $(nproc)"
  echo "per record: facade $(calc %.0f "1e6 * $fcpu / $records") µs, export CLI $(calc %.0f "1e6 * $ecpu / $records") µs (CLI: $(calc %.0f "$records / ($ecpu + 1e-9)") records per CPU-second)"
  tail -n 1 "$tmp/export-$mode.log"
done
