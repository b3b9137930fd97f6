#!/usr/bin/env bash
# Interleaved A/B of GradientWorker before (main 29681fa) / after (worker-copies 7190ada): only the core jar differs.
set -euo pipefail
ROOT=/work/wt-worker-copies
OUT=${1:-$ROOT/results/bench/compute-2026-12-07-s22/ab}  # an idle rerun: ab.sh DIR
mkdir -p "$OUT"
export OMP_NUM_THREADS=1
BENCH_JAR=$ROOT/modules/lockstep-bench/target/lockstep-bench-0.1.0-SNAPSHOT.jar
CORE=$ROOT/modules/lockstep-core/target/lockstep-core-0.1.0-SNAPSHOT.jar
for r in 1 2 3; do
  if [ $r = 2 ]; then order="after before"; else order="before after"; fi
  for v in $order; do
    cp_rest=$(sed "s#$CORE#/tmp/wc/$v-core.jar#" $ROOT/modules/lockstep-bench/target/bench-classpath.txt)
    f=$OUT/round$r-$v.txt
    {
      echo "# $(date -u +%FT%TZ) A/B round $r: $v (core jar /tmp/wc/$v-core.jar, $(sha1sum /tmp/wc/$v-core.jar | cut -c1-12)); JMH -f 1 -wi 2 -i 5 -w 1s -r 1s 'WorkerSplitBench.(gradientSum|forwardBackward)' -p workspace=ENABLED"
      echo "# uptime: $(uptime)"
      java -cp "$BENCH_JAR:$cp_rest" io.lockstep.bench.jmh.JmhMain -f 1 -wi 2 -i 5 -w 1s -r 1s \
        'WorkerSplitBench.(gradientSum|forwardBackward)' -p workspace=ENABLED
      echo "# uptime: $(uptime)"
    } > "$f" 2>&1
  done
done
