#!/usr/bin/env bash
# Server benchmark on loopback (issue 3): start-to-ready time, resident memory idle and under load,
# single-step infer throughput against GET /v2/health/live of the same server, and latency at
# concurrency 1, 8 and 64. Needs wrk (apt-get install wrk) and a built jar (./qlnn --version).
# Usage: bench/server/run.sh [seconds-per-run]   Prints a Markdown report on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-15}"
port="${QLNN_BENCH_PORT:-18181}"
command -v wrk >/dev/null || { echo "run.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
"$root/qlnn" --version >/dev/null
java="${JAVA_HOME:-}/bin/java"
[ -x "$java" ] || java="$(command -v java)"
tmp="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# The result cache is off so every infer request runs the model.
start_ns=$(date +%s%N)
QLNN_CACHE_SIZE=0 LOG_LEVEL=WARN QLNN_AUDIT_LOG=off "$java" --add-modules jdk.incubator.vector \
  -jar "$root/cli/target/qlnn.jar" serve --model-repository "$root/models" --port "$port" \
  >"$tmp/server.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.02
done
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
sleep 2
idle_rss=$(rss_kib "$pid")

cat >"$tmp/infer.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"input","datatype":"FP32","shape":[1],"data":[0.9]}]}'
LUA
infer="http://127.0.0.1:$port/v2/models/quantum-liquid-demo/infer"
live="http://127.0.0.1:$port/v2/health/live"

run() { # threads connections url [script] -> "rps p50 p99"
  local out
  if [ -n "${4:-}" ]; then out=$(wrk -t"$1" -c"$2" -d"${secs}s" --latency -s "$4" "$3"); else out=$(wrk -t"$1" -c"$2" -d"${secs}s" --latency "$3"); fi
  if grep -q "Non-2xx" <<<"$out"; then echo "run.sh: non-2xx answers: $out" >&2; exit 1; fi
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out")"
}

# warm-up (JIT) on both routes
run 2 8 "$infer" "$tmp/infer.lua" >/dev/null
run 2 8 "$live" >/dev/null

read -r live_rps _ _ <<<"$(run 2 16 "$live")"
read -r inf_rps _ _ <<<"$(run 2 16 "$infer" "$tmp/infer.lua")"
load_rss=$(rss_kib "$pid")
read -r c1_rps c1_p50 c1_p99 <<<"$(run 1 1 "$infer" "$tmp/infer.lua")"
read -r c8_rps c8_p50 c8_p99 <<<"$(run 2 8 "$infer" "$tmp/infer.lua")"
read -r c64_rps c64_p50 c64_p99 <<<"$(run 2 64 "$infer" "$tmp/infer.lua")"

cat <<MD
| measure | value |
|---|---|
| start to ready (process start to first 200 from /ready) | ${ready_ms} ms |
| resident memory idle / after load | $((idle_rss / 1024)) MiB / $((load_rss / 1024)) MiB |
| GET /v2/health/live, 16 connections | ${live_rps} req/s |
| single-step infer, 16 connections | ${inf_rps} req/s ($(awk -v a="$inf_rps" -v b="$live_rps" 'BEGIN {printf "%.0f", 100*a/b}')% of health) |
| infer at concurrency 1 | ${c1_rps} req/s, p50 ${c1_p50}, p99 ${c1_p99} |
| infer at concurrency 8 | ${c8_rps} req/s, p50 ${c8_p50}, p99 ${c8_p99} |
| infer at concurrency 64 | ${c64_rps} req/s, p50 ${c64_p50}, p99 ${c64_p99} |
MD
