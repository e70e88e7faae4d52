import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/markdown.ts';
import type { Comparison, EngineResult, RunResult } from '../../src/types.ts';
import { comparison, runResult } from '../helpers/fixtures.ts';
import { checkMarkdown } from '../helpers/markdown-check.ts';

const HOSTILE = 'feat/<img src=x onerror=alert(1)>|@everyone';

function sections(md: string): string[] {
  return md.split('\n').filter((l) => l.startsWith('### ')).map((l) => l.slice(4));
}

function withEngines(run: RunResult, map: (e: EngineResult) => EngineResult | null): RunResult {
  return { ...run, engines: run.engines.map(map).filter((e): e is EngineResult => e !== null) };
}

/** Telemetry reduced to what no engine reports, so memory and throttling sections have no data. */
function withoutTelemetry(run: RunResult): RunResult {
  return withEngines(run, (e) => ({
    ...e,
    pooled: e.pooled.map((s) => ({ ...s, telemetry: {} })),
    repetitions: e.repetitions.map((r) => ({ ...r, scenarios: r.scenarios.map((s) => ({ ...s, telemetry: {} })) })),
  }));
}

function withoutFailures(run: RunResult): RunResult {
  return withEngines(run, (e) => ({ ...e, pooled: e.pooled.map((s) => ({ ...s, failed: 0, completed: s.requests, errors: {} })) }));
}

test('the verdict comes first: pass/fail with counts, then the gate reasons', () => {
  const md = renderReport({ run: runResult(), comparison: comparison() });
  const lines = md.split('\n');
  assert.equal(lines[0], '## ❌ LLM performance: failed — 1 regression · 1 inconclusive · 1 improvement · 105 no change');
  assert.match(lines[2], /^- vllm · chat-concurrent-16 · TPOT p50 \+12\.1%/);
  const passing: Comparison = { ...comparison(), gate: { passed: true, verdict: 'no-change', reasons: [] } };
  const ok = renderReport({ run: runResult(), comparison: passing, title: 'Perf on A100' });
  assert.match(ok.split('\n')[0], /^## ✅ Perf on A100: passed — /);
});

test('all sections appear, in order, when the data has them', () => {
  const md = renderReport({ run: runResult(), comparison: comparison(), artifactUrl: 'https://github.com/octo/widgets/actions/runs/9' });
  assert.deepEqual(sections(md), [
    'vllm vs transformers',
    'Changes against the baseline',
    'Memory efficiency',
    'Failures',
    'Environment',
    'History',
    'Full results',
  ]);
  assert.match(md, /> \[!WARNING\]\n> The GPU throttled[^\n]*\n> - vllm · burst-64: sw\\_thermal\\_slowdown/);
  assert.match(md, /\[full results\]\(https:\/\/github\.com\/octo\/widgets\/actions\/runs\/9\)/);
  assert.equal(md.match(/```mermaid\nxychart-beta/g)?.length, 36, 'one chart per engine × scenario × history metric');
  assert.equal(md.match(/<summary>(vllm|transformers) · /g)?.length, 12, 'one full-results block per engine × scenario');
  assert.deepEqual(checkMarkdown(md), []);
});

test('regressions come first, then inconclusive, then improvements; no-change rows only inside <details>', () => {
  const md = renderReport({ run: runResult(), comparison: comparison() });
  const changes = md.slice(md.indexOf('### Changes against the baseline'), md.indexOf('### Memory efficiency'));
  const [shown, collapsed] = changes.split('<details>');
  const verdicts = shown.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Engine') && !l.startsWith('| :-')).map((l) => l.split(' | ').at(-1));
  assert.deepEqual(verdicts, ['🔴 regression |', '🟡 inconclusive (≈8 repetitions would settle it) |', '🟢 improvement |']);
  assert.match(shown, /\| vllm \| chat-concurrent-16 \| TPOT p50 \(ms\) \| [\d.]+ \| [\d.]+ \| \+12\.1% \[\+8\.3%, \+16\.0%\] \| 0\.023 \| ±3% \| 🔴 regression \|/);
  assert.doesNotMatch(shown, /no change \|/);
  assert.match(collapsed, /^\n<summary>105 other comparisons \(no change\)<\/summary>/);
  assert.equal(collapsed.match(/⚪ no change \|/g)?.length, 105);
  assert.match(changes, /- \*\*vllm\*\*: 5 baseline runs · 🔴 regression · environment differs from the baseline \(2 fields\)/);
  // No number of repetitions settles it (whole runs differ, or too much noise): said so.
  const base = comparison();
  const unsettled: Comparison = {
    ...base,
    engines: base.engines.map((e) => ({ ...e, metrics: e.metrics.map((m) => (m.verdict === 'inconclusive' ? { ...m, runsToSettle: null } : m)) })),
  };
  assert.match(renderReport({ run: runResult(), comparison: unsettled }), /🟡 inconclusive \(more repetitions alone would not settle it\) \|/);
});

test('the head-to-head answers vLLM vs Transformers per scenario with ratios from the pooled figures', () => {
  const run = runResult();
  const md = renderReport({ run, comparison: null });
  const [vllm, hf] = run.engines;
  const a = vllm.pooled.find((s) => s.scenario === 'chat-concurrent-16')!;
  const b = hf.pooled.find((s) => s.scenario === 'chat-concurrent-16')!;
  const row = md.split('\n').find((l) => l.startsWith('| chat-concurrent-16 |'))!;
  const cells = row.split(' | ');
  // Throughput: vllm / transformers; latency: transformers / vllm, so > 1 always favours vllm.
  assert.equal(cells[1], `${Math.round(a.outputThroughput)} / ${Math.round(b.outputThroughput)} (×${Number((a.outputThroughput / b.outputThroughput).toPrecision(3))})`);
  assert.match(cells[2], new RegExp(`\\(×${Number((b.ttftMs.p50 / a.ttftMs.p50).toPrecision(3))}\\)$`));
  assert.match(md, /\*\*Overall\*\* \(geometric mean over 6 scenarios\): Output tokens\/s ×[\d.]+, TTFT p50 ×[\d.]+, TTFT p95 ×[\d.]+, TPOT p50 ×[\d.]+\. Memory: peak GPU memory 21\.8 GiB vs 19\.6 GiB/);
});

test('simulated engines are compared by label; one engine alone gets no head-to-head', () => {
  const sim = withEngines(runResult(), (e) => ({ ...e, kind: 'sim', engine: `sim-${e.engine}` }));
  assert.ok(sections(renderReport({ run: sim, comparison: null })).includes('sim-vllm vs sim-transformers'));
  const single = withEngines(runResult(), (e) => (e.engine === 'vllm' ? e : null));
  assert.ok(!sections(renderReport({ run: single, comparison: null })).some((s) => s.includes(' vs ')));
  const failed = withEngines(runResult(), (e) => (e.engine === 'vllm' ? e : { ...e, status: 'failed', pooled: [], repetitions: [] }));
  assert.ok(!sections(renderReport({ run: failed, comparison: null })).some((s) => s.includes(' vs ')), 'a failed engine has nothing to compare');
});

test('without a comparison: no changes or history, and the headline says there is no baseline', () => {
  const md = renderReport({ run: runResult(), comparison: null });
  assert.equal(md.split('\n')[0], '## ℹ️ LLM performance: no baseline to compare with yet (2 engines × 6 scenarios × 3 repetitions)');
  const s = sections(md);
  assert.ok(!s.includes('Changes against the baseline'));
  assert.ok(!s.includes('History'));
  assert.doesNotMatch(md, /Same environment as the baseline/);
  assert.deepEqual(checkMarkdown(md), []);
});

test('memory, failures and throttling sections disappear without their data', () => {
  const md = renderReport({ run: withoutFailures(withoutTelemetry(runResult())), comparison: comparison() });
  const s = sections(md);
  assert.ok(!s.includes('Memory efficiency'));
  assert.ok(!s.includes('Failures'));
  assert.doesNotMatch(md, /\[!WARNING\]/);
  assert.ok(s.includes('Changes against the baseline'));
});

test('change points (schedule mode) and exceeded limits (release mode) get their own sections', () => {
  const c: Comparison = {
    ...comparison(),
    mode: 'schedule',
    changePoints: [
      { engine: 'vllm', scenario: 'chat-short', metric: 'tpot_p50', index: 3, sha: 'd319e2dc0ffee3', createdAt: '2026-05-29T03:00:00.000Z', before: 18.9, after: 20.4, pValue: 0.004 },
    ],
    sloViolations: [{ engine: 'transformers', scenario: 'burst-64', metric: 'ttft_p95', limit: 10_000, value: 31_900 }],
  };
  const md = renderReport({ run: runResult(), comparison: c });
  assert.deepEqual(sections(md).slice(1, 4), ['Changes against the baseline', 'Limits exceeded', 'Change points']);
  assert.match(md, /\| vllm \| chat-short \| TPOT p50 \(ms\) \| `d319e2d` \(2026-05-29\) \| 18\.9 \| 20\.4 \| \+7\.9% \| 0\.004 \|/);
  assert.match(md, /\| transformers \| burst-64 \| TTFT p95 \(ms\) \| 10,000 \| 31,900 \|/);
});

test('a failed engine is shown with its error and a fenced log tail that the log cannot break out of', () => {
  const log = ['INFO loading', '```', '<script>alert(1)</script> @maintainers', '::set-output name=verdict::pass', 'CUDA out of memory'].join('\n');
  const run: RunResult = {
    ...withEngines(runResult(), (e) => (e.engine === 'vllm' ? e : { ...e, status: 'failed', error: 'server exited with code 1 | see <log>', logTail: log, pooled: [], repetitions: [] })),
    partial: true,
  };
  const md = renderReport({ run, comparison: null });
  assert.match(md.split('\n')[0], /^## ⚠️ LLM performance: partial run/);
  assert.match(md, /- ⚠️ Partial run: transformers failed \(see Failures\)\./);
  assert.match(md, /\*\*transformers failed\*\*: server exited with code 1 \\\| see &lt;log&gt;/);
  assert.match(md, /````text\nINFO loading\n```\n<script>alert\(1\)<\/script> @maintainers\n::set-output name=verdict::pass\nCUDA out of memory\n````/);
  assert.deepEqual(checkMarkdown(md), []);
});

test('untrusted names (ref, scenario, error classes, fingerprint) cannot inject markup or break tables', () => {
  const run = runResult();
  const evil: RunResult = {
    ...withEngines(run, (e) => ({
      ...e,
      fingerprint: { ...e.fingerprint, cpu: 'Xeon | <b>pwn</b>', engineArgs: ['--x=`a|b`'] },
      pooled: e.pooled.map((s, i) => (i === 0 ? { ...s, scenario: 'chat|<i>x</i>"q"', failed: 1, errors: { 'http 500: <img src=x>|@admins': 1 } } : s)),
    })),
    scenarioSet: { ...run.scenarioSet, names: ['chat|<i>x</i>"q"', ...run.scenarioSet.names.slice(1)] },
  };
  const c = comparison();
  const evilComparison: Comparison = {
    ...c,
    engines: c.engines.map((e) => ({ ...e, history: e.history.map((h) => ({ ...h, scenario: 'a"]\nline [1' })) })),
  };
  const md = renderReport({ run: evil, comparison: evilComparison, context: { ref: HOSTILE, sha: 'abc1234def', event: 'pull_request' } });
  assert.deepEqual(checkMarkdown(md), []);
  assert.doesNotMatch(md, /@everyone|@admins/);
  assert.match(md, /ref feat\/&lt;img src=x onerror=alert\\\(1\\\)&gt;\\\|@&#8203;everyone/);
  const charts = md.match(/```mermaid\n[\s\S]*?\n```/g) ?? [];
  assert.equal(charts.length, 36);
  for (const chart of charts) {
    const lines = chart.split('\n');
    assert.equal(lines.length, 7, chart);
    assert.match(lines[2], /^  title "[^"\]\[]*"$/, 'a chart title keeps one pair of quotes and no brackets');
  }
});

test('start-up shows cold and warm times when the engine was restarted, the single start otherwise', () => {
  const run = withEngines(runResult(), (e) => (e.engine === 'vllm' ? { ...e, warmStartupS: 41.5 } : { ...e, warmStartupS: null }));
  const row = renderReport({ run, comparison: comparison() })
    .split('\n')
    .find((l) => l.startsWith('| Server start-up |'));
  assert.equal(row, '| Server start-up | cold 74.2 s, warm 41.5 s | 21.8 s |');
});

test('requests that ended before max_tokens get a note naming engine and scenario; none without them', () => {
  const run = withEngines(runResult(), (e) =>
    e.engine === 'transformers' ? { ...e, pooled: e.pooled.map((s, i) => (i === 0 ? { ...s, shortOutputs: 3 } : s)) } : e,
  );
  const first = run.engines.find((e) => e.engine === 'transformers')!.pooled[0];
  const md = renderReport({ run, comparison: comparison() });
  assert.match(md, /> \[!NOTE\]\n> Some requests ended before their `max_tokens`[^\n]*\n> - transformers · ([^:]+): 3 of (\d+) completed requests \(/);
  assert.equal(/> - transformers · ([^:]+): 3 of (\d+)/.exec(md)?.slice(1).join(' '), `${first.scenario} ${first.completed}`);
  assert.doesNotMatch(renderReport({ run: runResult(), comparison: comparison() }), /ended before their/);
  assert.deepEqual(checkMarkdown(md), []);
});

test('rendering is pure: the same input gives the same text', () => {
  const input = { run: runResult(), comparison: comparison(), context: { ref: 'main' } };
  assert.equal(renderReport(input), renderReport(input));
});
