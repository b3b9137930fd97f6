#!/usr/bin/env bash
# Lays out a SPARK_HOME whose jars/ holds Spark's own runtime jars (spark-core + spark-sql and exactly
# their dependencies), resolved by Maven from modules/lockstep-spark-runtime. It stands in for an
# unpacked Spark distribution: Master, Worker, executors and SparkSubmit all run from "$SPARK_HOME/jars/*".
#
#   deploy/standalone/make-spark-home.sh [DIR]     (default: deploy/standalone/.spark-home)
#
# Idempotent: does nothing when DIR was already made from the same runtime pom and Spark version.
# Prints DIR as its last line. Extra Maven flags (e.g. -o for offline) from LOCKSTEP_MVN_FLAGS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$ROOT/deploy/standalone/.spark-home}"
RUNTIME_POM="$ROOT/modules/lockstep-spark-runtime/pom.xml"

die() { echo "make-spark-home: $*" >&2; exit 1; }
[ -f "$RUNTIME_POM" ] || die "missing $RUNTIME_POM"

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
MARKER="$DIR/.lockstep-spark-home"
# Concurrent callers (parallel builds, test runs) wait for each other instead of racing on jars/.
if command -v flock >/dev/null; then
  exec 9>"$DIR/.lock"
  flock 9
fi

# What the jar set depends on: the runtime module's pom and the Spark version pinned in the root pom.
spark_version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$ROOT/pom.xml" | head -1)"
stamp="spark=$spark_version pom=$(sha256sum "$RUNTIME_POM" | cut -d' ' -f1)"

if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$stamp" ] && [ -n "$(ls "$DIR/jars" 2>/dev/null | head -1)" ]; then
  echo "$DIR"
  exit 0
fi

command -v mvn >/dev/null || die "mvn not found: install Apache Maven"
echo "make-spark-home: copying Spark $spark_version runtime jars into $DIR/jars ..." >&2
tmp="$DIR/jars.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
# shellcheck disable=SC2086
(cd "$ROOT" && mvn -B -q ${LOCKSTEP_MVN_FLAGS:-} -pl modules/lockstep-spark-runtime dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp") >&2 || die "mvn dependency:copy-dependencies failed"
[ -n "$(ls "$tmp"/spark-core_*.jar 2>/dev/null)" ] || die "no spark-core jar was copied into $tmp"

# Swap in the complete set (a half-copied jars/ is never left behind).
rm -rf "$DIR/jars"
mv "$tmp" "$DIR/jars"
mkdir -p "$DIR/conf"
echo "$stamp" > "$MARKER"
echo "make-spark-home: $(ls "$DIR/jars" | wc -l) jars in $DIR/jars" >&2
echo "$DIR"
