#!/usr/bin/env bash
# Starts a Spark standalone cluster on this machine: one master and N one-core workers, each its own JVM,
# run from the Maven-built SPARK_HOME (see make-spark-home.sh), everything bound to 127.0.0.1.
#
#   deploy/standalone/start-cluster.sh N
#
# Waits until all N workers are registered, then prints the master URL (spark://127.0.0.1:PORT) as its
# last line. On failure or timeout it stops what it started and exits non-zero.
#
# Environment (all optional):
#   LOCKSTEP_CLUSTER_DIR         state dir: pid files, logs, worker dirs (default deploy/standalone/.cluster)
#   LOCKSTEP_MASTER_PORT         master RPC port (default 7077; 0 = any free port)
#   LOCKSTEP_MASTER_WEBUI_PORT   master web UI port (default 8080; 0 = any free port)
#   LOCKSTEP_WORKER_WEBUI_PORT   first worker web UI port, worker i gets PORT+i-1 (default 0 = any free port)
#   LOCKSTEP_WORKER_MEMORY       memory each worker offers to executors (default 2g)
#   LOCKSTEP_DAEMON_MEMORY       heap of the master and worker JVMs themselves (default 512m)
#   LOCKSTEP_CLUSTER_TIMEOUT     seconds to wait for the master and the workers (default 90)
#   LOCKSTEP_SPARK_SECRET_FILE   file holding a shared secret, or
#   LOCKSTEP_SPARK_SECRET        the secret itself: daemons run with spark.authenticate=true
#   LOCKSTEP_SPARK_CRYPTO=1      also spark.network.crypto.enabled=true (AES-encrypted RPC)
#   SPARK_HOME                   a Spark distribution to use instead (default: deploy/standalone/.spark-home)
# The secret is passed to the daemons in a 0600 properties file (--properties-file) that is deleted once
# they are up; it never appears on a command line.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

die() { echo "start-cluster: $*" >&2; exit 1; }
log() { echo "start-cluster: $*" >&2; }

N="${1:-}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "usage: start-cluster.sh N   (N = number of one-core workers, >= 1)"

STATE="${LOCKSTEP_CLUSTER_DIR:-$HERE/.cluster}"
MASTER_PORT="${LOCKSTEP_MASTER_PORT:-7077}"
MASTER_WEBUI_PORT="${LOCKSTEP_MASTER_WEBUI_PORT:-8080}"
WORKER_WEBUI_PORT="${LOCKSTEP_WORKER_WEBUI_PORT:-0}"
WORKER_MEMORY="${LOCKSTEP_WORKER_MEMORY:-2g}"
DAEMON_MEMORY="${LOCKSTEP_DAEMON_MEMORY:-512m}"
TIMEOUT="${LOCKSTEP_CLUSTER_TIMEOUT:-90}"
for v in MASTER_PORT MASTER_WEBUI_PORT WORKER_WEBUI_PORT TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "LOCKSTEP_$v must be a number (got '${!v}')"
done

# SPARK_HOME: an existing distribution, else the Maven-built one.
if [ -z "${SPARK_HOME:-}" ] || [ ! -d "$SPARK_HOME/jars" ]; then
  SPARK_HOME="$("$HERE/make-spark-home.sh" | tail -1)"
fi
export SPARK_HOME
# The launcher inside each worker (which builds executor command lines) needs the Scala version; a
# distribution's bin/load-spark-env.sh would set it.
if [ -z "${SPARK_SCALA_VERSION:-}" ]; then
  core="$(ls "$SPARK_HOME"/jars/spark-core_*.jar 2>/dev/null | head -1)"
  [ -n "$core" ] || die "no spark-core jar in $SPARK_HOME/jars"
  SPARK_SCALA_VERSION="$(basename "$core" | sed 's/^spark-core_\([0-9.]*\)-.*/\1/')"
fi
export SPARK_SCALA_VERSION
export SPARK_LOCAL_IP=127.0.0.1
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
read -r -a JVM_FLAGS <<< "$("$ROOT/bin/lockstep-jvm-flags")"
# The daemons only schedule and supervise: a light JIT and GC make them start faster on a busy machine.
DAEMON_JVM_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
for f in "$STATE"/*.pid; do
  [ -e "$f" ] || continue
  if kill -0 "$(cat "$f")" 2>/dev/null; then
    die "a cluster from $STATE is still running (pid $(cat "$f") in $f); run stop-cluster.sh first"
  fi
  rm -f "$f"
done
rm -f "$STATE/master-url" "$STATE"/*.log
rm -rf "$STATE/work"
mkdir -p "$STATE/work" "$STATE/local"
export SPARK_LOCAL_DIRS="$STATE/local"

# Security: the secret goes to the daemons in a private properties file, never on a command line.
PROPS=()
PROPS_FILE="$STATE/daemon.properties"
rm -f "$PROPS_FILE"
# shellcheck source=../lib/secret.sh
. "$ROOT/deploy/lib/secret.sh"
lockstep_read_secret
if [ -n "$secret" ]; then
  (
    umask 077
    # --properties-file replaces spark-defaults.conf, so carry its settings over.
    defaults="${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-defaults.conf"
    if [ -f "$defaults" ]; then cat "$defaults"; echo; fi
    echo "spark.authenticate=true"
    printf 'spark.authenticate.secret=%s\n' "${secret//\\/\\\\}"
    if [ "${LOCKSTEP_SPARK_CRYPTO:-0}" = "1" ]; then echo "spark.network.crypto.enabled=true"; fi
  ) > "$PROPS_FILE"
  chmod 600 "$PROPS_FILE"
  PROPS=(--properties-file "$PROPS_FILE")
  log "authentication on (spark.authenticate=true$([ "${LOCKSTEP_SPARK_CRYPTO:-0}" = "1" ] && echo ", spark.network.crypto.enabled=true"))"
fi
unset secret LOCKSTEP_SPARK_SECRET   # not inherited by the JVMs either

STARTED=()
cleanup_on_error() {
  local rc=$?
  rm -f "$PROPS_FILE"
  if [ $rc -ne 0 ] && [ ${#STARTED[@]} -gt 0 ]; then
    log "stopping what was started"
    LOCKSTEP_CLUSTER_DIR="$STATE" "$HERE/stop-cluster.sh" >&2 || true
  fi
}
trap cleanup_on_error EXIT
trap 'exit 130' INT TERM

# launch NAME CLASS ARGS...: starts a daemon JVM in the background, logs to STATE/NAME.log
launch() {
  local name="$1" cls="$2"; shift 2
  nohup "$JAVA" "${JVM_FLAGS[@]}" -Xmx"$DAEMON_MEMORY" "${DAEMON_JVM_OPTS[@]}" -cp "$SPARK_HOME/jars/*" "$cls" "$@" \
      > "$STATE/$name.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$STATE/$name.pid"
  STARTED+=("$pid")
}

fail_with_log() { # NAME MESSAGE
  log "$2; last lines of $STATE/$1.log:"
  tail -n 20 "$STATE/$1.log" >&2 || true
  exit 1
}

deadline=$((SECONDS + TIMEOUT))

launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MASTER_PORT" \
    --webui-port "$MASTER_WEBUI_PORT" "${PROPS[@]}"
MASTER_URL="" WEBUI_PORT=""
while :; do
  kill -0 "$(cat "$STATE/master.pid")" 2>/dev/null || fail_with_log master "the master exited"
  [ -n "$MASTER_URL" ] || MASTER_URL="$(sed -n 's/.*Starting Spark master at \(spark:\/\/[^ ]*\).*/\1/p' "$STATE/master.log" | head -1)"
  [ -n "$WEBUI_PORT" ] || WEBUI_PORT="$(sed -n "s/.*Successfully started service 'MasterUI' on port \([0-9]*\).*/\1/p" "$STATE/master.log" | head -1)"
  if [ -n "$MASTER_URL" ] && [ -n "$WEBUI_PORT" ] && grep -q "New state: ALIVE" "$STATE/master.log"; then break; fi
  [ $SECONDS -lt $deadline ] || fail_with_log master "timed out after ${TIMEOUT}s waiting for the master"
  sleep 0.3
done
if [ "$MASTER_PORT" != 0 ] && [ "$MASTER_URL" != "spark://127.0.0.1:$MASTER_PORT" ]; then
  log "note: port $MASTER_PORT was busy, the master took $MASTER_URL"
fi
echo "$MASTER_URL" > "$STATE/master-url"
echo "http://127.0.0.1:$WEBUI_PORT" > "$STATE/master-webui"
log "master $MASTER_URL (web UI http://127.0.0.1:$WEBUI_PORT, pid $(cat "$STATE/master.pid"))"

for i in $(seq 1 "$N"); do
  ui=0
  [ "$WORKER_WEBUI_PORT" = 0 ] || ui=$((WORKER_WEBUI_PORT + i - 1))
  mkdir -p "$STATE/work/worker-$i"
  launch "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port "$ui" \
      --cores 1 --memory "$WORKER_MEMORY" --work-dir "$STATE/work/worker-$i" "${PROPS[@]}" "$MASTER_URL"
done

# alive_workers: the master's JSON view (bash's /dev/tcp, no curl needed)
alive_workers() {
  local body
  body="$( (exec 3<>"/dev/tcp/127.0.0.1/$WEBUI_PORT" && printf 'GET /json/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 \
            && timeout 5 cat <&3) 2>/dev/null || true)"
  echo "$body" | sed -n 's/.*"aliveworkers" *: *\([0-9]*\).*/\1/p' | head -1
}

while :; do
  for i in $(seq 1 "$N"); do
    kill -0 "$(cat "$STATE/worker-$i.pid")" 2>/dev/null || fail_with_log "worker-$i" "worker $i exited"
  done
  kill -0 "$(cat "$STATE/master.pid")" 2>/dev/null || fail_with_log master "the master exited"
  alive="$(alive_workers)"
  if [ -n "$alive" ] && [ "$alive" -ge "$N" ]; then break; fi
  if [ $SECONDS -ge $deadline ]; then
    log "timed out after ${TIMEOUT}s: ${alive:-0} of $N workers registered"
    for i in $(seq 1 "$N"); do tail -n 5 "$STATE/worker-$i.log" | sed "s/^/  worker-$i: /" >&2 || true; done
    exit 1
  fi
  sleep 0.5
done

rm -f "$PROPS_FILE"   # the daemons have read it
log "$N worker(s) registered in ${SECONDS}s; state, logs and pid files in $STATE; stop with deploy/standalone/stop-cluster.sh"
echo "$MASTER_URL"
