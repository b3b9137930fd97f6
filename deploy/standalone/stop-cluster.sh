#!/usr/bin/env bash
# Stops the cluster started by start-cluster.sh: exactly the processes recorded in the state dir's pid
# files (TERM, then KILL after LOCKSTEP_STOP_TIMEOUT seconds, default 15), and removes the pid files.
# A worker stops its own executors on TERM; executors still left as children of a recorded worker are
# stopped too. State dir: LOCKSTEP_CLUSTER_DIR (default deploy/standalone/.cluster). Logs are kept.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${LOCKSTEP_CLUSTER_DIR:-$HERE/.cluster}"
TIMEOUT="${LOCKSTEP_STOP_TIMEOUT:-15}"
log() { echo "stop-cluster: $*" >&2; }

[ -d "$STATE" ] || { log "no state dir $STATE: nothing to stop"; exit 0; }
rm -f "$STATE/daemon.properties"

# is_ours PID: alive and still a Spark daemon/executor JVM (guards against a recycled pid)
is_ours() {
  [ -r "/proc/$1/stat" ] || return 1
  case "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" in Z|X|"") return 1;; esac  # exited (zombie)
  tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null \
    | grep -q 'org\.apache\.spark\.\(deploy\.master\.Master\|deploy\.worker\.Worker\|executor\.CoarseGrainedExecutorBackend\)'
}

pids=() files=() children=()
# workers first, then the master
for f in "$STATE"/worker-*.pid "$STATE"/master.pid; do
  [ -e "$f" ] || continue
  files+=("$f")
  pid="$(cat "$f" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || continue
  if is_ours "$pid"; then
    pids+=("$pid")
    for c in $(pgrep -P "$pid" 2>/dev/null); do is_ours "$c" && children+=("$c"); done
  fi
done

stop_pids() { # PID...: TERM, wait, KILL
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null
  local deadline=$((SECONDS + TIMEOUT)) left
  while :; do
    left=()
    for p in "$@"; do is_ours "$p" && left+=("$p"); done
    [ ${#left[@]} -gt 0 ] || return 0
    if [ $SECONDS -ge $deadline ]; then
      log "still running after ${TIMEOUT}s, sending KILL to ${left[*]}"
      kill -KILL "${left[@]}" 2>/dev/null
      sleep 0.5
      return 0
    fi
    sleep 0.3
  done
}

if [ ${#pids[@]} -gt 0 ]; then
  log "stopping ${pids[*]}"
  stop_pids "${pids[@]}"
fi
leftover=()
for c in "${children[@]}"; do is_ours "$c" && leftover+=("$c"); done
if [ ${#leftover[@]} -gt 0 ]; then
  log "stopping executors left behind by the workers: ${leftover[*]}"
  stop_pids "${leftover[@]}"
fi
[ ${#files[@]} -eq 0 ] || rm -f "${files[@]}"
rm -f "$STATE/master-url" "$STATE/master-webui"
log "stopped (logs kept in $STATE)"
