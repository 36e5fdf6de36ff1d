#!/usr/bin/env bash
# Engine throughput against the ncps 1.0.1 / PyTorch 1.13 CPU reference figures of docs/BENCHMARKS.md (measured on
# this kind of 2-core machine): imports the two reference fixtures and runs `qlnn bench` in stream
# and batch mode. Prints a Markdown table. Usage: bench/engine/run.sh [seconds-per-run]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-10}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fx="$root/engine/src/test/resources/fixtures/ncps"
echo "| model | mode | sample-steps/s | us per step | ncps/PyTorch | ratio | goal |"
echo "|---|---|---|---|---|---|---|"
for c in ltc_autoncp_20_28_4 cfc_default_20_50; do
  "$root/qlnn" import-ncps --spec "$fx/$c/spec.json" --weights "$fx/$c/weights.safetensors" --out "$tmp/$c/1" >/dev/null
  for mode in stream batch; do
    args=(--model "$tmp/$c/1" --mode "$mode" --warmup-s 5 --seconds "$secs" --json)
    [ "$mode" = batch ] && args+=(--batch 256 --steps 100 --threads 2)
    line="$("$root/qlnn" bench "${args[@]}" | tail -n 1)"
    case "$c/$mode" in
      ltc*/stream) base="176 us/step"; goal=50; ref_us=176 ;;
      ltc*/batch) base="139k/s"; goal=5; ref_rate=139000 ;;
      cfc*/stream) base="62 us/step"; goal=30; ref_us=62 ;;
      cfc*/batch) base="88k/s"; goal=3; ref_rate=88000 ;;
    esac
    python3 - "$line" "$mode" "${ref_us:-0}" "${ref_rate:-0}" "$goal" "$c" "$base" <<'PY'
import json, sys
d = json.loads(sys.argv[1]); mode, ref_us, ref_rate, goal, name, base = sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7]
ratio = ref_us / d["us_per_step"] if mode == "stream" else d["steps_per_second"] / ref_rate
print(f"| {name} | {mode} | {d['steps_per_second']:,.0f} | {d['us_per_step']:.2f} | {base} | {ratio:.1f}x | {goal:.0f}x {'met' if ratio >= goal else 'NOT met'} |")
PY
    unset ref_us ref_rate
  done
done
# The bundled quantum-liquid model (6-qubit circuit + NCP-wired mixed-memory LTC + head): no baseline,
# no other library computes it.
for mode in stream batch; do
  args=(--model "$root/models/quantum-liquid-demo/1" --mode "$mode" --warmup-s 5 --seconds "$secs" --json)
  [ "$mode" = batch ] && args+=(--batch 256 --steps 100 --threads 2)
  "$root/qlnn" bench "${args[@]}" | tail -n 1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("| quantum-liquid-demo | %s | {:,.0f} | %.2f | - | - | - |".format(d["steps_per_second"]) % (d["mode"], d["us_per_step"]))'
done
