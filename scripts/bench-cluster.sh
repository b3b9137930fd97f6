#!/usr/bin/env bash
# Standalone-cluster scaling of Lockstep: starts a local Spark standalone cluster with 1 one-core worker,
# runs the Lockstep side of the bench on it with 1 worker (P = 1), stops it, does the same with 2 one-core
# workers (P = 2), and prints examples/s and the speed-up (2 workers / 1 worker) for each global batch.
#
#   scripts/bench-cluster.sh [--batches 4096,1024] [--steps N] [--warmup N] [--jit-warmup N]
#                            [--step-transport auto|job|channel] [--out DIR]
#
# Everything binds to 127.0.0.1; the master and web UI take free ports, so a cluster started by someone
# else is not touched. Only the processes this script started are stopped (by the pid files of its own
# state dir), also on failure or Ctrl-C. Results: DIR/workers-N.{txt,csv} (the bench's report and CSV),
# DIR/speedup.csv, DIR/uptime.txt (load before each run), cluster logs in DIR/cluster-N.
# Default DIR: runs/bench-cluster-<timestamp>. Executors run from the bench's own classpath
# (spark.executor.extraClassPath: driver and executors load the very same jars; fine on one machine; Lockstep's
# jars are copied into DIR/lib first so that a rebuild during the run cannot change them). Needs the
# bench jar (built if missing; after changing sources rebuild it: mvn -DskipTests package -pl modules/lockstep-bench -am).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="0.1.0-SNAPSHOT"
BENCH_JAR="$ROOT/modules/lockstep-bench/target/lockstep-bench-$VERSION.jar"
BENCH_CP="$ROOT/modules/lockstep-bench/target/bench-classpath.txt"

die() { echo "bench-cluster: $*" >&2; exit 2; }
log() { echo "bench-cluster: $*" >&2; }

BATCHES=4096,1024 STEPS=30 WARMUP=5 JIT=1000 OUT="" TRANSPORT=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --batches) BATCHES="${2:?--batches needs a value}"; shift 2 ;;
    --steps) STEPS="${2:?--steps needs a value}"; shift 2 ;;
    --warmup) WARMUP="${2:?--warmup needs a value}"; shift 2 ;;
    --jit-warmup) JIT="${2:?--jit-warmup needs a value}"; shift 2 ;;
    --out) OUT="${2:?--out needs a value}"; shift 2 ;;
    --step-transport) TRANSPORT="${2:?--step-transport needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$TRANSPORT" =~ ^(auto|job|channel)$ ]] || die "--step-transport must be auto, job or channel (got '$TRANSPORT')"
[[ "$BATCHES" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--batches must be a comma-separated list of numbers (got '$BATCHES')"
for opt in "--steps:$STEPS" "--warmup:$WARMUP" "--jit-warmup:$JIT"; do
  [[ "${opt#*:}" =~ ^[0-9]+$ ]] || die "${opt%%:*} must be a number (got '${opt#*:}')"
done
OUT="${OUT:-$ROOT/runs/bench-cluster-$(date +%Y%m%d-%H%M%S)}"
[ ! -e "$OUT" ] || [ -z "$(ls -A "$OUT" 2>/dev/null)" ] || die "--out $OUT exists and is not empty"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

if [ ! -f "$BENCH_JAR" ] || [ ! -f "$BENCH_CP" ]; then
  log "building the bench jar (mvn package)..."
  (cd "$ROOT" && mvn -B -q -DskipTests package -pl modules/lockstep-bench -am) >&2 \
    || { echo "bench-cluster: build failed" >&2; exit 1; }
fi

read -r -a JVM_FLAGS <<< "$("$ROOT/bin/lockstep-jvm-flags")"
# Lockstep's own jars are copied into DIR/lib first, so a rebuild elsewhere during the run cannot change them.
mkdir -p "$OUT/lib"
CLASSPATH_ALL=""
for jar in "$BENCH_JAR" $(tr ':' ' ' < "$BENCH_CP"); do
  case "$(basename "$jar")" in
    lockstep-*.jar) cp "$jar" "$OUT/lib/" && jar="$OUT/lib/$(basename "$jar")" ;;
  esac
  CLASSPATH_ALL="${CLASSPATH_ALL:+$CLASSPATH_ALL:}$jar"
done
export SPARK_LOCAL_IP=127.0.0.1 OMP_NUM_THREADS=1
export LOCKSTEP_MASTER_PORT=0 LOCKSTEP_MASTER_WEBUI_PORT=0

STATE=""
stop() {
  if [ -n "$STATE" ]; then LOCKSTEP_CLUSTER_DIR="$STATE" "$ROOT/deploy/standalone/stop-cluster.sh" >&2 || true; fi
  STATE=""
}
trap stop EXIT
trap 'exit 130' INT TERM

for n in 1 2; do
  STATE="$OUT/cluster-$n"
  echo "workers=$n $(uptime)" >> "$OUT/uptime.txt"
  log "starting a standalone cluster with $n one-core worker(s); $(uptime | sed 's/.*load/load/')"
  master="$(LOCKSTEP_CLUSTER_DIR="$STATE" "$ROOT/deploy/standalone/start-cluster.sh" "$n" | tail -1)"
  # The driver waits until all n executor cores have registered, so the cached shards spread over all of them.
  java "${JVM_FLAGS[@]}" -Xmx2g \
      -Dspark.executor.extraClassPath="$CLASSPATH_ALL" -Dspark.executor.cores=1 -Dspark.cores.max="$n" -Dspark.executor.memory=2g \
      -Dspark.scheduler.minRegisteredResourcesRatio=1.0 -Dspark.scheduler.maxRegisteredResourcesWaitingTime=120s \
      -cp "$CLASSPATH_ALL" io.lockstep.bench.BenchMain \
      --master "$master" --workers "$n" --sides lockstep --batches "$BATCHES" \
      --steps "$STEPS" --warmup "$WARMUP" --jit-warmup "$JIT" --step-transport "$TRANSPORT" --out "$OUT/workers-$n.csv" | tee "$OUT/workers-$n.txt"
  stop
done

# speed-up = examples/s with 2 workers / with 1 worker, per global batch (columns found by name)
awk -F, '
  FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { b = $col["global_batch"]; r = $col["lockstep_examples_per_sec"]; if (FILENAME ~ /workers-1/) one[b] = r; else two[b] = r }
  END {
    print "global_batch,examples_per_sec_1_worker,examples_per_sec_2_workers,speedup"
    for (b in two) if (b in one) printf "%s,%.0f,%.0f,%.2f\n", b, one[b], two[b], two[b] / one[b]
  }' "$OUT/workers-1.csv" "$OUT/workers-2.csv" > "$OUT/speedup.csv"
echo
echo "Standalone cluster, Lockstep examples/s with 1 and 2 one-core workers (results in $OUT):"
column -s, -t < "$OUT/speedup.csv" 2>/dev/null || cat "$OUT/speedup.csv"
