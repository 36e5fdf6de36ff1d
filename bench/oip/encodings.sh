#!/usr/bin/env bash
# OIP infer over HTTP by encoding, on loopback: the same request as JSON and as Triton binary tensor
# data (FP32 input, binary output), one step and a 200-step sequence, over HTTP/1.1, and the one-step
# JSON request over cleartext HTTP/2 (prior knowledge). Driven by h2load (apt-get install
# nghttp2-client), one request in flight per connection. The routes are measured alternately in each
# repeat so that a neighbour's load falls on all alike. "server us/req" is the server process's CPU
# time (user + system, all threads) per answered request: it does not depend on how busy the machine
# is, where requests per second do. The result cache is off, so every request runs the model.
# Usage: bench/oip/encodings.sh [seconds-per-run] [repeats] [connections]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-5}"
repeats="${2:-3}"
conns="${3:-4}"
port="${QLNN_BENCH_PORT:-18182}"
model=quantum-liquid-demo
command -v h2load >/dev/null || { echo "encodings.sh: needs h2load (apt-get install nghttp2-client)" >&2; exit 2; }
"$root/qlnn" --version >/dev/null
tmp="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

QLNN_CACHE_SIZE=0 LOG_LEVEL=WARN QLNN_AUDIT_LOG=off QLNN_DRAIN_S=0 QLNN_MAX_INFLIGHT=1024 QLNN_GRPC_PORT=0 \
  "$root/qlnn" serve --model-repository "$root/models" --port "$port" >"$tmp/server.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.05
done
features="$(curl -fs "http://127.0.0.1:$port/v2/models/$model" | sed 's/.*"name":"input","datatype":"FP32","shape":\[-1,-1,\([0-9]*\)\].*/\1/')"

# request files: name.body, and name.len (the JSON header length) for the binary ones
make_requests() { # steps
  local t="$1" n=$(( $1 * features ))
  python3 - "$tmp" "$t" "$features" <<'PY'
import json, math, struct, sys
tmp, t, f = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
vals = [round(0.5 * math.sin(1.3 * i), 6) for i in range(t * f)]
with open(f"{tmp}/json{t}.body", "w") as out:
    json.dump({"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, t, f], "data": vals}]}, out,
              separators=(",", ":"))
head = json.dumps({"inputs": [{"name": "input", "shape": [1, t, f], "datatype": "FP32",
                               "parameters": {"binary_data_size": 4 * t * f}}],
                   "parameters": {"binary_data_output": True}}, separators=(",", ":")).encode()
with open(f"{tmp}/bin{t}.body", "wb") as out:
    out.write(head + struct.pack(f"<{t * f}f", *vals))
with open(f"{tmp}/bin{t}.len", "w") as out:
    out.write(str(len(head)))
PY
}
make_requests 1
make_requests 200

rps() { sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
us_per_req() { # ticks before, ticks after, req/s
  awk -v a="$1" -v b="$2" -v r="$3" -v s="$secs" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz * 1e6 / (r * s) }'
}
run() { # route name
  local url="http://127.0.0.1:$port/v2/models/$model/infer"
  case "$1" in
    json1|json200) h2load --h1 -D "$secs" --warm-up-time=1 -c "$conns" -m 1 -d "$tmp/${1}.body" \
      -H 'content-type: application/json' "$url" | rps ;;
    bin1|bin200) h2load --h1 -D "$secs" --warm-up-time=1 -c "$conns" -m 1 -d "$tmp/${1}.body" \
      -H "inference-header-content-length: $(cat "$tmp/${1}.len")" "$url" | rps ;;
    h2json1) h2load -D "$secs" --warm-up-time=1 -c "$conns" -m 1 -d "$tmp/json1.body" \
      -H 'content-type: application/json' "$url" | rps ;;
  esac
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

routes="json1 bin1 h2json1 json200 bin200"
echo "OIP HTTP encodings, $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs," \
  "load at start $(cut -d' ' -f1-3 /proc/loadavg); $conns connections, one request in flight each, ${secs} s per run," \
  "$features features"
for r in $routes; do run "$r" >/dev/null; done # warm-up, discarded
echo
echo "| repeat | route | req/s | server us/req |"
echo "|---|---|---|---|"
declare -A all cpus
for i in $(seq "$repeats"); do
  for r in $routes; do
    t0="$(cpu_ticks)"; v="$(run "$r")"; t1="$(cpu_ticks)"
    c="$(us_per_req "$t0" "$t1" "$v")"
    all[$r]="${all[$r]:-} $v"; cpus[$r]="${cpus[$r]:-} $c"
    echo "| $i | $r | $v | $c |"
  done
done
echo
echo "| route | median req/s | median server us/req |"
echo "|---|---|---|"
for r in $routes; do
  echo "| $r | $(echo "${all[$r]}" | median) | $(echo "${cpus[$r]}" | median) |"
done
echo "load at end $(cut -d' ' -f1-3 /proc/loadavg)"
