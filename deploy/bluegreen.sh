#!/usr/bin/env bash
# Blue-green release of quantum-liquid on one cluster (the bluegreen component must be applied:
# deploy/k8s/components/bluegreen). Steps, each a function below:
#   1. find the active colour from the live selector of quantum-liquid-service; the other is idle
#   2. point the preview Service at the idle colour and give its Deployment the new image
#   3. wait for the idle Deployment's rollout (readiness: /ready of every new pod)
#   4. smoke-test the idle colour through the preview Service (kubectl port-forward)
#   5. ask Prometheus for the idle colour's error ratio and p95 latency (gate: <= 1%, <= 100 ms)
#   6. switch quantum-liquid-service to the idle colour, preview to the old one
#   7. watch the new colour under real traffic; on a failed gate switch back
# Any failure before step 6 undoes the image change; after it, the selector goes back.
# `--rollback` alone switches the selector to the other colour at once.
# `--dry-run` prints every kubectl and curl command instead of running it (tested in CI).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: deploy/bluegreen.sh --image IMAGE [options]
       deploy/bluegreen.sh --rollback [options]
  --image IMAGE          image to release, pinned by tag or @sha256 digest (never latest)
  --namespace NS         default quantum-liquid
  --context CTX          kubectl context (one region's cluster); default: the current one
  --prometheus URL       Prometheus base URL; default: port-forward to svc/prometheus in monitoring
  --observe SECONDS      smoke traffic and wait before the gate (default 150)
  --post-observe SECONDS watch after the switch (default 150; 0 skips)
  --smoke-body FILE      JSON body POSTed to /inference during smoke tests (default: health only)
  --active COLOUR        with --dry-run: assume this colour is active (default blue)
  --rollback             switch quantum-liquid-service to the other colour and stop
  --dry-run              print the commands, change nothing
Environment: QLNN_SMOKE_API_KEY (an 'infer' key for --smoke-body), KUBECTL (default kubectl).
EOF
}

NS=quantum-liquid
CONTEXT=""
IMAGE=""
PROM_URL=""
OBSERVE=150
POST_OBSERVE=150
SMOKE_BODY=""
DRY_RUN=false
ROLLBACK=false
ASSUMED_ACTIVE=blue
ROLLOUT_TIMEOUT=600s
WINDOW=2m
MAX_ERROR_RATIO=0.01
MAX_P95_SECONDS=0.1
ACTIVE_SVC=quantum-liquid-service
PREVIEW_SVC=quantum-liquid-preview
KUBECTL="${KUBECTL:-kubectl}"
PF_PIDS=()

die() { echo "bluegreen: $*" >&2; exit 1; }
log() { echo "bluegreen: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --image) IMAGE="${2:?--image needs a value}"; shift 2 ;;
    --namespace) NS="${2:?--namespace needs a value}"; shift 2 ;;
    --context) CONTEXT="${2:?--context needs a value}"; shift 2 ;;
    --prometheus) PROM_URL="${2:?--prometheus needs a value}"; shift 2 ;;
    --observe) OBSERVE="${2:?--observe needs a value}"; shift 2 ;;
    --post-observe) POST_OBSERVE="${2:?--post-observe needs a value}"; shift 2 ;;
    --smoke-body) SMOKE_BODY="${2:?--smoke-body needs a value}"; shift 2 ;;
    --active) ASSUMED_ACTIVE="${2:?--active needs a value}"; shift 2 ;;
    --rollback) ROLLBACK=true; shift ;;
    --dry-run) DRY_RUN=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

if ! $ROLLBACK; then
  [ -n "$IMAGE" ] || { usage >&2; exit 2; }
  case "${IMAGE##*/}" in
    *@sha256:*) ;;
    *:latest) echo "bluegreen: refusing the mutable tag 'latest': $IMAGE" >&2; exit 2 ;;
    *:?*) ;;
    *) echo "bluegreen: pin a tag or a digest: $IMAGE" >&2; exit 2 ;;
  esac
fi
[[ "$OBSERVE" =~ ^[0-9]+$ && "$POST_OBSERVE" =~ ^[0-9]+$ ]] || die "--observe and --post-observe take whole seconds"
[ -z "$SMOKE_BODY" ] || [ -r "$SMOKE_BODY" ] || die "cannot read --smoke-body $SMOKE_BODY"

kube_args=(--namespace "$NS")
[ -z "$CONTEXT" ] || kube_args+=(--context "$CONTEXT")

# Runs a command, or prints it (on stderr, beside the log) under --dry-run.
run() {
  if $DRY_RUN; then
    { printf '+'; printf ' %q' "$@"; printf '\n'; } >&2
  else
    "$@"
  fi
}
kc() { run "$KUBECTL" "${kube_args[@]}" "$@"; }

cleanup() {
  local pid
  for pid in "${PF_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

other() { if [ "$1" = blue ]; then echo green; else echo blue; fi; }

active_colour() {
  if $DRY_RUN; then
    { printf '+ %q' "$KUBECTL"; printf ' %q' "${kube_args[@]}" get service "$ACTIVE_SVC" -o 'jsonpath={.spec.selector.color}'; printf '\n'; } >&2
    echo "$ASSUMED_ACTIVE"
    return
  fi
  local c
  c="$("$KUBECTL" "${kube_args[@]}" get service "$ACTIVE_SVC" -o 'jsonpath={.spec.selector.color}')"
  case "$c" in blue|green) echo "$c" ;; *) die "$ACTIVE_SVC selects no colour ('$c'): apply the bluegreen component first" ;; esac
}

select_colour() { # service colour
  kc patch service "$1" --type merge -p "{\"spec\":{\"selector\":{\"color\":\"$2\"}}}"
}

# kubectl port-forward in the background; prints the local port. NetworkPolicies do not apply: the
# API server tunnels through the kubelet into the pod's network namespace.
port_forward() { # target remote-port local-port [namespace]
  local target="$1" remote="$2" local_port="$3" ns="${4:-$NS}"
  local args=(--namespace "$ns")
  [ -z "$CONTEXT" ] || args+=(--context "$CONTEXT")
  if $DRY_RUN; then
    run "$KUBECTL" "${args[@]}" port-forward "$target" "$local_port:$remote"
    return
  fi
  "$KUBECTL" "${args[@]}" port-forward "$target" "$local_port:$remote" >/dev/null 2>&1 &
  PF_PIDS+=("$!")
  local i
  for i in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$local_port") 2>/dev/null; then return 0; fi
    sleep 0.2
    [ "$i" -lt 50 ] || die "port-forward to $target did not open 127.0.0.1:$local_port"
  done
}

# The gate's two queries, over the pods of one colour. The Argo Rollouts AnalysisTemplate runs the
# same PromQL with rollouts_pod_template_hash in place of color (checked by a test).
error_ratio_query() {
  local sel="namespace=\"$NS\",color=\"$1\""
  echo "(sum(rate(quantum_liquid_requests_total{$sel, code=~\"5..|UNKNOWN|INTERNAL|UNAVAILABLE|DATA_LOSS|DEADLINE_EXCEEDED\"}[$WINDOW])) or vector(0)) / sum(rate(quantum_liquid_requests_total{$sel}[$WINDOW]))"
}
p95_query() {
  local sel="namespace=\"$NS\",color=\"$1\""
  echo "histogram_quantile(0.95, sum by (le) (rate(quantum_liquid_request_duration_seconds_bucket{$sel}[$WINDOW])))"
}

# Prints the single value of an instant query; fails on no value (no traffic is no proof).
prom_value() {
  local query="$1" body value
  log "query: $query"
  if $DRY_RUN; then
    run curl -fsS --get "$PROM_URL/api/v1/query" --data-urlencode "query=$query"
    echo 0
    return
  fi
  body="$(curl -fsS --get "$PROM_URL/api/v1/query" --data-urlencode "query=$query")" || die "Prometheus query failed: $query"
  value="$(printf '%s' "$body" | sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p')"
  [ -n "$value" ] || die "no value from Prometheus (is it scraping the new pods? was there traffic?): $query"
  echo "$value"
}

gate() { # colour: error ratio and p95 within the alert thresholds
  local colour="$1" ratio p95
  ratio="$(prom_value "$(error_ratio_query "$colour")")"
  p95="$(prom_value "$(p95_query "$colour")")"
  log "$colour: error ratio $ratio (max $MAX_ERROR_RATIO), p95 ${p95}s (max ${MAX_P95_SECONDS}s)"
  awk -v r="$ratio" -v p="$p95" -v mr="$MAX_ERROR_RATIO" -v mp="$MAX_P95_SECONDS" \
    'BEGIN { exit !(r == r + 0 && p == p + 0 && r <= mr && p <= mp) }'
}

smoke_once() { # base-url
  local base="$1"
  run curl -fsS -o /dev/null "$base/ready" || return 1
  run curl -fsS -o /dev/null "$base/v2/health/ready" || return 1
  run curl -fsS -o /dev/null "$base/health" || return 1
  if [ -n "$SMOKE_BODY" ]; then
    local auth=()
    [ -z "${QLNN_SMOKE_API_KEY:-}" ] || auth=(-H "Authorization: Bearer $QLNN_SMOKE_API_KEY")
    run curl -fsS -o /dev/null -H 'Content-Type: application/json' "${auth[@]}" --data-binary "@$SMOKE_BODY" "$base/inference" || return 1
  fi
}

smoke_for() { # base-url seconds: smoke requests until the time is up (traffic for the gate)
  local base="$1" seconds="$2" end
  if $DRY_RUN; then smoke_once "$base"; run sleep "$seconds"; return; fi
  end=$((SECONDS + seconds))
  while [ "$SECONDS" -lt "$end" ]; do
    smoke_once "$base" || return 1
    sleep 1
  done
}

prometheus() {
  if [ -z "$PROM_URL" ]; then
    port_forward svc/prometheus 9090 19090 monitoring
    PROM_URL=http://127.0.0.1:19090
  fi
}

if $ROLLBACK; then
  active="$(active_colour)"
  back="$(other "$active")"
  log "rolling back: $ACTIVE_SVC $active -> $back"
  select_colour "$ACTIVE_SVC" "$back"
  select_colour "$PREVIEW_SVC" "$active"
  exit 0
fi

active="$(active_colour)"
idle="$(other "$active")"
log "active colour: $active; releasing $IMAGE on $idle"

undo_idle() {
  log "release failed before the switch: undoing the image change on $idle"
  kc rollout undo "deployment/quantum-liquid-$idle" || true
}

# 2. preview -> idle, new image on idle
select_colour "$PREVIEW_SVC" "$idle"
kc set image "deployment/quantum-liquid-$idle" "server=$IMAGE"
kc annotate --overwrite "deployment/quantum-liquid-$idle" "kubernetes.io/change-cause=bluegreen.sh $IMAGE"

# 3. readiness
if ! kc rollout status "deployment/quantum-liquid-$idle" --timeout="$ROLLOUT_TIMEOUT"; then
  undo_idle; die "rollout of $idle did not become ready"
fi

# 4. smoke test through the preview Service
port_forward "svc/$PREVIEW_SVC" 80 18080
if ! smoke_once http://127.0.0.1:18080; then undo_idle; die "smoke test of $idle failed"; fi
log "smoke test of $idle passed; observing for ${OBSERVE}s"

# 5. Prometheus gate on the idle colour
prometheus
if ! smoke_for http://127.0.0.1:18080 "$OBSERVE"; then undo_idle; die "smoke traffic to $idle failed"; fi
if ! gate "$idle"; then undo_idle; die "gate failed for $idle"; fi

# 6. switch
log "switching $ACTIVE_SVC: $active -> $idle"
select_colour "$ACTIVE_SVC" "$idle"
select_colour "$PREVIEW_SVC" "$active"

# 7. watch under real traffic, switch back on failure
if [ "$POST_OBSERVE" -gt 0 ]; then
  run sleep "$POST_OBSERVE"
  if ! gate "$idle"; then
    log "gate failed after the switch: back to $active"
    select_colour "$ACTIVE_SVC" "$active"
    select_colour "$PREVIEW_SVC" "$idle"
    die "released $IMAGE was rolled back"
  fi
fi
log "released $IMAGE on $idle; $active stays up (HPA minimum) for 'deploy/bluegreen.sh --rollback'"
