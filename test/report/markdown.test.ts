import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/markdown.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGpuSamples, summariseGpu } from '../../src/metrics/gpu.ts';
import type { Comparison, EngineResult, MetricComparison, RunResult } from '../../src/types.ts';
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

/** The summary lines of the outermost collapsed blocks. */
function summaries(md: string): string[] {
  return [...md.matchAll(/^<details>\n<summary>(.*)<\/summary>/gm)].map((m) => m[1]);
}

/** The report with every collapsed block removed: what a reviewer sees without a click. */
function visible(md: string): string {
  let depth = 0;
  return md
    .split('\n')
    .filter((line) => {
      const t = line.trim();
      if (t.startsWith('<details')) depth++;
      const keep = depth === 0;
      if (t.includes('</details>')) depth--;
      return keep;
    })
    .join('\n');
}

test('the verdict comes first, with one sentence per engine: did it regress, by how much, how sure, what next', () => {
  const md = renderReport({ run: runResult(), comparison: comparison() });
  const lines = md.split('\n');
  assert.equal(lines[0], '## ❌ LLM performance: failed — 1 regression');
  assert.equal(lines[2], '- **vllm**: 1 regression (chat-concurrent-16 TPOT p50 +12.1% [+8.3%, +16.0%]); history of 5 runs; 8 runs per job (`runs: 8`) would settle 1 TTFT cell');
  assert.equal(lines[3], '- **transformers**: no regression (54 metrics; largest change long-prompt Output tokens/s +9.4% [+6.1%, +12.8%]); 1 improvement; history of 5 runs');
  const passing: Comparison = { ...comparison(), gate: { passed: true, verdict: 'no-change', reasons: [] } };
  const ok = renderReport({ run: runResult(), comparison: passing, title: 'Perf on A100' });
  assert.match(ok.split('\n')[0], /^## ✅ Perf on A100: passed — /);
  assert.doesNotMatch(md, /beyond the 3% tolerance \(p = 0\.023 after Holm\)/, 'the gate reasons are not repeated under the verdict');
});

test('regressions, the head-to-head and failures are visible; everything else is collapsed under a summary line', () => {
  const md = renderReport({ run: runResult(), comparison: comparison(), artifactUrl: 'https://github.com/octo/widgets/actions/runs/9' });
  assert.deepEqual(sections(md), ['🔴 Regressions', 'vllm vs transformers', 'Failures']);
  assert.deepEqual(
    summaries(md).map((s) => s.replace(/:.*/, '')),
    [
      'Values per repetition behind each regression (baseline runs separated by |)',
      '107 other comparisons',
      'Memory efficiency',
      'Environment',
      'History of vllm',
      'History of transformers',
      'Full results of vllm',
      'Full results of transformers',
    ],
  );
  assert.match(md, /\n⚠️ The GPU throttled \(`sw-thermal-slowdown`\) while busy \(≥ 80% utilisation\) in 3 of 36 scenario runs \(vllm: burst-64\); their figures may be low\.\n/);
  assert.match(md, /\[full results\]\(https:\/\/github\.com\/octo\/widgets\/actions\/runs\/9\)/);
  // Per engine, each key metric over the whole set, and the scenario series of the cells that changed.
  assert.equal(md.match(/```mermaid\n%%\{init[^\n]*\nxychart-beta/g)?.length, 2 * 3 + 2);
  assert.match(md, /title "vllm · all scenarios \(geometric mean\) · Output tokens\/s"/);
  assert.match(md, /title "vllm · chat-concurrent-16 · TPOT p50"/);
  assert.deepEqual(checkMarkdown(md), []);
});

test('the regression table shows its evidence; other cells are collapsed and counted by why', () => {
  const md = renderReport({ run: runResult(), comparison: comparison() });
  const shown = visible(md);
  assert.match(shown, /\| vllm \| chat-concurrent-16 \| TPOT p50 \(ms\) \| [\d.]+ \(n=15\) \| [\d.]+ \(n=3\) \| \+12\.1% \[\+8\.3%, \+16\.0%\] \| 0\.023 \| ±3% \|$/m);
  assert.match(md, /- vllm · chat-concurrent-16 · TPOT p50 \(ms\): baseline ([\d.]+, ){2}[\d.]+ \| ([\d.]+, ){2}[\d.]+ \|.* → current [\d.]+, [\d.]+, [\d.]+/);
  assert.doesNotMatch(shown, /inconclusive \||no change|improvement \|/);
  assert.match(md, /<summary>107 other comparisons: 1 inconclusive \(1 straddle the tolerance\) · 1 improvement · 105 no change<\/summary>/);
  // A row that straddles the tolerance shows the interval that straddles it (not "too noisy to tell").
  assert.match(md, /\| vllm \| poisson-4rps \| TTFT p95 \(ms\) \| [\d,.]+ → [\d,.]+ \| \+7\.1% \[−2\.6%, \+17\.8%\] \| ±7\.5% \| 🟡 straddles the tolerance; `runs: 8` settles it \|/);
  assert.match(md, /⚪ No change \(both one-sided 95% bounds lie within the tolerance\): vllm · chat-short: Output tokens\/s, Requests\/s, /);
  assert.doesNotMatch(md, /_p50|_p95|output_throughput/, 'display names, never metric ids');
});

test('a significant change inside the tolerance reads "within tolerance"; an interval wider than the tolerance "too noisy to tell"', () => {
  const base = comparison();
  const tweak = (m: MetricComparison): MetricComparison => {
    if (m.engine !== 'transformers' || m.scenario !== 'burst-64') return m;
    if (m.metric === 'ttft_p95') return { ...m, ratio: 1.055, ci: [1.045, 1.066], adjustedP: 0.0004, tolerance: 0.08, verdict: 'no-change' };
    if (m.metric === 'itl_p95') return { ...m, ratio: 0.944, ci: [0.028, 31.8], adjustedP: 1, tolerance: 0.05, verdict: 'inconclusive', runsToSettle: null, why: 'too-noisy' };
    return m;
  };
  const c: Comparison = { ...base, engines: base.engines.map((e) => ({ ...e, metrics: e.metrics.map(tweak) })) };
  const md = renderReport({ run: runResult(), comparison: c });
  assert.match(md, /\| transformers \| burst-64 \| TTFT p95 \(ms\) \| [\d,.]+ → [\d,.]+ \| \+5\.5% \[\+4\.5%, \+6\.6%\] \| ±8% \| ⚪ within tolerance \|/);
  assert.match(md, /\| transformers \| burst-64 \| ITL p95 \(ms\) \| [\d,.]+ → [\d,.]+ \| too noisy to tell \(±1,589%\) \| ±5% \| 🟡 too noisy \|/);
  assert.doesNotMatch(md, /3080%|\+3,080%/, 'the uninformative interval is not printed as if it meant something');
  assert.match(md, /<summary>107 other comparisons: 2 inconclusive \(1 straddle the tolerance, 1 too noisy\) · 1 within tolerance · 1 improvement · 103 no change<\/summary>/);
});

test('a release that fails where whole runs differ says that release tolerances, not more runs, would prove it', () => {
  const base = comparison();
  const fail = (m: MetricComparison): MetricComparison =>
    m.scenario === 'all scenarios' || m.metric !== 'output_throughput'
      ? { ...m, worstPlausible: m.ci![1], nonInferior: true }
      : { ...m, worstPlausible: 0.955, nonInferior: false, noise: { runToRun: 0.027, repetition: 0.004, dominant: 'run-to-run' } };
  const release: Comparison = { ...base, mode: 'release', engines: base.engines.map((e) => ({ ...e, metrics: e.metrics.map(fail) })) };
  const md = renderReport({ run: runResult(), comparison: release });
  assert.match(md, /release: 6 of 54 metrics not shown within tolerance \(Output tokens\/s could be −4\.5% at ±3%, [^)]*\); whole runs differ by ±2\.7% here, more than repetitions do: release tolerances that fit this runner prove a release where more runs barely help \(README, "Release gate"\)/);
  const quiet = { ...release, engines: release.engines.map((e) => ({ ...e, metrics: e.metrics.map((m) => (m.noise ? { ...m, noise: { ...m.noise, dominant: 'repetitions' as const } } : m)) })) };
  assert.doesNotMatch(renderReport({ run: runResult(), comparison: quiet }), /whole runs differ/, 'only where run-to-run noise dominates');
});

test('a release that holds says so per engine; without suite cells every cell is judged', () => {
  const base = comparison();
  const hold = (m: MetricComparison): MetricComparison => ({ ...m, worstPlausible: m.ci![1], nonInferior: true });
  const release: Comparison = { ...base, mode: 'release', gate: { passed: true, verdict: 'no-change', reasons: [] }, engines: base.engines.map((e) => ({ ...e, metrics: e.metrics.map(hold) })) };
  const md = renderReport({ run: runResult(), comparison: release });
  assert.match(md, /\n- \*\*transformers\*\*: [^\n]*; release: all 54 metrics shown within tolerance; history of 5 runs/);
  assert.match(md, /<summary>Release check \(non-inferiority\): all 108 metrics shown within tolerance<\/summary>/);
  assert.doesNotMatch(md, /not shown within tolerance|❌ \|/);
  assert.doesNotMatch(renderReport({ run: runResult(), comparison: base }), /Release check|release:/, 'only in release mode');
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
  assert.equal(md.split('\n')[0], '## ℹ️ LLM performance: measured, no baseline to compare with (2 engines × 6 scenarios × 3 repetitions)');
  const s = sections(md);
  assert.ok(!s.includes('Changes against the baseline'));
  assert.ok(!s.includes('History'));
  assert.doesNotMatch(md, /Same environment as the baseline/);
  assert.deepEqual(checkMarkdown(md), []);
});

test('memory, failures and throttling disappear without their data', () => {
  const md = renderReport({ run: withoutFailures(withoutTelemetry(runResult())), comparison: comparison() });
  assert.ok(!sections(md).includes('Failures'));
  assert.ok(!summaries(md).some((s) => s.startsWith('Memory efficiency')));
  assert.doesNotMatch(md, /throttled/);
  assert.doesNotMatch(md, /peak GPU memory/, 'no "peak GPU memory — vs —" for data no engine has');
  assert.ok(sections(md).includes('🔴 Regressions'));
});

test('no rows or columns for data an engine or machine does not have', () => {
  const noGpu = withEngines(runResult(), (e) => ({
    ...e,
    fingerprint: { ...e.fingerprint, gpu: null, torch: null },
    pooled: e.pooled.map((s) => ({ ...s, telemetry: { maxRunningRequests: s.telemetry.maxRunningRequests } })),
  }));
  const md = renderReport({ run: noGpu, comparison: comparison() });
  assert.doesNotMatch(md, /GPU memory|Peak KV cache|\| GPU \||Driver \/ CUDA|\| torch \|/);
  assert.match(md, /<summary>Memory efficiency<\/summary>\n\n\| Engine \| Scenario \| Most running at once \|/);
  assert.match(md, /Memory: most requests running at once 64 vs —\./);
  assert.match(md, /<summary>Environment: no GPU · Python/);
});

test('a throttle warns only where it was active while the GPU was busy, sample by sample (nvidia-smi fixture)', () => {
  // An H200 log: sw-power-cap at 18% and 52% utilisation, none at 97%, then the cap (and a thermal
  // slowdown) at 99% and 80%. The first window's mean utilisation is below 80% and the second's above.
  const samples = parseGpuSamples(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'throttle-busy.csv'), 'utf8'));
  const t0 = samples[0].t;
  const windowOf = (from: number, to: number) => {
    const g = summariseGpu(samples, t0 + from, t0 + to);
    return { meanGpuUtilPct: g.meanUtilizationPct!, throttleReasons: g.throttleReasons, busyThrottleReasons: g.busyThrottleReasons };
  };
  const waiting = windowOf(0, 600);
  const loaded = windowOf(1000, 1200);
  const at = (pick: (engine: string, scenario: string) => object) =>
    withEngines(runResult(), (e) => ({
      ...e,
      repetitions: e.repetitions.map((r) => ({ ...r, scenarios: r.scenarios.map((s) => ({ ...s, telemetry: { ...s.telemetry, ...pick(e.engine, s.scenario) } })) })),
    }));
  assert.doesNotMatch(renderReport({ run: at(() => waiting), comparison: null }), /throttled/);
  // A busy mean with the cap seen only in an idle sample: the cap did not slow the work.
  assert.doesNotMatch(renderReport({ run: at(() => ({ ...waiting, meanGpuUtilPct: 91 })), comparison: null }), /throttled/);
  const busy = renderReport({ run: at((engine, scenario) => (engine === 'vllm' && scenario === 'burst-64' ? loaded : waiting)), comparison: null });
  assert.equal(busy.match(/throttled/g)?.length, 1, 'one line for all engines and scenarios');
  assert.match(busy, /\n⚠️ The GPU throttled \(`sw-power-cap`, `sw-thermal-slowdown`\) while busy \(≥ 80% utilisation\) in 3 of 36 scenario runs \(vllm: burst-64\); their figures may be low\.\n/);
  const everywhere = renderReport({ run: at(() => loaded), comparison: null });
  assert.match(everywhere, /in 36 of 36 scenario runs \(vllm: chat-short, [^)]*; transformers: chat-short, /);
});

test('a first run says exactly how to record a baseline: the workflow input, or the CLI command for this results file', () => {
  const action = renderReport({ run: runResult(), comparison: null });
  assert.match(action, /To record a baseline, run the action with the input `mode: baseline` from a trusted event/);
  assert.match(action, /```yaml\n- uses: your-org\/llm-perf-gate@v1\n  with:\n    mode: baseline/);
  const cli = renderReport({ run: runResult(), comparison: null, record: { resultsPath: '.perf/out dir/results.json', baselinePath: null } });
  assert.match(cli, /```sh\nnpx llm-perf-gate compare --mode baseline --baseline \.perf\/baseline\.json --current '\.perf\/out dir\/results\.json' --out '\.perf\/out dir\/recorded'\n```/);
  assert.doesNotMatch(renderReport({ run: runResult(), comparison: comparison() }), /To record/, 'not once there is a baseline');
  assert.deepEqual(checkMarkdown(cli), []);
});

test('chart axes tell runs apart: run number with commit and day, or day and time without a commit', () => {
  const c = comparison();
  const sameDay: Comparison = {
    ...c,
    engines: c.engines.map((e) => ({
      ...e,
      history: e.history.map((h) => ({ ...h, points: h.points.map((p, i) => ({ ...p, sha: null, createdAt: `2026-12-01T09:${String(10 + i * 3).padStart(2, '0')}:00.000Z` })) })),
    })),
  };
  const axes = renderReport({ run: runResult(), comparison: sameDay }).match(/x-axis \[.*\]/g)!;
  assert.equal(axes[0], 'x-axis ["run 1 12-01 09:10", "run 2 12-01 09:13", "run 3 12-01 09:16", "run 4 12-01 09:19", "run 5 12-01 09:22", "this run 12-01 09:25"]');
  const withSha = renderReport({ run: runResult(), comparison: c }).match(/x-axis \[.*\]/g)!;
  assert.match(withSha[0], /^x-axis \["run 1 a019e2d 05-20", "run 2 b119e2d 05-23", .*"this run 3f2a9c1 05-\d\d"\]$/);
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
  assert.deepEqual(sections(md).slice(0, 4), ['🔴 Regressions', 'Limits exceeded', 'Change points', 'vllm vs transformers']);
  assert.match(md.split('\n')[0], /failed — 1 regression · 1 limit exceeded · 1 change point$/);
  assert.match(md, /- \*\*vllm\*\*: 1 regression [^\n]*; 1 change point in the history;/);
  assert.match(md, /- \*\*transformers\*\*: no regression [^\n]*; 1 limit exceeded;/);
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
  assert.equal(md.split('\n')[0], '## ❌ LLM performance: failed — 1 engine failed, nothing compared (2 engines × 6 scenarios × 3 repetitions)');
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
  assert.equal(charts.length, 6);
  for (const chart of charts) {
    const lines = chart.split('\n');
    assert.equal(lines.length, 8, chart);
    assert.match(lines[3], /^  title "[^"\]\[]*"$/, 'a chart title keeps one pair of quotes and no brackets');
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

test('a regression decided by the scenario\'s contrast shows that contrast and its p-value beside its own change', () => {
  const base = comparison();
  const engines = base.engines.map((e) => ({
    ...e,
    metrics: e.metrics.map((m) =>
      m.verdict === 'regression' ? { ...m, ci: [0.99, 1.25] as const, adjustedP: 0.2, contrast: { ratio: 1.103, ci: [1.071, 1.136] as const, adjustedP: 0.004, decided: true } } : m,
    ),
  }));
  const md = renderReport({ run: runResult(), comparison: { ...base, engines } });
  assert.match(visible(md), /\| vllm \| chat-concurrent-16 \| TPOT p50 \(ms\) \| [^|]+ \| [^|]+ \| \+12\.1% \[−1\.0%, \+25\.0%\]; \+10\.3% \[\+7\.1%, \+13\.6%\] against the other scenarios \| 0\.004 \| ±3% \|$/m);
  assert.match(md, /chat-concurrent-16 TPOT p50 \+12\.1% \[−1\.0%, \+25\.0%\]; \+10\.3% \[\+7\.1%, \+13\.6%\] against the other scenarios/, 'the engine sentence too');
});
