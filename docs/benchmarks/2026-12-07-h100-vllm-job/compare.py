#!/usr/bin/env python3
"""The three real vLLM noise tables side by side (CV of run means; CV per repetition in brackets):
(j6) this folder's job of 6 engine starts, (h7) the 7 single-run jobs of ../2026-12-07-h100-vllm-passes,
(c7) the 7 H200 runs of ../2026-12-01-h200-vllm/session4 (per-pass draws). Writes compare.md."""
import json
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = {
    'j6': os.path.join(HERE, 'noise-vllm-6runs.md'),
    'h7': os.path.join(HERE, '..', '2026-12-07-h100-vllm-passes', 'noise-same-load.md'),
    'c7': os.path.join(HERE, '..', '2026-12-01-h200-vllm', 'session4', 'noise-vllm-7runs.md'),
}


def load(path):
    """(scenario, metric) -> (CV per repetition, CV of run means) of vLLM's rows, as fractions."""
    rows = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) >= 7 and cells[0] == 'vllm':
            rows[(cells[1], cells[2])] = tuple(float(c.rstrip('%').replace(',', '')) / 100 for c in cells[4:6])
    return rows


def without_first_run():
    """(scenario, metric) -> CV of run means of this job's whole runs 2-6 (run 1 was the fresh host's first start)."""
    job = json.load(open(os.path.join(HERE, 'job', 'results.json')))['engines'][0]
    read = {'output_throughput': ('outputThroughput', None), 'request_throughput': ('requestThroughput', None), 'goodput': ('goodput', None),
            'ttft_p50': ('ttftMs', 'p50'), 'ttft_p95': ('ttftMs', 'p95'), 'tpot_p50': ('tpotMs', 'p50'), 'tpot_p95': ('tpotMs', 'p95'),
            'itl_p95': ('itlMs', 'p95'), 'e2el_p50': ('e2elMs', 'p50')}
    runs = {}
    for rep in job['repetitions']:
        if 1 <= rep['run'] <= 5:
            for s in rep['scenarios']:
                for metric, (field, q) in read.items():
                    runs.setdefault((s['scenario'], metric), {}).setdefault(rep['run'], []).append(s[field][q] if q else s[field])
    means = {k: [statistics.mean(v) for v in per.values()] for k, per in runs.items()}
    return {k: statistics.stdev(m) / statistics.mean(m) for k, m in means.items()}


def ratio(tables, a, b):
    """Median over the cells of (a)'s CV of run means over (b)'s, where (b)'s is above 0."""
    keys = list(tables[a])
    return statistics.median(tables[a][k][1] / tables[b][k][1] for k in keys if tables[b][k][1] > 0)


def above(tables, a, b):
    """Cells where (a)'s CV of run means is above (b)'s."""
    return sum(tables[a][k][1] > tables[b][k][1] for k in tables[a])


def summary(tables, a, others):
    """The two lines that set (a)'s CV of run means beside each of `others`: median ratio, cells above."""
    return [
        f'Cells: {len(tables[a])}. Median ratio of the CV of run means, ' + '; '.join(f'({a})/({b}): {ratio(tables, a, b):.2f}' for b in others) + '.',
        '; '.join(f'({a}) above ({b}) in {above(tables, a, b)} cells' for b in others) + '.',
    ]


def main():
    tables = {k: load(p) for k, p in TABLES.items()}
    tables['j6 runs 2-6'] = {k: (0, v) for k, v in without_first_run().items()}
    keys = list(tables['j6'])
    pct = lambda x: f'{x * 100:.2f}%'
    out = ['| Scenario | Metric | (j6) run | (h7) run | (c7) run | (j6) rep | (h7) rep | (c7) rep |', '| :- | :- | -: | -: | -: | -: | -: | -: |']
    for k in keys:
        out.append(f'| {k[0]} | {k[1]} | ' + ' | '.join(pct(tables[m][k][i]) for i in (1, 0) for m in ('j6', 'h7', 'c7')) + ' |')
    out += [
        '',
        *summary(tables, 'j6', ('h7', 'c7')),
        f'Without run 1 (the fresh host\'s first start), runs 2-6: median ratio to (h7) {ratio(tables, "j6 runs 2-6", "h7"):.2f}.',
    ]
    open(os.path.join(HERE, 'compare.md'), 'w').write('\n'.join(out) + '\n')
    print('\n'.join(out[-4:]))


if __name__ == '__main__':
    main()
