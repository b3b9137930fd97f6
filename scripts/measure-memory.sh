#!/usr/bin/env bash
# Peak executor memory of large-batch training with micro-batch accumulation, on a local Spark standalone
# cluster (one-core workers, everything on 127.0.0.1):
#
#   scripts/measure-memory.sh [--global-batch 65536] [--micro-batch 1024] [--steps 3] [--workers 2]
#       [--executor-memory 1g] [--maxbytes 768m] [--maxphysicalbytes 2g] [--out DIR]
#
# 1. Writes a training set of exactly B examples (MNIST's 60,000 training images repeated) as IDX to DIR/data.
# 2. Starts a standalone cluster of W one-core workers, each offering --executor-memory.
# 3. Submits `lockstep train` (deploy/submit.sh) with spark.executor.memory = --executor-memory (the heap cap),
#    -Dorg.bytedeco.javacpp.maxbytes (cap on the off-heap buffers ND4J allocates through JavaCPP) and
#    -Dorg.bytedeco.javacpp.maxphysicalbytes (cap on the executor's whole resident set: JavaCPP checks it at every
#    native allocation, runs a GC and then fails the allocation with OutOfMemoryError). A run that finishes stayed
#    within these caps whenever ND4J allocated.
# 4. Samples each executor JVM's /proc/PID/status every 0.2 s: VmHWM is the kernel's peak resident set size of
#    the process (heap, off-heap, native libraries, thread stacks: everything resident), so the last sample
#    before the executor exits is its peak. GC logs (-Xlog:gc) give the peak Java heap use.
# 5. Prints the peaks and the run's step times, and stops everything it started (also on failure or Ctrl-C).
#
# Needs MNIST (bin/lockstep data fetch mnist) and the shaded app jar (built if missing). The jar is copied into
# DIR first, so a rebuild during the run cannot change it; the job is submitted the way deploy/submit.sh does
# it (SparkSubmit from Spark's own runtime classpath, client mode, one core per executor).
# Results: DIR/memory.txt, DIR/run (the run directory), DIR/submit.log, DIR/gc-*.log, DIR/cluster (logs); the
# jar copy and the generated data are deleted at the end.
# Default DIR: runs/measure-memory-<timestamp>.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="0.1.0-SNAPSHOT"
APP_JAR="$ROOT/modules/lockstep-app/target/lockstep-app-$VERSION-shaded.jar"
SPARK_CP="$ROOT/modules/lockstep-spark-runtime/target/spark-classpath.txt"
die() { echo "measure-memory: $*" >&2; exit 2; }
log() { echo "measure-memory: $*" >&2; }

B=65536 M=1024 STEPS=3 W=2 EXEC_MEM=1g MAXBYTES=768m MAXPHYS=2g OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --global-batch) B="${2:?--global-batch needs a value}"; shift 2 ;;
    --micro-batch) M="${2:?--micro-batch needs a value}"; shift 2 ;;
    --steps) STEPS="${2:?--steps needs a value}"; shift 2 ;;
    --workers) W="${2:?--workers needs a value}"; shift 2 ;;
    --executor-memory) EXEC_MEM="${2:?--executor-memory needs a value}"; shift 2 ;;
    --maxbytes) MAXBYTES="${2:?--maxbytes needs a value}"; shift 2 ;;
    --maxphysicalbytes) MAXPHYS="${2:?--maxphysicalbytes needs a value}"; shift 2 ;;
    --out) OUT="${2:?--out needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
for opt in "--global-batch:$B" "--micro-batch:$M" "--steps:$STEPS" "--workers:$W"; do
  [[ "${opt#*:}" =~ ^[0-9]+$ ]] || die "${opt%%:*} must be a number (got '${opt#*:}')"
done
[ "$W" -ge 1 ] && [ "$STEPS" -ge 1 ] && [ "$B" -ge "$W" ] || die "need --workers >= 1, --steps >= 1 and --global-batch >= --workers"
for opt in "--executor-memory:$EXEC_MEM" "--maxbytes:$MAXBYTES" "--maxphysicalbytes:$MAXPHYS"; do
  [[ "${opt#*:}" =~ ^[0-9]+[kmgKMG]$ ]] || die "${opt%%:*} must be a size like 1g or 768m (got '${opt#*:}')"
done

MNIST="${LOCKSTEP_DATA_DIR:-$HOME/.lockstep/data}/mnist"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte; do
  [ -f "$MNIST/$f" ] || die "missing $MNIST/$f: run bin/lockstep data fetch mnist first"
done
OUT="${OUT:-$ROOT/runs/measure-memory-$(date +%Y%m%d-%H%M%S)}"
[ ! -e "$OUT" ] || [ -z "$(ls -A "$OUT" 2>/dev/null)" ] || die "--out $OUT exists and is not empty"
mkdir -p "$OUT/data"
OUT="$(cd "$OUT" && pwd)"

if [ ! -f "$APP_JAR" ] || [ ! -f "$SPARK_CP" ]; then
  log "building the shaded app jar (mvn package)..."
  (cd "$ROOT" && mvn -B -q -DskipTests package -pl modules/lockstep-app,modules/lockstep-spark-runtime -am) >&2 \
    || { echo "measure-memory: build failed" >&2; exit 1; }
fi
for attempt in 1 2 3 4 5 6; do   # a build running elsewhere may be rewriting the jar: take a complete copy
  cp "$APP_JAR" "$OUT/lockstep-app.jar" && unzip -l "$OUT/lockstep-app.jar" > /dev/null 2>&1 && break
  [ "$attempt" -lt 6 ] || die "$APP_JAR is not a readable jar (is a build running?)"
  sleep 10
done

# 1. N = B examples (the least that allows one step of B): MNIST's images repeated, the last copy cut short.
#    IDX header = magic, count (big-endian), [rows, cols]; the body follows.
n="$B"
be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
idx_copy() { # FILE HEADER_BYTES RECORD_BYTES: the body of FILE repeated and cut to n records
  local file="$1" header="$2" record="$3" left="$n" take
  while [ "$left" -gt 0 ]; do
    take=$(( left < 60000 ? left : 60000 ))
    head -c $(( header + take * record )) "$file" | tail -c +$(( header + 1 ))
    left=$(( left - take ))
  done
}
{ head -c 4 "$MNIST/train-images-idx3-ubyte"; be32 "$n"; head -c 16 "$MNIST/train-images-idx3-ubyte" | tail -c 8
  idx_copy "$MNIST/train-images-idx3-ubyte" 16 784; } > "$OUT/data/train-images-idx3-ubyte"
{ head -c 4 "$MNIST/train-labels-idx1-ubyte"; be32 "$n"; idx_copy "$MNIST/train-labels-idx1-ubyte" 8 1; } \
  > "$OUT/data/train-labels-idx1-ubyte"
log "training set: $n examples (MNIST repeated) in $OUT/data"

STATE="$OUT/cluster"
SAMPLER=""
cleanup() {
  rm -f "$OUT/.sampling" "$OUT/lockstep-app.jar"
  rm -rf "$OUT/data"
  if [ -n "$SAMPLER" ]; then wait "$SAMPLER" 2>/dev/null || true; fi
  LOCKSTEP_CLUSTER_DIR="$STATE" "$ROOT/deploy/standalone/stop-cluster.sh" >&2 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "$(uptime)" > "$OUT/uptime.txt"
master="$(LOCKSTEP_CLUSTER_DIR="$STATE" LOCKSTEP_MASTER_PORT=0 LOCKSTEP_MASTER_WEBUI_PORT=0 \
  LOCKSTEP_WORKER_MEMORY="$EXEC_MEM" "$ROOT/deploy/standalone/start-cluster.sh" "$W" | tail -1)"

# 4. The executors are children of the worker JVMs whose pids start-cluster.sh recorded.
touch "$OUT/.sampling"
(
  while [ -f "$OUT/.sampling" ]; do
    for pidfile in "$STATE"/worker-*.pid; do
      for c in $(pgrep -P "$(cat "$pidfile")" 2>/dev/null); do
        grep -q CoarseGrainedExecutorBackend "/proc/$c/cmdline" 2>/dev/null || continue
        hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$c/status" 2>/dev/null || true)"
        [ -z "$hwm" ] || echo "$hwm" > "$OUT/executor-$c.hwm-kib"
      done
    done
    sleep 0.2
  done
) &
SAMPLER=$!

# 3. Train.
JOPTS="-Dorg.bytedeco.javacpp.maxbytes=$MAXBYTES -Dorg.bytedeco.javacpp.maxphysicalbytes=$MAXPHYS -Xlog:gc:file=$OUT/gc-%p.log"
set +e
read -r -a JVM_FLAGS <<< "$("$ROOT/bin/lockstep-jvm-flags")"
export SPARK_LOCAL_IP=127.0.0.1 OMP_NUM_THREADS=1
java "${JVM_FLAGS[@]}" -Xmx3g -Dlog4j2.configurationFile="$ROOT/deploy/log4j2-driver.properties" \
  -cp "$OUT/lockstep-app.jar:$(cat "$SPARK_CP")" org.apache.spark.deploy.SparkSubmit \
  --master "$master" --class io.lockstep.app.Main \
  --conf spark.executor.cores=1 --conf spark.driver.host=127.0.0.1 \
  --conf "spark.executor.memory=$EXEC_MEM" --conf "spark.executor.extraJavaOptions=$JOPTS" \
  --conf "spark.cores.max=$W" --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
  "$OUT/lockstep-app.jar" \
  train --train-images "$OUT/data/train-images-idx3-ubyte" --train-labels "$OUT/data/train-labels-idx1-ubyte" \
  --global-batch "$B" --micro-batch "$M" --workers "$W" --steps "$STEPS" --no-eval-train --no-progress \
  --out "$OUT/run" > "$OUT/submit.log" 2>&1
rc=$?
set -e
rm -f "$OUT/.sampling"
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=""

# 5. Report.
{
  echo "Peak executor memory: B=$B, micro-batch $M, $W workers x 1 core, $STEPS steps, training set $n examples"
  echo "caps: spark.executor.memory=$EXEC_MEM (heap), javacpp.maxbytes=$MAXBYTES (ND4J off-heap), javacpp.maxphysicalbytes=$MAXPHYS (RSS)"
  echo "load at start: $(cat "$OUT/uptime.txt")"
  found=0
  for f in "$OUT"/executor-*.hwm-kib; do
    [ -e "$f" ] || continue
    found=1
    pid="$(basename "$f" .hwm-kib)"; pid="${pid#executor-}"
    heap="$(sed -n 's/.*[^0-9]\([0-9]*\)M->[0-9]*M([0-9]*M).*/\1/p' "$OUT/gc-$pid.log" 2>/dev/null | sort -n | tail -1)"
    printf '  executor pid %s: peak RSS (VmHWM) %d MiB; peak Java heap before a GC %s MiB\n' \
      "$pid" $(( $(cat "$f") / 1024 )) "${heap:-n/a}"
  done
  [ "$found" = 1 ] || echo "  no executor was seen (see $OUT/submit.log)"
  if [ "$rc" = 0 ]; then
    steps="$(grep -o '"step_ms":[0-9.]*' "$OUT/run/metrics.jsonl" | cut -d: -f2 | tr '\n' ' ')"
    echo "run finished (exit 0); step_ms: $steps"
  else
    echo "run FAILED (exit $rc); last lines of $OUT/submit.log:"
    tail -n 5 "$OUT/submit.log" | sed 's/^/    /'
  fi
} | tee "$OUT/memory.txt"
exit "$rc"
