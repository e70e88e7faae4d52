#!/usr/bin/env python3
"""What the passes of a vLLM run measure, from runs of 1 engine start + 3 passes and no warm-up.

  python3 passes.py runs/r*/results.json

Each run here was its own CLI job, so every run sent the same three prompt sets, one per pass (the
CLI draws a pass's requests from the seed and the pass's index). That separates three things:
  1. the first pass after a start against the two after it (tables in first-pass.md): the part the
     warm-up pass exists for;
  2. passes 2 and 3 (what the default 1 warm-up + 2 repetitions measures): how much of a pass's
     spread is its offered load (the two passes' request lengths and arrival times differ, the same
     way in every run) and how much is left once that is taken out (offered-load.md);
  3. the noise table of a design in which every pass offers the same load (noise-same-load.md, in
     the `llm-perf-gate noise` format that bench/noise-models.ts reads): per cell, within-run CV =
     what is left in (2), CV of run means = the runs' spread as measured (their offered load was the
     same in every run).
All on the log scale (CVs as SDs of logs), over the 7 runs.
"""
import json, math, os, sys

METRICS = [('output_throughput', lambda s: s['outputThroughput']), ('request_throughput', lambda s: s['requestThroughput']),
           ('goodput', lambda s: s['goodput']), ('ttft_p50', lambda s: s['ttftMs']['p50']), ('ttft_p95', lambda s: s['ttftMs']['p95']),
           ('tpot_p50', lambda s: s['tpotMs']['p50']), ('tpot_p95', lambda s: s['tpotMs']['p95']), ('itl_p95', lambda s: s['itlMs']['p95']),
           ('e2el_p50', lambda s: s['e2elMs']['p50'])]
here = os.path.dirname(os.path.abspath(__file__))

def sd(xs):
    mu = sum(xs) / len(xs)
    return math.sqrt(sum((x - mu) ** 2 for x in xs) / (len(xs) - 1))

def pct(x, sign=False):
    return f'{x * 100:+.1f}%' if sign else f'{x * 100:.2g}%' if x < 0.1 else f'{x * 100:.1f}%'

logs, first, order = {}, {}, []  # first: per scenario, the runs in which it came first after the start
for f in sys.argv[1:]:
    run = json.load(open(f))
    order = order or list(run['scenarioSet']['names'])
    for e in run['engines']:
        reps = sorted(e['repetitions'], key=lambda r: r['index'])
        if len(reps) != 3:
            sys.exit(f'{f}: {e["engine"]} has {len(reps)} repetitions, expected 3 (a run of --repetitions 3 --warmup-repetitions 0)')
        for k, rep in enumerate(reps):
            for s in rep['scenarios']:
                if k == 0:
                    first[s['scenario']] = first.get(s['scenario'], 0) + (reps[0]['order'][0] == s['scenario'])
                for m, read in METRICS:
                    logs.setdefault((e['engine'], s['scenario'], m), [[], [], []])[k].append(math.log(read(s)))

# In the scenario file's order, metrics in the catalog's.
logs = dict(sorted(logs.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1]), [m for m, _ in METRICS].index(kv[0][2]))))
with open(os.path.join(here, 'first-pass.md'), 'w') as out:
    out.write('| Engine | Scenario | Metric | pass 1 / pass 2 | pass 1 / pass 3 | pass 2 / pass 3 | runs in which it came first after the start |\n| :- | :- | :- | -: | -: | -: | -: |\n')
    for (eng, sc, m), p in logs.items():
        def ratio(a, b):
            d = [x - y for x, y in zip(p[a], p[b])]
            return f'{pct(math.expm1(sum(d) / len(d)), True)} ± {pct(sd(d))}'
        out.write(f'| {eng} | {sc} | {m} | {ratio(0, 1)} | {ratio(0, 2)} | {ratio(1, 2)} | {first[sc]} of {len(p[0])} |\n')

with open(os.path.join(here, 'offered-load.md'), 'w') as out, open(os.path.join(here, 'noise-same-load.md'), 'w') as noise:
    out.write('| Engine | Scenario | Metric | CV per pass | pass 3 / pass 2 (its offered load) | CV per pass, offered load taken out | CV of run means |\n| :- | :- | :- | -: | -: | -: | -: |\n')
    noise.write('| Engine | Scenario | Metric | Mean | CV per repetition | CV of run means | Repetitions / runs |\n| :- | :- | :- | -: | -: | -: | -: |\n')
    for (eng, sc, m), p in logs.items():
        a, b = p[1], p[2]
        d = [y - x for x, y in zip(a, b)]
        within = sd(d) / math.sqrt(2)          # a pass's noise once the two passes' offered loads are equal
        run = sd([(x + y) / 2 for x, y in zip(a, b)])
        between2 = max(0.0, run ** 2 - within ** 2 / 2)
        per_rep = math.sqrt(between2 + within ** 2)  # what one pass varies by when every pass offers one load
        out.write(f'| {eng} | {sc} | {m} | {pct(sd(a + b))} | {pct(math.expm1(sum(d) / len(d)), True)} | {pct(within)} | {pct(run)} |\n')
        mean = math.exp(sum(a + b) / len(a + b))
        noise.write(f'| {eng} | {sc} | {m} | {mean:.6g} | {per_rep * 100:.4f}% | {run * 100:.4f}% | {len(a + b)} / {len(a)} |\n')
print('wrote first-pass.md, offered-load.md, noise-same-load.md')
