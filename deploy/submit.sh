#!/usr/bin/env bash
# Submits Lockstep to a Spark cluster with spark-submit semantics (client deploy mode: the driver runs
# here), without needing a Spark distribution:
#
#   deploy/submit.sh MASTER_URL [spark-submit options...] train [train options...]
#
#   MASTER_URL   spark://HOST:PORT (standalone), yarn (with HADOOP_CONF_DIR), local[N], ...
#   options between MASTER_URL and the subcommand (train|data|help) go to spark-submit, e.g.
#   --conf spark.executor.memory=4g; everything from the subcommand on goes to Lockstep.
#
# Builds the shaded app jar if it is missing, runs org.apache.spark.deploy.SparkSubmit from
# "$SPARK_HOME/jars/*" (SPARK_HOME defaults to the Maven-built deploy/standalone/.spark-home, made if
# missing) with the JVM flags Spark needs on Java 17. Exit code = the application's exit code.
#
# Environment (all optional):
#   LOCKSTEP_SPARK_SECRET_FILE / LOCKSTEP_SPARK_SECRET   shared secret for spark.authenticate (passed in a
#                              temporary 0600 properties file, deleted on exit; never on a command line)
#   LOCKSTEP_SPARK_CRYPTO=1    also spark.network.crypto.enabled=true
#   LOCKSTEP_DRIVER_MEMORY     driver heap (default 2g; the driver is this JVM)
#   LOCKSTEP_EXECUTOR_MEMORY   sets spark.executor.memory (default: Spark's, 1g)
#   LOCKSTEP_JAVA_OPTS         extra JVM options for the driver
#   SPARK_HOME, SPARK_CONF_DIR, HADOOP_CONF_DIR, YARN_CONF_DIR   as for spark-submit
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VERSION="0.1.0-SNAPSHOT"
APP_JAR="$ROOT/modules/lockstep-app/target/lockstep-app-$VERSION-shaded.jar"

die() { echo "submit: $*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: submit.sh MASTER_URL [spark-submit options...] train [train options...]"
MASTER="$1"; shift
SUBMIT_OPTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    train|data|help) break ;;
    --) shift; break ;;
    *) SUBMIT_OPTS+=("$1"); shift ;;
  esac
done
[ $# -gt 0 ] || die "no Lockstep subcommand (train, data, help) after the spark-submit options"

command -v java >/dev/null || [ -n "${JAVA_HOME:-}" ] || die "java not found: install a Java 17 JDK"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [ ! -f "$APP_JAR" ]; then
  command -v mvn >/dev/null || die "mvn not found: install Apache Maven to build Lockstep"
  echo "submit: building the shaded jar (mvn package, about a minute the first time)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests package -pl modules/lockstep-app -am) >&2 \
    || { echo "submit: build failed (run 'mvn -DskipTests package' to see why)" >&2; exit 1; }
fi

if [ -z "${SPARK_HOME:-}" ] || [ ! -d "$SPARK_HOME/jars" ]; then
  SPARK_HOME="$("$HERE/standalone/make-spark-home.sh" | tail -1)" || { echo "submit: could not make SPARK_HOME" >&2; exit 1; }
fi
export SPARK_HOME
if [ -z "${SPARK_SCALA_VERSION:-}" ]; then
  core="$(ls "$SPARK_HOME"/jars/spark-core_*.jar 2>/dev/null | head -1)"
  [ -n "$core" ] && export SPARK_SCALA_VERSION="$(basename "$core" | sed 's/^spark-core_\([0-9.]*\)-.*/\1/')"
fi
# A driver for a cluster on this machine (or local mode) binds to loopback only; for a remote cluster
# the driver must be reachable from the executors, so Spark's own address choice (or SPARK_LOCAL_IP) applies.
LOOPBACK=0
case "$MASTER" in
  spark://127.0.0.1:*|spark://localhost:*|local|local\[*) LOOPBACK=1; export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" ;;
esac
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# Classpath as bin/spark-class builds it: conf dir, the jars, Hadoop/YARN client configuration.
CONF_DIR="${SPARK_CONF_DIR:-$SPARK_HOME/conf}"
CP="$CONF_DIR/:$SPARK_HOME/jars/*"
[ -z "${HADOOP_CONF_DIR:-}" ] || CP="$CP:$HADOOP_CONF_DIR"
[ -z "${YARN_CONF_DIR:-}" ] || CP="$CP:$YARN_CONF_DIR"

LOG_OPTS=()
if [ ! -f "$CONF_DIR/log4j2.properties" ]; then
  LOG_OPTS=("-Dlog4j2.configurationFile=$HERE/log4j2-driver.properties")
fi

# Security: the secret goes into a private temporary properties file, never onto a command line.
PROPS=()
PROPS_FILE=""
CHILD=""
WORK=""
cleanup() {
  if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then kill -TERM "$CHILD" 2>/dev/null; wait "$CHILD" 2>/dev/null; fi
  [ -z "$PROPS_FILE" ] || rm -f "$PROPS_FILE"
  if [ -n "$WORK" ]; then
    if [ -f "$WORK/timer.pid" ]; then kill "$(cat "$WORK/timer.pid")" 2>/dev/null; fi
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
# shellcheck source=lib/secret.sh
. "$ROOT/deploy/lib/secret.sh"
lockstep_read_secret
if [ -n "$secret" ]; then
  PROPS_FILE="$(umask 077 && mktemp "${TMPDIR:-/tmp}/lockstep-submit.XXXXXX")"
  {
    # --properties-file replaces spark-defaults.conf, so carry its settings over.
    if [ -f "$CONF_DIR/spark-defaults.conf" ]; then cat "$CONF_DIR/spark-defaults.conf"; echo; fi
    echo "spark.authenticate=true"
    printf 'spark.authenticate.secret=%s\n' "${secret//\\/\\\\}"
    if [ "${LOCKSTEP_SPARK_CRYPTO:-0}" = "1" ]; then echo "spark.network.crypto.enabled=true"; fi
  } > "$PROPS_FILE"
  PROPS=(--properties-file "$PROPS_FILE")
fi
unset secret LOCKSTEP_SPARK_SECRET   # not inherited by the JVMs either

DEFAULT_CONFS=(--conf spark.executor.cores=1)
[ "$LOOPBACK" = 0 ] || [ "$SPARK_LOCAL_IP" != 127.0.0.1 ] || DEFAULT_CONFS+=(--conf spark.driver.host=127.0.0.1)
[ -z "${LOCKSTEP_EXECUTOR_MEMORY:-}" ] || DEFAULT_CONFS+=(--conf "spark.executor.memory=$LOCKSTEP_EXECUTOR_MEMORY")

read -r -a JVM_FLAGS <<< "$("$ROOT/bin/lockstep-jvm-flags")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/lockstep-submit-run.XXXXXX")"
mkfifo "$WORK/stderr"
# shellcheck disable=SC2086
"$JAVA" "${JVM_FLAGS[@]}" -Xmx"${LOCKSTEP_DRIVER_MEMORY:-2g}" "${LOG_OPTS[@]}" ${LOCKSTEP_JAVA_OPTS:-} -cp "$CP" \
  org.apache.spark.deploy.SparkSubmit --master "$MASTER" --class io.lockstep.app.Main \
  "${PROPS[@]}" "${DEFAULT_CONFS[@]}" "${SUBMIT_OPTS[@]}" "$APP_JAR" "$@" 2> "$WORK/stderr" &
CHILD=$!

# Watchdog on the driver's stderr (passed through unchanged). When Spark gives up on the application
# (e.g. "All masters are unresponsive", the master removed it) the driver can hang while stopping
# (seen with Spark 3.5.6: a broadcast racing the context's shutdown deadlocks); the application is
# already dead, so the driver is stopped after LOCKSTEP_SUBMIT_DEAD_GRACE seconds (default 15) and the
# exit code is 1. A master that demands authentication from a driver without the secret is reported
# at the first refused connection instead of after Spark's three 20 s registration attempts.
watch_stderr() {
  local line reason=""
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s\n' "$line" >&2
    [ -z "$reason" ] || continue
    case "$line" in
      *"maybe your client does not have SASL enabled"*)
        reason="the cluster requires authentication (spark.authenticate) and this submission has no secret: set LOCKSTEP_SPARK_SECRET_FILE or LOCKSTEP_SPARK_SECRET"
        grace=0 ;;
      *"Application has been killed. Reason:"*)
        reason="Spark gave up on the application (${line#*Reason: })"
        grace="${LOCKSTEP_SUBMIT_DEAD_GRACE:-15}" ;;
      *) continue ;;
    esac
    echo "$reason" > "$WORK/rejected"
    (
      # short sleeps only, so nothing lingers once this timer is cancelled
      wait_alive() { local n=$(($1 * 5)); while [ $n -gt 0 ] && kill -0 "$CHILD" 2>/dev/null; do sleep 0.2; n=$((n - 1)); done; }
      wait_alive "$grace"
      kill -0 "$CHILD" 2>/dev/null || exit 0
      echo "submit: $reason; stopping the driver (pid $CHILD)" >&2
      kill -TERM "$CHILD" 2>/dev/null
      wait_alive 10
      kill -KILL "$CHILD" 2>/dev/null
    ) &
    echo $! > "$WORK/timer.pid"
  done
}
watch_stderr < "$WORK/stderr" &
WATCHER=$!

set +e
wait "$CHILD"
rc=$?
CHILD=""
wait "$WATCHER"
if [ -f "$WORK/timer.pid" ]; then kill "$(cat "$WORK/timer.pid")" 2>/dev/null; fi
if [ -f "$WORK/rejected" ] && [ "$rc" != 0 ] && [ "$rc" -ge 128 ]; then rc=1; fi
exit $rc
