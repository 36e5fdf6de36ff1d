#!/usr/bin/env bash
# gRPC benchmark on loopback: single-step ModelInfer requests per second against ServerLive (gRPC,
# same server) and against single-step HTTP JSON infer (POST /v2/models/<m>/infer), driven by h2load
# (apt-get install nghttp2-client) with pre-encoded requests, one request in flight per connection;
# then steps per second of one sequence streamed step by step over one ModelStreamInfer stream
# (bench GrpcDriver). The three unary routes are measured alternately in each repeat (live, infer,
# http, live, ...) so that a neighbour's load falls on all alike; ratios are taken repeat by repeat.
# h2load cannot see gRPC statuses (they travel in trailers), so the server's own count of gRPC
# answers with code OK is printed beside h2load's.
# Every route and the stream run once before measuring (JIT warm-up, discarded). "server us/req" is the
# server process's CPU time (user + system, all threads) over the whole h2load run divided by the
# requests of that run (h2load's rate over its warm-up and measuring time together): it depends far
# less on how busy the machine is than requests per second do.
# Usage: bench/grpc/run.sh [seconds-per-run] [repeats] [connections] [stream-steps]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-10}"
repeats="${2:-3}"
conns="${3:-8}"
steps="${4:-100000}"
warm=2 # h2load's warm-up seconds before it measures
port="${QLNN_BENCH_PORT:-18181}"
gport="${QLNN_BENCH_GRPC_PORT:-18001}"
model=quantum-liquid-demo
command -v h2load >/dev/null || { echo "run.sh: needs h2load (apt-get install nghttp2-client)" >&2; exit 2; }
jar="$root/bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "run.sh: build first: ./mvnw -B -q install -DskipTests" >&2; exit 2; }
"$root/qlnn" --version >/dev/null
tmp="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

QLNN_CACHE_SIZE=0 LOG_LEVEL=WARN QLNN_AUDIT_LOG=off QLNN_DRAIN_S=0 QLNN_MAX_INFLIGHT=1024 \
  "$root/qlnn" serve --model-repository "$root/models" --port "$port" --grpc-port "$gport" >"$tmp/server.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.05
done
java="$(readlink -f "/proc/$pid/exe")" # the JDK ./qlnn chose (it execs java), for the driver too
features="$(curl -fs "http://127.0.0.1:$port/v2/models/$model" | sed 's/.*"name":"input","datatype":"FP32","shape":\[-1,-1,\([0-9]*\)\].*/\1/')"
"$java" --add-modules jdk.incubator.vector -cp "$jar" dev.quantumliquid.bench.GrpcDriver encode "$tmp" "$model" "$features" 2>&1 \
  | grep -v '^WARNING' || true
data="$(awk -v f="$features" 'BEGIN { for (j = 0; j < f; j++) printf "%s%.6f", (j ? "," : ""), sin(1.3 * j) }')"
printf '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,1,%s],"data":[%s]}]}' "$features" "$data" >"$tmp/infer.json"

rps() { sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
us_per_req() { # ticks before, ticks after, req/s
  awk -v a="$1" -v b="$2" -v r="$3" -v s="$((secs + warm))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f", (b - a) / hz * 1e6 / (r * s) }'
}
grpc_run() { # rpc, request file
  h2load -D "$secs" --warm-up-time="$warm" -c "$conns" -m 1 -d "$2" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$gport/inference.GRPCInferenceService/$1" | rps
}
http_run() {
  h2load --h1 -D "$secs" --warm-up-time="$warm" -c "$conns" -m 1 -d "$tmp/infer.json" -H 'content-type: application/json' \
    "http://127.0.0.1:$port/v2/models/$model/infer" | rps
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "gRPC benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs," \
  "load at start $load_start; $conns connections, one request in flight each, ${secs} s per run"
echo
grpc_run ServerLive "$tmp/live.bin" >/dev/null
grpc_run ModelInfer "$tmp/infer.bin" >/dev/null
http_run >/dev/null
echo "| repeat | gRPC ServerLive req/s | gRPC ModelInfer req/s | HTTP JSON infer req/s | infer/live | gRPC/HTTP | server us/req live, infer, HTTP |"
echo "|---|---|---|---|---|---|---|"
ratios_live=""; ratios_http=""; lives=""; infers=""; https=""
for r in $(seq "$repeats"); do
  t0="$(cpu_ticks)"; live="$(grpc_run ServerLive "$tmp/live.bin")"
  t1="$(cpu_ticks)"; infer="$(grpc_run ModelInfer "$tmp/infer.bin")"
  t2="$(cpu_ticks)"; http="$(http_run)"
  t3="$(cpu_ticks)"
  cpu="$(us_per_req "$t0" "$t1" "$live"), $(us_per_req "$t1" "$t2" "$infer"), $(us_per_req "$t2" "$t3" "$http")"
  a="$(awk -v i="$infer" -v l="$live" 'BEGIN { printf "%.2f", i / l }')"
  b="$(awk -v i="$infer" -v h="$http" 'BEGIN { printf "%.2f", i / h }')"
  ratios_live="$ratios_live $a"; ratios_http="$ratios_http $b"
  lives="$lives $live"; infers="$infers $infer"; https="$https $http"
  echo "| $r | $live | $infer | $http | $a | $b | $cpu |"
done
echo "| median | $(echo "$lives" | median) | $(echo "$infers" | median) | $(echo "$https" | median) | $(echo "$ratios_live" | median) | $(echo "$ratios_http" | median) | |"
echo
echo "gRPC answers counted by the server (quantum_liquid_requests_total, protocol grpc):"
curl -fs "http://127.0.0.1:$port/metrics" | grep '^quantum_liquid_requests_total{.*protocol="grpc"' | sed 's/^/    /'
echo
echo "ModelStreamInfer, one stream, one sequence of $steps single-step requests (after one such stream to warm up):"
"$java" --add-modules jdk.incubator.vector -cp "$jar" dev.quantumliquid.bench.GrpcDriver stream 127.0.0.1 "$gport" \
  "$model" "$features" "$steps" >/dev/null 2>&1
for r in $(seq "$repeats"); do
  t0="$(cpu_ticks)"
  "$java" --add-modules jdk.incubator.vector -cp "$jar" dev.quantumliquid.bench.GrpcDriver stream 127.0.0.1 "$gport" \
    "$model" "$features" "$steps" 2>&1 | grep -v '^WARNING' | grep . | sed 's/^/    /'
  echo "    server us/step $(awk -v a="$t0" -v b="$(cpu_ticks)" -v n="$steps" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) / hz * 1e6 / n }')"
done
echo
echo "load at end $(cut -d' ' -f1-3 /proc/loadavg)"
