#!/usr/bin/env bash
# Interleaved A/B of one streamed Session.step between two or more builds of bench/target/benchmarks.jar
# (copy each build aside first), in one JVM, timed in thread CPU time: on a shared 2-core machine the
# figures of separate JMH runs move by 10-40% with the load, this moves by a few percent.
# Usage: bench/engine/compare_builds.sh [fixture] [rounds] old.jar new.jar ...   (fixture default cfc_default_20_50)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fixture="cfc_default_20_50"
rounds=300
if [[ "${1:-}" != *.jar && ! "${1:-}" =~ ^[0-9]+$ ]]; then fixture="$1"; shift; fi
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then rounds="$1"; shift; fi
[ $# -ge 2 ] || { echo "usage: $0 [fixture] [rounds] old.jar new.jar ..." >&2; exit 2; }
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
javac="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$javac" -nowarn --add-modules jdk.incubator.vector -cp "$1" -d "$tmp/drv" "$root/bench/engine/compare_builds/stepdriver/StepDriver.java" 2>/dev/null
"$javac" -nowarn -d "$tmp/main" "$root/bench/engine/compare_builds/CompareBuilds.java"
jars=()
for j in "$@"; do jars+=("$(cd "$(dirname "$j")" && pwd)/$(basename "$j")"); done
echo "fixture $fixture, $rounds rounds of 20000 steps per jar, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M) UTC"
"$java" --add-modules jdk.incubator.vector -cp "$tmp/main" CompareBuilds "$tmp/drv" \
  "$root/engine/src/test/resources/fixtures/ncps/$fixture" "$rounds" 20000 "${jars[@]}" 2>&1 | grep -v '^WARNING'
