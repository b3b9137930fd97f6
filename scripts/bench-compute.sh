#!/usr/bin/env bash
# One worker's compute per example (docs/PERFORMANCE.md, "Compute per example"): runs one measurement with
# one thread (OMP_NUM_THREADS=1, as bin/lockstep) and writes its console output, framed by `uptime`, to DIR.
#
#   scripts/bench-compute.sh split DIR [JMH options]      WorkerSplitBench: the phases of the worker's call
#   scripts/bench-compute.sh knobs DIR [JMH options]      GradientComputeBench: Lockstep's call + plain DL4J knobs
#   scripts/bench-compute.sh pytorch DIR [ROWS]           ddp_bench.py --compute-rows ROWS (default 128,512,2048)
#   scripts/bench-compute.sh classifiers DIR [ROUNDS]     ModelComputeBench with each nd4j-native classifier jar,
#                                                         alternating, ROUNDS times (default 3), and GradientDump
#                                                         of every jar against the plain one
#
# JMH defaults here: -f 1 -wi 2 -i 3 (1 s each). Output: DIR/<what>.txt (DIR/<what>-<n>.txt if taken).
# Classifier jars are looked up in the Maven repo given by LOCKSTEP_M2 (default ~/.m2/repository); get them with
# mvn dependency:get -Dartifact=org.nd4j:nd4j-native:1.0.0-M2.1:jar:<classifier>. Needs the bench jar
# (mvn -DskipTests package -pl modules/lockstep-bench -am). Python: LOCKSTEP_PYTHON (default /usr/bin/python3).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="0.1.0-SNAPSHOT"
BENCH_JAR="$ROOT/modules/lockstep-bench/target/lockstep-bench-$VERSION.jar"
BENCH_CP="$ROOT/modules/lockstep-bench/target/bench-classpath.txt"
M2="${LOCKSTEP_M2:-$HOME/.m2/repository}"
PY="${LOCKSTEP_PYTHON:-/usr/bin/python3}"
NATIVE="$M2/org/nd4j/nd4j-native/1.0.0-M2.1"
CLASSIFIERS=(linux-x86_64 linux-x86_64-avx2 linux-x86_64-onednn linux-x86_64-onednn-avx2)

die() { echo "bench-compute: $*" >&2; exit 2; }

[ $# -ge 2 ] || { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
WHAT="$1" DIR="$2"; shift 2
[ -f "$BENCH_JAR" ] && [ -f "$BENCH_CP" ] || die "bench jar missing: mvn -DskipTests package -pl modules/lockstep-bench -am"
mkdir -p "$DIR"
OUT="$DIR/$WHAT.txt"; n=2
while [ -e "$OUT" ]; do OUT="$DIR/$WHAT-$n.txt"; n=$((n + 1)); done

export OMP_NUM_THREADS=1
CP="$BENCH_JAR:$(cat "$BENCH_CP")"
JMH_DEFAULTS=(-f 1 -wi 2 -i 3 -w 1s -r 1s)

# The classpath with every classifier jar beside the plain one: JavaCPP picks by platform.extension.
all_jars_cp() {
  local cp="$CP" c
  for c in "${CLASSIFIERS[@]:1}"; do
    [ -f "$NATIVE/nd4j-native-1.0.0-M2.1-$c.jar" ] || die "$NATIVE/nd4j-native-1.0.0-M2.1-$c.jar missing (see --help)"
    cp="$cp:$NATIVE/nd4j-native-1.0.0-M2.1-$c.jar"
  done
  echo "$cp"
}

extension() { local c="$1"; echo "${c#linux-x86_64}"; }

run() {
  echo "# $(date -u +%FT%TZ) scripts/bench-compute.sh $WHAT $DIR $* (git $(git -C "$ROOT" rev-parse --short HEAD))"
  echo "# uptime: $(uptime)"
  echo "# cpu: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), OMP_NUM_THREADS=$OMP_NUM_THREADS"
  case "$WHAT" in
    split) java -cp "$CP" io.lockstep.bench.jmh.JmhMain "${JMH_DEFAULTS[@]}" 'WorkerSplitBench' "$@" ;;
    knobs) java -cp "$CP" io.lockstep.bench.jmh.JmhMain "${JMH_DEFAULTS[@]}" 'GradientComputeBench' "$@" ;;
    pytorch) "$PY" "$ROOT/modules/lockstep-bench/src/main/python/ddp_bench.py" --compute-rows "${1:-128,512,2048}" \
               --warmup 20 --steps 200 ;;
    classifiers) classifiers "${1:-3}" ;;
    *) die "unknown measurement '$WHAT' (split, knobs, pytorch, classifiers)" ;;
  esac
  echo "# uptime: $(uptime)"
}

classifiers() {
  local rounds="$1" cp r c ext
  [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number (got '$rounds')"
  cp="$(all_jars_cp)"
  local dumps; dumps="$(mktemp -d)"
  for c in "${CLASSIFIERS[@]}"; do
    ext="$(extension "$c")"
    echo "## gradients with $c"
    java -Dorg.bytedeco.javacpp.platform.extension="$ext" -cp "$cp" io.lockstep.bench.jmh.GradientDump dump "$dumps/grad$ext" 2>&1
    [ "$c" = linux-x86_64 ] || java -cp "$CP" io.lockstep.bench.jmh.GradientDump compare "$dumps/grad" "$dumps/grad$ext"
  done
  rm -rf "$dumps"
  for r in $(seq 1 "$rounds"); do
    for c in "${CLASSIFIERS[@]}"; do
      ext="$(extension "$c")"
      echo "## round $r: $c (platform.extension='$ext'), uptime: $(uptime)"
      java -cp "$cp" io.lockstep.bench.jmh.JmhMain "${JMH_DEFAULTS[@]}" -jvmArgsAppend "-Dorg.bytedeco.javacpp.platform.extension=$ext" \
        'ModelComputeBench'
    done
  done
}

run "$@" 2>&1 | tee "$OUT"
echo "bench-compute: wrote $OUT" >&2
