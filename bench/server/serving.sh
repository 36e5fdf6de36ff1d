#!/usr/bin/env bash
# The serving path as a user runs it: `./qlnn serve` with its default settings (result cache on) on
# the benchmark model hybrid5 (bench/server/models.sh), every request a new random input (wrk Lua
# scripts). For each build given (a checkout whose ./qlnn launcher is used; the first one is this
# one), a server on its own port; at each connection count the routes GET /v2/health/live, single-step
# OIP infer (POST /v2/models/hybrid5/infer) and POST /inference are run on every server in turn, so
# that a neighbour's load falls on all alike; each figure is the median of `repeats` runs, the
# infer/live ratios are taken run by run (same server, adjacent runs). "us/req" is the server
# process's CPU time (user + system, all threads, from /proc) per answered request.
# Usage: bench/server/serving.sh [seconds-per-run] [repeats] [other-checkout...]
# Environment: QLNN_BENCH_PORT (first port, default 18190; one per build), QLNN_BENCH_CONNS (default
# "8 16"), QLNN_BENCH_MODEL (default hybrid5), QLNN_BENCH_ENV (extra server settings, e.g. QLNN_CACHE_SIZE=0).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-10}"
repeats="${2:-3}"
shift $(( $# > 2 ? 2 : $# ))
builds=("$root" "$@")
port0="${QLNN_BENCH_PORT:-18190}"
conns="${QLNN_BENCH_CONNS:-8 16}"
model="${QLNN_BENCH_MODEL:-hybrid5}"
command -v wrk >/dev/null || { echo "serving.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
repo="$("$root/bench/server/models.sh")"
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ms() { awk '{v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[^m]s$/) v *= 1000; printf "%.3f", v}'; } # wrk's 95.00us / 4.1ms / 1.2s
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

for i in "${!builds[@]}"; do
  b="${builds[$i]}"
  "$b/qlnn" --version >/dev/null
  port=$(( port0 + i ))
  # shellcheck disable=SC2086
  env LOG_LEVEL=WARN QLNN_AUDIT_LOG=off QLNN_DRAIN_S=0 QLNN_GRPC_PORT=0 ${QLNN_BENCH_ENV:-} \
    "$b/qlnn" serve --model-repository "$repo" --port "$port" >"$tmp/server$i.log" 2>&1 &
  pids+=($!)
  until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
    kill -0 "${pids[$i]}" 2>/dev/null || { cat "$tmp/server$i.log" >&2; exit 1; }
    sleep 0.05
  done
done
features="$(curl -fs "http://127.0.0.1:$port0/v2/models/$model" | sed 's/.*"name":"input","datatype":"FP32","shape":\[-1,-1,\([0-9]*\)\].*/\1/')"

# Random inputs in [-1, 1), six decimals, a new one per request (a result-cache miss every time).
# Each script prints the 99.9th percentile of the latency when wrk ends (wrk --latency stops at 99%).
p999='done = function(summary, latency, requests) io.write(string.format("p99.9 %d\\n", latency:percentile(99.9))) end'
echo "$p999" >"$tmp/live.lua"
cat >"$tmp/oip.lua" <<LUA
math.randomseed(os.time())
local n = $features
request = function()
  local v = {}
  for i = 1, n do v[i] = string.format("%.6f", math.random() * 2 - 1) end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
    '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,1,' .. n .. '],"data":[' .. table.concat(v, ",") .. ']}]}')
end
$p999
LUA
cat >"$tmp/guide.lua" <<LUA
math.randomseed(os.time() + 1)
local n = $features
request = function()
  local v = {}
  for i = 1, n do v[i] = string.format("%.6f", math.random() * 2 - 1) end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, '{"input":[' .. table.concat(v, ",") .. ']}')
end
$p999
LUA

run() { # build-index connections route -> "rps p50 p99 server-us-per-request p99.9"
  local i="$1" c="$2" route="$3" out t0 n url pid="${pids[$1]}" port=$(( port0 + $1 )) script=()
  case "$route" in
    live) url="http://127.0.0.1:$port/v2/health/live"; script=(-s "$tmp/live.lua") ;;
    infer) url="http://127.0.0.1:$port/v2/models/$model/infer"; script=(-s "$tmp/oip.lua") ;;
    inference) url="http://127.0.0.1:$port/inference"; script=(-s "$tmp/guide.lua") ;;
  esac
  t0=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c"$c" -d"${secs}s" --latency ${script[@]+"${script[@]}"} "$url" 2>&1)
  if grep -q "Non-2xx" <<<"$out"; then echo "serving.sh: non-2xx answers on $url: $out" >&2; exit 1; fi
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out" | ms) $(awk '$1=="99%" {print $2}' <<<"$out" | ms) $(awk -v t=$(( $(cpu_ticks "$pid") - t0 )) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}') $(awk '/^p99.9/ {printf "%.3f", $2 / 1000}' <<<"$out")"
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
when="$(date -u '+%Y-%m-%d %H:%M UTC')"
for i in "${!builds[@]}"; do # warm-up (JIT)
  for r in infer live inference; do run "$i" 8 "$r" >/dev/null; done
done

echo "| build | connections | route | req/s | of live (each run) | p50 ms | p99 ms | p99.9 ms | server CPU us/req |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in $conns; do
  declare -A rps=() p50=() p99=() p999=() cpu=() ratio=()
  for _ in $(seq "$repeats"); do
    for i in "${!builds[@]}"; do
      for r in live infer inference; do
        read -r a b d e f <<<"$(run "$i" "$c" "$r")"
        rps[$i$r]+=" $a" p50[$i$r]+=" $b" p99[$i$r]+=" $d" cpu[$i$r]+=" $e" p999[$i$r]+=" $f"
        if [ "$r" = live ]; then last_live=$a; else ratio[$i$r]+=" $(awk -v a="$a" -v b="$last_live" 'BEGIN {printf "%.2f", a / b}')"; fi
      done
    done
  done
  for i in "${!builds[@]}"; do
    name="$(git -C "${builds[$i]}" describe --always --dirty 2>/dev/null || basename "${builds[$i]}")"
    for r in live infer inference; do
      rr="-"
      if [ "$r" != live ]; then rr="$(median <<<"${ratio[$i$r]}") ($(tr ' ' '\n' <<<"${ratio[$i$r]}" | grep . | paste -sd' '))"; fi
      echo "| ${name} | $c | $r | $(median <<<"${rps[$i$r]}") | $rr | $(median <<<"${p50[$i$r]}") | $(median <<<"${p99[$i$r]}") | $(median <<<"${p999[$i$r]}") | $(median <<<"${cpu[$i$r]}") |"
    done
  done
  unset rps p50 p99 p999 cpu ratio
done
echo
echo "Run at $when, ${secs} s per wrk run (2 threads), median of $repeats; model $model; load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) vCPUs."
