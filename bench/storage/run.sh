#!/usr/bin/env bash
# Storage benchmark on loopback against a real S3Proxy (filesystem backend): `qlnn sync` of 100
# model versions from a folder into a bucket (first run, then an idle re-run that must copy nothing),
# `qlnn backup` of those 100 versions and `qlnn restore` of them into an empty folder, and
# start-to-ready of `qlnn serve` on an s3:// repository with an empty cache next to the same on a
# folder. Each figure is the median of `repeats` runs (fresh buckets each run).
# Usage: bench/storage/run.sh [repeats]   Prints a Markdown report on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
repeats="${1:-3}"
s3port="${QLNN_BENCH_S3_PORT:-18191}"
port="${QLNN_BENCH_PORT:-18192}"
"$root/qlnn" --version >/dev/null
"$root/mvnw" -q -B -o -pl server process-test-resources >/dev/null
jar="$root/server/target/s3proxy/s3proxy.jar"
tmp="$(mktemp -d)"
s3pid=""
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$s3pid" ] && kill "$s3pid" 2>/dev/null; rm -rf "$tmp"' EXIT

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

mkdir -p "$tmp/s3"
cat >"$tmp/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=none
jclouds.provider=filesystem
jclouds.filesystem.basedir=$tmp/s3
PROPS
java -jar "$jar" --properties "$tmp/s3proxy.properties" >"$tmp/s3proxy.log" 2>&1 &
s3pid=$!
until curl -fs "http://127.0.0.1:$s3port/" >/dev/null 2>&1; do
  kill -0 "$s3pid" 2>/dev/null || { cat "$tmp/s3proxy.log" >&2; exit 1; }
  sleep 0.05
done
export QLNN_S3_ENDPOINT="http://127.0.0.1:$s3port" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
bucket() { curl -fs -X PUT "http://127.0.0.1:$s3port/$1" >/dev/null; echo "s3://$1"; }

# 100 versions of the bundled demo model: the files a version consists of (model.json and the files it
# pins; the training report and plot next to them are not part of a version and are not copied).
for v in $(seq 1 100); do
  mkdir -p "$tmp/repo/demo/$v"
  cp "$root"/models/quantum-liquid-demo/1/{model.json,weights.safetensors,calibration.safetensors} "$tmp/repo/demo/$v/"
done
repo_bytes=$(du -sb "$tmp/repo" | cut -f1)

first=() idle=() backup=() restore=() s3ready=() dirready=()
for r in $(seq 1 "$repeats"); do
  dst="$(bucket "sync$r")/models"
  t0=$(now_ms); "$root/qlnn" sync --from "$tmp/repo" --to "$dst" >"$tmp/first.out"; first+=($(( $(now_ms) - t0 )))
  t0=$(now_ms); "$root/qlnn" sync --from "$tmp/repo" --to "$dst" >"$tmp/idle.out"; idle+=($(( $(now_ms) - t0 )))
  grep -q "0 version(s) copied (0 file(s), 0 bytes), 100 unchanged" "$tmp/idle.out" \
    || { echo "run.sh: the idle re-run copied something: $(cat "$tmp/idle.out")" >&2; exit 1; }
  b="$(bucket "backup$r")/qlnn"
  t0=$(now_ms); "$root/qlnn" backup --repository "$tmp/repo" --to "$b" >/dev/null; backup+=($(( $(now_ms) - t0 )))
  t0=$(now_ms); "$root/qlnn" restore --from "$b" --to "$tmp/restored$r" >/dev/null; restore+=($(( $(now_ms) - t0 )))
  diff -r "$tmp/repo" "$tmp/restored$r" >/dev/null || { echo "run.sh: restore differs from the repository" >&2; exit 1; }

  one="$(bucket "serve$r")/models"
  "$root/qlnn" push --model "$root/models/quantum-liquid-demo/1" --to "$one/quantum-liquid-demo/1" >/dev/null
  for kind in s3 dir; do
    if [ "$kind" = s3 ]; then where="$one"; else where="$root/models"; fi
    t0=$(now_ms)
    QLNN_MODEL_CACHE="$tmp/cache-$kind-$r" LOG_LEVEL=WARN QLNN_AUDIT_LOG=off QLNN_DRAIN_S=0 \
      "$root/qlnn" serve --model-repository "$where" --port "$port" >"$tmp/server.log" 2>&1 &
    pid=$!
    until curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1; do
      kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
      sleep 0.01
    done
    ms=$(( $(now_ms) - t0 ))
    if [ "$kind" = s3 ]; then s3ready+=("$ms"); else dirready+=("$ms"); fi
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  done
done

echo "| what | median ms | runs (ms) |"
echo "|---|---|---|"
echo "| sync 100 versions folder -> bucket, first run ($repo_bytes bytes) | $(echo "${first[*]}" | median) | ${first[*]} |"
echo "| sync again, nothing changed (copies 0 files) | $(echo "${idle[*]}" | median) | ${idle[*]} |"
echo "| backup of the 100 versions into an empty backup bucket | $(echo "${backup[*]}" | median) | ${backup[*]} |"
echo "| restore of that snapshot into an empty folder (digests checked, diff -r equal) | $(echo "${restore[*]}" | median) | ${restore[*]} |"
echo "| qlnn serve start to ready, s3:// repository, empty cache | $(echo "${s3ready[*]}" | median) | ${s3ready[*]} |"
echo "| qlnn serve start to ready, folder repository | $(echo "${dirready[*]}" | median) | ${dirready[*]} |"
