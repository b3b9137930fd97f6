#!/bin/bash
out=$1; rounds=$2; shift 2; mkdir -p $out
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    case $v in base) repo=${BASE:?set BASE to a clone at 0e103bb}; J=""; T=channel;; job) repo=/work/main; J=""; T=job;; net) repo=/work/main; J="-Dspark.lockstep.channel.inProcess=false"; T=channel;; local) repo=/work/main; J=""; T=channel;; epoll) repo=/work/main; J="-Dspark.lockstep.channel.inProcess=false -Dspark.lockstep.io.mode=EPOLL"; T=channel;; esac
    f=$out/$v-$r.txt
    (cd $repo && uptime > $f && LOCKSTEP_JAVA_OPTS="$J" bin/lockstep bench --sides lockstep --batches ${BATCHES:-256,1024,4096} --step-transport $T --jit-warmup 500 --steps 50 >> $f 2>&1)
    echo "== $v run $r: $(head -1 $f | sed 's/.*load/load/')"
    awk '/step breakdown/{on=1} on && /^ *[0-9]+ +[0-9.]+ +[0-9.]+/{print "   " $0} /^Targets/{on=0}' $f
  done
done
