#!/usr/bin/env bash
# Trains the bundled demo model, models/quantum-liquid-demo/1, from scratch: the Mackey-Glass series
# from `qlnn dataset`, then the one `qlnn train` command below. This file is the single source of
# truth for that command: the README quotes it and DemoModelTest checks the shipped report.json
# against it. Run from anywhere; it writes target/mackey-glass.csv and models/quantum-liquid-demo/1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mkdir -p target
./qlnn dataset mackey-glass --length 5000 --out target/mackey-glass.csv
# The shipped version is moved aside, not deleted: if training fails or is interrupted, it comes back
# and no half-written version is left in the model repository.
previous=target/quantum-liquid-demo-1.previous
rm -rf "$previous"
if [ -d models/quantum-liquid-demo/1 ]; then mv models/quantum-liquid-demo/1 "$previous"; fi
restore() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    rm -rf models/quantum-liquid-demo/1
    if [ -d "$previous" ]; then mv "$previous" models/quantum-liquid-demo/1; fi
    echo "train_demo.sh: training failed (exit $rc); the previous models/quantum-liquid-demo/1 is back in place" >&2
  else
    rm -rf "$previous"
  fi
}
trap restore EXIT
start=$(date +%s)
./qlnn train --data target/mackey-glass.csv --features x --targets x --window 32 --horizon 1 \
  --qubits 3 --qlayers 1 --arch ltc --units 8 --wiring autoncp --sparsity 0.4 \
  --sample-rate-hz 1 --epochs 20 --batch 32 --lr 0.01 --seed 1 --out models/quantum-liquid-demo/1
echo "train_demo.sh: trained in $(( $(date +%s) - start )) s on $(nproc) cores" >&2
# The checkpoint only serves --resume; the model repository ships the version, report.json and loss.png.
rm -rf models/quantum-liquid-demo/1/checkpoint
