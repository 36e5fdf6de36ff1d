#!/usr/bin/env bash
# What the circuit front end adds: trains each configuration with and without the circuit (the same
# liquid model, data, seed and settings: what `qlnn train --ablate-circuit` trains, here as two timed runs)
# for several seeds and
# prints a Markdown table per task: one-step and 10-step NRMSE on the held-out test windows, the circuit's
# coherence and the CPU seconds of each training. docs/CIRCUIT.md quotes its output.
# Usage: tools/circuit_study.sh [seeds] [epochs]   (default 3 seeds, 10 epochs; about 10 CPU minutes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seeds="${1:-3}"
epochs="${2:-10}"
work=target/circuit-study
rm -rf "$work"
mkdir -p "$work"
./qlnn dataset mackey-glass --length 2000 --out "$work/mackey-glass.csv" >/dev/null
# A phase task: the input is an angle that wraps around (a phase with a drifting rate), the target the
# sine and cosine-of-twice of that angle one row later. A circuit's rotations compute trigonometric
# functions of their angles; a liquid layer has to build them from tanh units.
python3 - "$work/phase.csv" <<'PY'
import math, random, sys
random.seed(7)
phi, rate = 0.0, 0.35
with open(sys.argv[1], "w") as f:
    f.write("phase,s,c2\n")
    for t in range(2000):
        rate = min(0.6, max(0.1, rate + random.gauss(0, 0.02)))
        phi = (phi + rate) % (2 * math.pi)
        f.write(f"{phi:.6f},{math.sin(phi):.6f},{math.cos(2 * phi):.6f}\n")
PY
common=(--window 32 --arch ltc --units 8 --wiring autoncp --sparsity 0.4 --qlayers 1
        --sample-rate-hz 1 --epochs "$epochs" --batch 32 --lr 0.01 --validation 0.2 --test 0.2 --threads 1)
for task in mackey-glass phase; do
  if [ "$task" = mackey-glass ]; then cols=(--features x --targets x --horizon 1); else cols=(--features phase --targets s,c2 --horizon 1); fi
  for seed in $(seq 1 "$seeds"); do
    for q in 3 0; do
      /usr/bin/time -f "%U %S" -o "$work/$task-$seed-q$q.time" ./qlnn train --data "$work/$task.csv" "${cols[@]}" \
        "${common[@]}" --qubits "$q" --seed "$seed" --out "$work/$task/q$q/$seed" >/dev/null
    done
  done
done
python3 - "$work" "$seeds" <<'PY'
import json, sys, os
work, seeds = sys.argv[1], int(sys.argv[2])
for task in ("mackey-glass", "phase"):
    print(f"\n{task}: test windows, LTC over AutoNCP(8, outputs) with and without a 3-qubit 1-layer circuit\n")
    print("| seed | one-step NRMSE with / without | 10-step NRMSE with / without | coherence mean (min) | CPU s with / without |")
    print("|---|---|---|---|---|")
    cpu = lambda q, s: sum(map(float, open(f"{work}/{task}-{s}-q{q}.time").read().split()[-2:]))
    for s in range(1, seeds + 1):
        q = json.load(open(f"{work}/{task}/q3/{s}/report.json"))["test"]
        a = json.load(open(f"{work}/{task}/q0/{s}/report.json"))["test"]
        ten = lambda x: f"{x['ten_step_nrmse']:.4f}" if x.get('ten_step_nrmse') is not None else "-"
        print(f"| {s} | {q['one_step_nrmse']:.4f} / {a['one_step_nrmse']:.4f} | {ten(q)} / {ten(a)} | "
              f"{q['coherence_mean']:.3f} ({q['coherence_min']:.3f}) | {cpu(3, s):.0f} / {cpu(0, s):.0f} |")
PY
