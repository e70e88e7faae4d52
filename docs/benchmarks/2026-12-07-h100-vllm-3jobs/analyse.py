#!/usr/bin/env python3
"""This folder's three jobs (k6: 3 jobs x 2 engine starts on one H100 host) beside (j6), the 6-start
job of ../2026-12-07-h100-vllm-job, and (h7), the 7 single-run jobs of ../2026-12-07-h100-vllm-passes:
CV of run means per cell, and how much of k6's run-to-run variance is a run's place in its job
(first or second start: run k of every job sends the same texts in the same order). Writes compare.md."""
import json
import math
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '2026-12-07-h100-vllm-job'))
from compare import load, summary  # noqa: E402  (the (j6) folder's table reader and summaries)
TABLES = {
    'k6': os.path.join(HERE, 'noise-vllm-3jobs.md'),
    'j6': os.path.join(HERE, '..', '2026-12-07-h100-vllm-job', 'noise-vllm-6runs.md'),
    'h7': os.path.join(HERE, '..', '2026-12-07-h100-vllm-passes', 'noise-same-load.md'),
}
READ = {'output_throughput': ('outputThroughput', None), 'request_throughput': ('requestThroughput', None), 'goodput': ('goodput', None),
        'ttft_p50': ('ttftMs', 'p50'), 'ttft_p95': ('ttftMs', 'p95'), 'tpot_p50': ('tpotMs', 'p50'), 'tpot_p95': ('tpotMs', 'p95'),
        'itl_p95': ('itlMs', 'p95'), 'e2el_p50': ('e2elMs', 'p50')}


def run_logs():
    """(scenario, metric) -> {(job, place): mean log over the run's repetitions}."""
    out = {}
    for job in 'ABC':
        engine = json.load(open(os.path.join(HERE, f'job{job}', 'results.json')))['engines'][0]
        per = {}
        for rep in engine['repetitions']:
            for s in rep['scenarios']:
                for metric, (field, q) in READ.items():
                    v = s[field][q] if q else s[field]
                    per.setdefault((s['scenario'], metric, rep['run']), []).append(math.log(v))
        for (scenario, metric, place), logs in per.items():
            out.setdefault((scenario, metric), {})[(job, place)] = statistics.mean(logs)
    return out


tables = {k: load(p) for k, p in TABLES.items()}
pct = lambda x: f'{x * 100:.2f}%'
out = ['| Scenario | Metric | (k6) run | (j6) run | (h7) run | (k6) share of run variance between places |', '| :- | :- | -: | -: | -: | -: |']
shares = []
for k, runs in run_logs().items():
    # One-way layout by place (first or second start of a job): the between-place share of the total sum of squares.
    allv = list(runs.values())
    grand = statistics.mean(allv)
    total = sum((x - grand) ** 2 for x in allv)
    between = sum(3 * (statistics.mean(v for (j, p), v in runs.items() if p == place) - grand) ** 2 for place in (0, 1))
    share = between / total if total > 0 else 0
    shares.append(share)
    out.append(f'| {k[0]} | {k[1]} | ' + ' | '.join(pct(tables[m][k][1]) for m in ('k6', 'j6', 'h7')) + f' | {share * 100:.0f}% |')
out += [
    '',
    *summary(tables, 'k6', ('j6', 'h7')),
    f'Share of (k6)\'s run-to-run sum of squares between the two places in a job (1 of 5 degrees of freedom; 20% expected where place does not matter): median {statistics.median(shares) * 100:.0f}%, above 50% in {sum(s > 0.5 for s in shares)} of {len(shares)} cells.',
]
open(os.path.join(HERE, 'compare.md'), 'w').write('\n'.join(out) + '\n')
print('\n'.join(out[-3:]))
