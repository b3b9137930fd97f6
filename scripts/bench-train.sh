#!/usr/bin/env bash
# `bin/lockstep train` with its defaults against plain single-process DL4J on the same batches and epochs
# (docs/PERFORMANCE.md, "`bin/lockstep train` with its defaults"): runs, ROUNDS times in turn,
#   train            bin/lockstep train --out DIR/train-N                    (default transport: auto)
#   train-job        bin/lockstep train --step-transport job --out DIR/train-job-N
#   plain            bin/lockstep bench baseline --model mlp --global-batch 128 --epochs 5 --optimizer adam --lr 0.001
#   plain-evals      the same with --eval-each-epoch (the per-epoch train+test evaluations train's defaults do)
# and writes each console output with its wall time (`wall_s`, JVM start included) and `uptime` before it to
# DIR/<what>-N.txt, then a median table to DIR/summary.txt.
#
#   scripts/bench-train.sh DIR [ROUNDS] [WHAT,...]       (default ROUNDS 3, WHAT train,train-job,plain,plain-evals)
#
# Builds nothing itself: bin/lockstep builds on first use (run it once before, so the first round is not a build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 1 ] || { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
DIR="$1" ROUNDS="${2:-3}" WHAT="${3:-train,train-job,plain,plain-evals}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench-train: ROUNDS must be a positive integer (got '$ROUNDS')" >&2; exit 2; }
mkdir -p "$DIR"
[ -z "$(ls -A "$DIR")" ] || { echo "bench-train: $DIR is not empty (nothing is overwritten)" >&2; exit 2; }
BASELINE=(bench baseline --model mlp --global-batch 128 --epochs 5 --optimizer adam --lr 0.001)

one() {
  local what="$1" n="$2" out="$DIR/$1-$2.txt" cmd
  case "$what" in
    train) cmd=(train --out "$DIR/train-$n") ;;
    train-job) cmd=(train --step-transport job --out "$DIR/train-job-$n") ;;
    plain) cmd=("${BASELINE[@]}") ;;
    plain-evals) cmd=("${BASELINE[@]}" --eval-each-epoch) ;;
    *) echo "bench-train: unknown WHAT '$what' (train, train-job, plain, plain-evals)" >&2; exit 2 ;;
  esac
  { echo "# $(date -u +%FT%TZ) bin/lockstep ${cmd[*]} (git $(git -C "$ROOT" rev-parse --short HEAD))"
    echo "# uptime: $(uptime)"; } > "$out"
  local t0 t1
  t0=$(date +%s.%N)
  "$ROOT/bin/lockstep" "${cmd[@]}" >> "$out" 2>&1
  t1=$(date +%s.%N)
  echo "wall_s $(echo "$t1 - $t0" | bc)" >> "$out"
  echo "bench-train: $what round $n: $(tail -1 "$out")" >&2
}

IFS=, read -r -a WHATS <<< "$WHAT"
for n in $(seq 1 "$ROUNDS"); do
  for w in "${WHATS[@]}"; do one "$w" "$n"; done
done
python3 "$ROOT/scripts/train-times.py" "$DIR" | tee "$DIR/summary.txt"
