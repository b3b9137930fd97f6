#!/usr/bin/env bash
# Validates the scaling advisor (`lockstep advise`) against measured runs.
#
# Trains the MNIST MLP for a few hundred steps at B = 256, 1024, 4096 with P = 1 and 2 workers
# (local[P]), each configuration REPEATS times (repeats interleaved, so a burst of load on the machine
# does not hit one configuration only), then lets the advisor
#   (a) fit the step-time model on ONE run (B=1024, P=1, repeat 1) and
#   (b) fit it on two runs (B=1024 with P=1 and P=2, repeat 1),
# and prints, for every measured run, the predicted and the measured median step time and the
# relative error; (c) repeats (b) with 10th percentiles instead of medians; (e) fits on the smallest
# and the largest B with every P (repeat 1), which lets the advisor fit a per-task compute constant.
# (d) Steps to a target: trains with P=2 until the validation accuracy reaches TARGET_ACCURACY at
# B = 512 and 2048 (fitted: S(B) = S_min(1 + B_crit/B)) and at B = 1024 (held out), and compares the
# predicted steps to target with the measured ones (TARGET_ACCURACY=0 skips this part).
# The 1-minute load average before each run is kept in OUT/load.tsv: the timings are only as good as
# the machine is quiet.
#
# Usage: scripts/validate-advisor.sh [OUT_DIR]        (default: runs/validate-advisor)
# Environment: STEPS (default 300), REPEATS (default 2), BATCHES (default "256 1024 4096"),
#              WORKERS (default "1 2"), TARGET_ACCURACY (default 0.97), LOCKSTEP (launcher, default
#              bin/lockstep).
# Runs already in OUT_DIR (run.json with a result) are reused, so an interrupted validation resumes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/runs/validate-advisor}"
STEPS="${STEPS:-300}"
REPEATS="${REPEATS:-2}"
BATCHES="${BATCHES:-256 1024 4096}"
WORKERS="${WORKERS:-1 2}"
read -r -a LOCKSTEP <<< "${LOCKSTEP:-$ROOT/bin/lockstep}"
TARGET_ACCURACY="${TARGET_ACCURACY:-0.97}"
FIT_B=1024

mkdir -p "$OUT"
echo "cores: $(nproc); steps per run: $STEPS; repeats: $REPEATS; runs in $OUT"

# measure B P REPEAT|target [train options...]: one training run, skipped when it already finished.
measure() {
  local b="$1" p="$2" r="$3"
  shift 3
  local name="b$b-p$p-r$r"
  [ "$r" = target ] && name="target-b$b-p$p"
  local dir="$OUT/$name"
  if [ -f "$dir/run.json" ] && grep -q '"result"' "$dir/run.json"; then
    echo "reusing $dir"
    return
  fi
  if [ -e "$dir" ]; then
    echo "validate-advisor: $dir exists but holds no finished run; remove it and rerun" >&2
    exit 1
  fi
  local load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  printf '%s\t%s\n' "$name" "$load" >> "$OUT/load.tsv"
  echo "training $name (load average $load)"
  "${LOCKSTEP[@]}" train --no-progress --eval-train=false --global-batch "$b" --workers "$p" \
    --master "local[$p]" --out "$dir" "$@" > "$dir.log" 2>&1 \
    || { echo "validate-advisor: training failed, see $dir.log" >&2; exit 1; }
}

for r in $(seq 1 "$REPEATS"); do
  for b in $BATCHES; do
    for p in $WORKERS; do
      measure "$b" "$p" "$r" --steps "$STEPS"
    done
  done
done

runs=()
for r in $(seq 1 "$REPEATS"); do
  for b in $BATCHES; do
    for p in $WORKERS; do
      runs+=("$OUT/b$b-p$p-r$r")
    done
  done
done
validate=()
for run in "${runs[@]}"; do validate+=(--validate "$run"); done

TARGET_RUNS=(512 2048 1024)
if [ "$TARGET_ACCURACY" != 0 ]; then
  for b in "${TARGET_RUNS[@]}"; do
    measure "$b" 2 target --steps 3000 --validation-fraction 0.1 --eval-every 10 --target-accuracy "$TARGET_ACCURACY"
  done
fi

echo
echo "== load average (1 min) before each run =="
cat "$OUT/load.tsv"
echo
rm -f "$OUT"/advice-*.json   # this script's own output of an earlier validation
GRID=(--workers 1,2,4,8 --global-batch 256,1024,4096,16384)
echo "== (a) fitted on one run: B=$FIT_B P=1, medians =="
"${LOCKSTEP[@]}" advise "$OUT/b$FIT_B-p1-r1" "${GRID[@]}" --json "$OUT/advice-one-run.json" "${validate[@]}"
echo
echo "== (b) fitted on two runs: B=$FIT_B with P=1 and P=2, medians =="
"${LOCKSTEP[@]}" advise "$OUT/b$FIT_B-p1-r1" "$OUT/b$FIT_B-p2-r1" "${GRID[@]}" --json "$OUT/advice-two-runs.json" \
  "${validate[@]}"
echo
echo "== (c) as (b), 10th percentiles (less sensitive to other load on the machine) =="
"${LOCKSTEP[@]}" advise "$OUT/b$FIT_B-p1-r1" "$OUT/b$FIT_B-p2-r1" "${GRID[@]}" --quantile 0.1 \
  --json "$OUT/advice-two-runs-p10.json" "${validate[@]}"
read -r -a BS <<< "$BATCHES"
if [ "${#BS[@]}" -ge 3 ]; then
  lo="${BS[0]}" hi="${BS[${#BS[@]}-1]}"
  fit_runs=()
  for b in "$lo" "$hi"; do for p in $WORKERS; do fit_runs+=("$OUT/b$b-p$p-r1"); done; done
  echo
  echo "== (e) fitted on B=$lo and B=$hi with every P (repeat 1): per-task constant a_P + c_P*ceil(B/P), medians =="
  "${LOCKSTEP[@]}" advise "${fit_runs[@]}" "${GRID[@]}" --json "$OUT/advice-two-batches.json" "${validate[@]}"
fi
if [ "$TARGET_ACCURACY" != 0 ]; then
  echo
  echo "== (d) steps to validation accuracy $TARGET_ACCURACY: fitted at B=512 and 2048 (P=2), B=1024 held out =="
  "${LOCKSTEP[@]}" advise "$OUT/target-b512-p2" "$OUT/target-b2048-p2" --workers 1,2,4,8 \
    --global-batch 256,512,1024,2048,4096 --json "$OUT/advice-target.json" --validate "$OUT/target-b1024-p2"
  echo
  echo "== (d') fitted on the B=1024 run alone, B_crit ~ its B_simple; B=512 and 2048 held out =="
  "${LOCKSTEP[@]}" advise "$OUT/target-b1024-p2" --workers 1,2,4,8 --global-batch 256,512,1024,2048,4096 \
    --validate "$OUT/target-b512-p2" --validate "$OUT/target-b2048-p2"
fi
