#!/usr/bin/env bash
# Training throughput against the ncps 1.0.1 / PyTorch 1.13 CPU reference figures of docs/BENCHMARKS.md (batch 64 x 32
# steps, MSE, forward + backward + Adam, on this kind of 2-core machine): runs the TrainBench JMH
# benchmark (one optimiser step through the trainer's BatchStepper on 2 threads) and prints a Markdown
# table. The first operations run the Vector API code in the interpreter (seconds each), hence the long
# warm-up. Usage: bench/train/run.sh [iterations] [seconds-per-iteration] [warm-up iterations]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
iters="${1:-5}"
secs="${2:-5}"
warm="${3:-6}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
(cd "$root" && ./mvnw -q -B -DskipTests -pl bench -am package) >&2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# JMH_JAVA_OPTS: extra options of the JMH host JVM (e.g. -Djmh.ignoreLock=true while another JMH runs).
(cd "$root" && "$java" --add-modules jdk.incubator.vector ${JMH_JAVA_OPTS:-} -jar bench/target/benchmarks.jar '\.TrainBench\.' \
    -f 1 -wi "$warm" -w "${secs}s" -i "$iters" -r "${secs}s" -rf json -rff "$tmp/train.json") >&2
python3 - "$tmp/train.json" <<'PY'
import json, sys
ref = {"cfc_20_50": ("CfC(20, 50)", 29000), "cfc_20_autoncp_28_4": ("CfC(20, AutoNCP(28, 4))", 93000),
       "ltc_20_autoncp_28_4": ("LTC(20, AutoNCP(28, 4))", 20000)}
print("| model | ms per step (64 x 32) | sample-steps/s | ncps/PyTorch | ratio | goal 3x |")
print("|---|---|---|---|---|---|")
for r in json.load(open(sys.argv[1])):
    arch = r["params"]["arch"]
    ms, err = r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"]
    rate = 2048 / (ms / 1000)
    name, base = ref[arch]
    ratio = rate / base
    print(f"| {name} | {ms:.2f} ± {err:.2f} | {rate:,.0f} | {base // 1000}k/s | {ratio:.1f}x | {'met' if ratio >= 3 else 'NOT met'} |")
PY
