#!/usr/bin/env bash
# Builds the server benchmark's model repository with qlnn's own tools (`qlnn dataset`, `qlnn train`),
# the same bits on every run (fixed seeds; the weights do not depend on the thread count):
#   hybrid5     scale(5) -> pqc(5 inputs, 4 qubits, 2 layers) -> CfC(4 -> 12 units, backbone 16)
#               -> dense(12 -> 2): a small hybrid forecaster whose step costs less than its HTTP request
#   cfc128q6    scale(20) -> pqc(20 inputs, 6 qubits, 1 layer) -> CfC(6 -> 128 units, backbone 128)
#               -> dense(128 -> 1): a model whose step costs more than its HTTP request
# The features are the Mackey-Glass series and its previous values (x0 = x(t), x1 = x(t-1), ...); the
# weights are trained for one epoch only: the benchmarks time the serving path, not the forecasts.
# Usage: bench/server/models.sh [repository]   (default: target/bench-models; existing versions are kept)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
repo="${1:-$root/target/bench-models}"
work="$root/target/bench-data"
mkdir -p "$repo" "$work"

lags() { # n-features in.csv out.csv: columns x0..x(n-1), x(t) and its n-1 previous values
  awk -F, -v n="$1" 'NR == 1 { for (i = 0; i < n; i++) printf "%sx%d", (i ? "," : ""), i; print ""; next }
    { v[NR] = $2; if (NR > n) { for (i = 0; i < n; i++) printf "%s%s", (i ? "," : ""), v[NR - i]; print "" } }' "$2" >"$3"
}

build() { # name length features targets train-options...
  local name="$1" len="$2" n="$3" targets="$4"
  shift 4
  if [ -f "$repo/$name/1/model.json" ]; then
    echo "models.sh: $repo/$name/1 exists, kept" >&2
    return
  fi
  "$root/qlnn" dataset mackey-glass --length "$len" --out "$work/mg$len.csv" >&2
  lags "$n" "$work/mg$len.csv" "$work/$name.csv"
  local features
  features="$(head -1 "$work/$name.csv")"
  "$root/qlnn" train --data "$work/$name.csv" --features "$features" --targets "$targets" --window 16 --horizon 1 \
    --epochs 1 --batch 32 --seed 1 --json "$@" --out "$repo/$name/1" >&2
  rm -rf "$repo/$name/1/checkpoint"
}

build hybrid5 800 5 x0,x4 --qubits 4 --qlayers 2 --arch cfc --units 12 --backbone-units 16
build cfc128q6 120 20 x0 --energy-budget-uw 1000 --qubits 6 --qlayers 1 --arch cfc --units 128 --backbone-units 128
echo "$repo"
