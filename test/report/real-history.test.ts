import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/markdown.ts';
import { terminalSummary } from '../../src/report/terminal.ts';
import { COMMENT_LIMIT, fitToLimit, SUMMARY_LIMIT, trimNote } from '../../src/report/trim.ts';
import { checkMarkdown } from '../helpers/markdown-check.ts';
import type { ScenarioSummary } from '../../src/types.ts';
import { comparePr, realRun, twoEngineRegression } from './real-history.ts';

// The targets, on real measurements (vLLM 0.22 on an H200; runs 1–3 baseline, run 4 the PR).

/** Non-empty lines outside every <details> block (a block's <summary> line counts as inside). */
function visibleLines(md: string): string[] {
  let depth = 0;
  return md.split('\n').filter((line) => {
    const t = line.trim();
    if (t.startsWith('<details')) depth++;
    const keep = depth === 0 && t !== '' && !t.includes('</details>');
    if (t.includes('</details>')) depth--;
    return keep;
  });
}

test('real vLLM history, pull request: at most 40 visible lines and 12,000 characters, with the verdict first', async (t) => {
  const run = realRun(4);
  const md = renderReport({ run, comparison: await comparePr(run) });
  const lines = visibleLines(md);
  t.diagnostic(`real vLLM PR report: ${md.length} characters, ${lines.length} non-empty lines outside <details>`);
  assert.ok(md.length <= 12_000, `${md.length} characters`);
  assert.ok(lines.length <= 40, `${lines.length} visible lines:\n${lines.join('\n')}`);
  // Nothing beyond tolerance, but most cells undecided: the title says inconclusive and what would settle it, never "passed".
  assert.equal(lines[0], '## ⚠️ LLM performance: inconclusive — 47 cells undecided; more runs per job and more baseline runs would settle them (not failing: fail-on regression)');
  assert.match(lines[1], /^- \*\*vllm\*\*: inconclusive, no regression shown \(63 metrics; largest change [a-z-]+ [A-Za-z0-9 /]+ [−+±][\d.]+% \[[−+±][\d.]+%, [−+±][\d.]+%\]\); history of 3 runs; \d+ runs per job \(`runs: \d+`\) would settle \d+ cells \([^)]*\); 2 more baseline runs would bound the run-to-run noise of \d+ cells \(/);
  // Which part of the noise dominates, from the history, in one line under the engine's sentence.
  assert.match(lines[2], /^ {2}- noise: run-to-run dominates [^;]*Output tokens\/s[^;]* \(±[\d.]+% between runs, ±[\d.]+% from repetitions\); repetitions dominate [^;]*TTFT/);
  assert.doesNotMatch(md, /🟡 inconclusive \|/, 'no bare "inconclusive": each says why');
  assert.doesNotMatch(md, /\[−9\d\.\d%, \+\d{3,}/, 'no interval too wide to inform printed as a figure');
  assert.match(md, /<summary>63 other comparisons: \d+ inconclusive \([^)]*\) · \d+ no change<\/summary>/);
  assert.deepEqual(checkMarkdown(md), []);
  // The job summary and the sticky comment are this document, within GitHub's limits untrimmed.
  assert.equal(fitToLimit(md, COMMENT_LIMIT, trimNote()), md);
  assert.equal(fitToLimit(md, SUMMARY_LIMIT, trimNote()), md);
});

test('when the history window cannot hold the baseline runs that would bound the noise, the report names the window to set', async () => {
  const run = realRun(4);
  const comparison = await comparePr(run);
  assert.match(renderReport({ run, comparison, historyWindow: 3 }), /; the history window is too short to bound the run-to-run noise of \d+ cells \([^)]*\): `history: 5` would\n/);
  assert.match(terminalSummary(run, comparison, 3), /: --history 5 would\n/);
  assert.match(renderReport({ run, comparison, historyWindow: 5 }), /; 2 more baseline runs would bound /);
});

test('two engines on the default set with a regression: it is on the first screen (first 25 lines)', async (t) => {
  const run = twoEngineRegression();
  const md = renderReport({ run, comparison: await comparePr(run) });
  const first = md.split('\n').slice(0, 25);
  const at = first.findIndex((l) => /^\| vllm \| chat-8 \| Output tokens\/s \| .* \| ±3% \|$/.test(l));
  t.diagnostic(`two-engine report: ${md.length} characters; the output tokens/s regression row is line ${at + 1}; ${visibleLines(md).length} visible lines`);
  assert.ok(at >= 0, first.join('\n'));
  // chat-8 decodes 15% slower: its throughputs (3), TPOT p50 and p95 and E2E latency, the last three through the
  // contrast with the rest of the set, whose variance the other scenarios' contrasts moderate.
  assert.match(first[0], /^## ❌ LLM performance: failed — 6 regressions$/);
  assert.match(first[2], /^- \*\*vllm\*\*: 6 regressions \(worst chat-8 [A-Za-z0-9/ ]+ [−+]1\d\.\d% \[[−+]\d+\.\d%, [−+]\d+\.\d%\]/);
  assert.match(first[3], /^ {2}- noise: /);
  assert.match(first[4], /^- \*\*transformers\*\*: inconclusive, no regression shown \(62 metrics[;)].*history of 1 run; /);
  assert.ok(md.indexOf('### vllm vs transformers') > md.indexOf('### 🔴 Regressions'), 'then the head-to-head');
  assert.deepEqual(checkMarkdown(md), []);
});

test('the terminal summary uses display names and no markdown escapes, one line per engine and per regression', async () => {
  const run = twoEngineRegression();
  const text = terminalSummary(run, await comparePr(run));
  const lines = text.split('\n');
  assert.equal(lines[0], '❌ gate: failed — 6 regressions');
  assert.match(lines[1], /^ {2}vllm: 6 regressions \(worst chat-8 /);
  assert.match(lines[2], /^ {4}noise: run-to-run dominates /);
  assert.match(lines[3], /^ {2}transformers: inconclusive, no regression shown.*; 4 more baseline runs would bound the run-to-run noise of 62 cells /);
  assert.equal(lines.filter((l) => l.startsWith('  regression: vllm · chat-8 ')).length, 6);
  assert.match(text, /regression: vllm · chat-8 Output tokens\/s −13\.2% \[−\d+\.\d%, −\d+\.\d%\] \(tolerance ±3%\)/);
  assert.doesNotMatch(text, /\\|_p\d\d|output_throughput|\*\*/);
});

test('runs recorded before throttles were kept per sample do not warn, whatever their mean utilisation', () => {
  // vLLM ran the H200 at 81–98% mean utilisation with sw-power-cap set in most windows, but these
  // runs did not record whether the cap was active in a busy sample: no warning rather than a guess.
  const vllm = realRun(4);
  assert.ok(vllm.engines[0].repetitions.some((r) => r.scenarios.some((s) => s.telemetry.throttleReasons?.includes('sw-power-cap') && s.telemetry.meanGpuUtilPct! >= 80)));
  assert.doesNotMatch(renderReport({ run: vllm, comparison: null }), /throttled/);
});

test('release mode: non-inferiority per suite metric, compact on the first screen and in full collapsed', async () => {
  const run = twoEngineRegression();
  const comparison = await comparePr(run, undefined, 'release');
  const vllm = comparison.engines.find((e) => e.engine === 'vllm')!;
  const suite = vllm.metrics.filter((m) => m.scenario === 'all scenarios');
  const failed = suite.filter((m) => m.nonInferior === false);
  assert.ok(failed.length > 0 && failed.length < suite.length, `${failed.length} of ${suite.length} suite cells not shown within tolerance`);
  const md = renderReport({ run, comparison });
  const sentence = md.split('\n').find((l) => l.startsWith('- **vllm**'))!;
  assert.match(sentence, new RegExp(`; release: ${failed.length} of ${suite.length} suite metrics not shown within tolerance \\([A-Za-z0-9/ ]+ could be [−+][\\d.]+% at ±\\d+%`));
  // Transformers has one stored run and one current: nothing bounds its run-to-run noise.
  assert.match(md, /\n- \*\*transformers\*\*: no regression \(62 metrics\); release: 8 of 8 suite metrics not shown within tolerance \(8 without an estimate\);/);
  const all = comparison.engines.flatMap((e) => e.metrics.filter((m) => m.scenario === 'all scenarios'));
  const allFailed = all.filter((m) => m.nonInferior === false).length;
  assert.match(md.split('\n')[0], new RegExp(`· ${allFailed} metrics not shown within tolerance$`));
  assert.match(md, new RegExp(`<summary>Release check \\(non-inferiority\\): ${allFailed} of ${all.length} suite metrics not shown within tolerance</summary>`));
  // One row per suite metric of each engine, its bound next to its tolerance and whether it holds.
  const out = failed[0];
  const bound = `${out.worstPlausible! < 1 ? '−' : '+'}${Math.abs((out.worstPlausible! - 1) * 100).toFixed(1)}%`;
  assert.ok(md.split('\n').some((l) => l.startsWith('| vllm |') && l.includes(` | ${bound} | ±`) && l.endsWith('| ❌ |')), `a ❌ row with ${bound}`);
  assert.deepEqual(checkMarkdown(md), []);
});

test('missing results are on the first screen with their reason: too many failed requests', async () => {
  const measured = twoEngineRegression();
  const failing = (s: ScenarioSummary): ScenarioSummary => (s.scenario === 'burst' ? { ...s, failed: 3, completed: s.requests - 3, errors: { 'http 500': 3 } } : s);
  const run = { ...measured, engines: measured.engines.map((e) => (e.engine === 'vllm' ? { ...e, repetitions: e.repetitions.map((r) => ({ ...r, scenarios: r.scenarios.map(failing) })) } : e)) };
  const comparison = await comparePr(run);
  const md = renderReport({ run, comparison });
  const first = md.split('\n').slice(0, 25);
  assert.match(first[0], /^## ❌ LLM performance: failed — 1 scenario without result · \d+ regressions?$/);
  const at = first.indexOf('### ⛔ No result');
  assert.ok(at > 0, first.join('\n'));
  // As markdown the brackets are escaped; GitHub shows them plain.
  assert.match(first[at + 2].replace(/\\/g, ''), /^- vllm · burst: 6 of \d+ requests failed \([\d.]+%, more than max-failure-rate 0%\): 6× http 500$/);
  assert.equal(md.match(/- vllm · burst: /g)?.length, 1, 'one line for the scenario, not one per metric');
  assert.match(terminalSummary(run, comparison), /\n {2}no result: vllm · burst: 6 of \d+ requests failed /);
  assert.deepEqual(checkMarkdown(md), []);
});
