#!/usr/bin/env bash
# Server benchmark on loopback: start-to-ready time of `./qlnn serve`, resident memory idle
# and under load, single-step infer throughput against GET /v2/health/live of the same server at
# several connection counts, and infer latency at concurrency 1, 8 and 64. Needs wrk
# (apt-get install wrk); builds the jar through ./qlnn when it is stale.
# Usage: bench/server/run.sh [seconds-per-run] [repeats]   Prints a Markdown report on stdout.
#
# wrk and the server share the machine, so each figure is the median of `repeats` runs, and the two
# routes are measured alternately at each connection count (live, infer, live, infer, ...), so that
# a neighbour's load falls on both alike; the ratio is taken run by run, then its median. "server
# us/req" is the server process's CPU time (user + system, all its threads) per answered request.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-10}"
repeats="${2:-3}"
port="${QLNN_BENCH_PORT:-18181}"
command -v wrk >/dev/null || { echo "run.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
"$root/qlnn" --version >/dev/null
tmp="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# The result cache is off so every infer request runs the model; no drain, so a stop is quick.
start_server() { # sets pid, and ready_ms: ms from exec to the first 200 from /ready
  local t0
  t0=$(date +%s%N)
  QLNN_CACHE_SIZE=0 LOG_LEVEL=WARN QLNN_AUDIT_LOG=off QLNN_DRAIN_S=0 \
    "$root/qlnn" serve --model-repository "$root/models" --port "$port" >"$tmp/server.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.01
  done
  ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop_server() {
  kill "$pid"
  wait "$pid" || true
  pid=""
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
when="$(date -u '+%Y-%m-%d %H:%M UTC')"

# Cold: no class-data archive, as after a build (the launcher's JVM writes one when it exits).
# Warm: the archive written by the cold run is mapped. `./qlnn` execs java, so $! is the JVM.
rm -f "$root/cli/target/qlnn.jsa"
start_server
cold_ms=$ready_ms
stop_server
warm_runs=""
for _ in 1 2 3; do
  start_server
  warm_runs="$warm_runs $ready_ms"
  stop_server
done
warm_ms=$(median <<<"$warm_runs")
start_server
sleep 2
idle_rss=$(rss_kib "$pid")

cat >"$tmp/infer.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"input","datatype":"FP32","shape":[1],"data":[0.9]}]}'
LUA
infer="http://127.0.0.1:$port/v2/models/quantum-liquid-demo/infer"
live="http://127.0.0.1:$port/v2/health/live"

run() { # threads connections url [script] -> "rps p50 p99 server-us-per-request"
  local out t0 n
  t0=$(cpu_ticks "$pid")
  if [ -n "${4:-}" ]; then out=$(wrk -t"$1" -c"$2" -d"${secs}s" --latency -s "$4" "$3"); else out=$(wrk -t"$1" -c"$2" -d"${secs}s" --latency "$3"); fi
  if grep -q "Non-2xx" <<<"$out"; then echo "run.sh: non-2xx answers: $out" >&2; exit 1; fi
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out") $(awk -v t=$(( $(cpu_ticks "$pid") - t0 )) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')"
}

# warm-up (JIT) on both routes
run 2 8 "$infer" "$tmp/infer.lua" >/dev/null
run 2 8 "$live" >/dev/null
run 2 8 "$infer" "$tmp/infer.lua" >/dev/null

rows=""
for c in 8 16 64; do
  lr="" ir="" ratios="" lcpu="" icpu=""
  for _ in $(seq "$repeats"); do
    read -r l_rps _ _ l_cpu <<<"$(run 2 "$c" "$live")"
    read -r i_rps _ _ i_cpu <<<"$(run 2 "$c" "$infer" "$tmp/infer.lua")"
    lr="$lr $l_rps" ir="$ir $i_rps" lcpu="$lcpu $l_cpu" icpu="$icpu $i_cpu"
    ratios="$ratios $(awk -v a="$i_rps" -v b="$l_rps" 'BEGIN {printf "%.3f", a / b}')"
  done
  rows="$rows| $c | $(median <<<"$lr") | $(median <<<"$ir") | $(awk -v r="$(median <<<"$ratios")" 'BEGIN {printf "%.0f%%", 100 * r}') ($(tr ' ' '\n' <<<"$ratios" | grep . | awk '{printf "%s%.0f", (NR > 1 ? " " : ""), 100 * $1}')) | $(median <<<"$lcpu") / $(median <<<"$icpu") |
"
done
load_rss=$(rss_kib "$pid")
read -r c1_rps c1_p50 c1_p99 _ <<<"$(run 1 1 "$infer" "$tmp/infer.lua")"
read -r c8_rps c8_p50 c8_p99 _ <<<"$(run 2 8 "$infer" "$tmp/infer.lua")"
read -r c64_rps c64_p50 c64_p99 _ <<<"$(run 2 64 "$infer" "$tmp/infer.lua")"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

cat <<MD
Run at $when, ${secs} s per wrk run, median of $repeats; load average $load_start at the start, $load_end at the end.

| measure | value |
|---|---|
| start to ready, \`./qlnn serve\` (exec to first 200 from /ready), first run after a build | ${cold_ms} ms |
| start to ready, later runs (class-data archive mapped; median of$warm_runs ms) | ${warm_ms} ms |
| resident memory idle / after load | $((idle_rss / 1024)) MiB / $((load_rss / 1024)) MiB |
| infer at concurrency 1 | ${c1_rps} req/s, p50 ${c1_p50}, p99 ${c1_p99} |
| infer at concurrency 8 | ${c8_rps} req/s, p50 ${c8_p50}, p99 ${c8_p99} |
| infer at concurrency 64 | ${c64_rps} req/s, p50 ${c64_p50}, p99 ${c64_p99} |

| connections | GET /v2/health/live req/s | single-step infer req/s | infer / live (each run) | server CPU us/req live / infer |
|---|---|---|---|---|
$rows
MD
