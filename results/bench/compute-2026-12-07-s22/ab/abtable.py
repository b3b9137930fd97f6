#!/usr/bin/env python3
"""Tables of an ab.sh run: python3 abtable.py DIR (medians of the JMH iterations per side, ratios)."""
import re, sys, statistics, collections
def parse(path):
    res = collections.OrderedDict(); bench=None; params=None; pending=False
    for line in open(path):
        m = re.match(r'# Benchmark: \S+\.(\w+)\.(\w+)$', line.strip())
        if m: bench = m.group(1)+'.'+m.group(2); continue
        m = re.match(r'# Parameters: \((.*)\)', line.strip())
        if m: params = m.group(1); continue
        m = re.match(r'Iteration\s+\d+:\s*([0-9.]+)?\s*(ms/op)?', line)
        if m:
            if m.group(1): res.setdefault((bench, params), []).append(float(m.group(1)))
            else: pending=True
            continue
        if pending:
            m = re.match(r'^([0-9.]+) ms/op', line.strip())
            if m: res.setdefault((bench, params), []).append(float(m.group(1))); pending=False
    return res

import glob
D=sys.argv[1].rstrip('/') + '/'
it={'before':{},'after':{}}; per={}
for r in (1,2,3):
    for v in ('before','after'):
        p=parse(f'{D}round{r}-{v}.txt')
        for (b,pr),vals in p.items():
            rows=int(pr.split(',')[0].split('=')[1]); ph=b.split('.')[1]
            it[v].setdefault((ph,rows),[]).extend(vals)
            per[(r,v,ph,rows)]=statistics.median(vals)
print('| phase | rows | before r1/r2/r3 (median of 5 it.) | after r1/r2/r3 | before, median of 15 | after, median of 15 | after/before |')
print('|---|---|---|---|---|---|---|')
for ph in ('gradientSum','forwardBackward'):
    for rows in (128,512,2048):
        b=it['before'][(ph,rows)]; a=it['after'][(ph,rows)]
        rb='/'.join(f'{per[(r,"before",ph,rows)]:.3g}' for r in (1,2,3)); ra='/'.join(f'{per[(r,"after",ph,rows)]:.3g}' for r in (1,2,3))
        print(f'| {ph} | {rows} | {rb} | {ra} | {statistics.median(b):.3g} | {statistics.median(a):.3g} | {statistics.median(a)/statistics.median(b):.2f} |')
print()
print('| rows | before: whole/DL4J per round | after: whole/DL4J per round | before, medians of 15 | after, medians of 15 |')
print('|---|---|---|---|---|')
for rows in (128,512,2048):
    rb='/'.join(f'{per[(r,"before","gradientSum",rows)]/per[(r,"before","forwardBackward",rows)]:.2f}' for r in (1,2,3))
    ra='/'.join(f'{per[(r,"after","gradientSum",rows)]/per[(r,"after","forwardBackward",rows)]:.2f}' for r in (1,2,3))
    mb=statistics.median(it['before'][('gradientSum',rows)])/statistics.median(it['before'][('forwardBackward',rows)])
    ma=statistics.median(it['after'][('gradientSum',rows)])/statistics.median(it['after'][('forwardBackward',rows)])
    print(f'| {rows} | {rb} | {ra} | {mb:.2f} | {ma:.2f} |')
