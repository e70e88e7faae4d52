import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport } from '../../src/report/markdown.ts';
import { CHROMIUM, renderScreenshots } from '../helpers/render-html.ts';
import { comparePr, twoEngineRegression } from './real-history.ts';

// The report as a reviewer sees it on GitHub: GFM rendered to HTML, Mermaid charts drawn, in
// headless Chromium. Screenshots land in .out/render/ to be looked at. CI installs chromium
// (.ci/run), so there a missing browser fails the test; elsewhere it is skipped, saying why.

const OUT = join(import.meta.dirname, '../../.out/render');
const missing = !existsSync(CHROMIUM);

test('the two-engine regression report renders as GitHub would: tables, closed blocks, charts that draw', { skip: missing && !process.env.CI ? `no chromium at ${CHROMIUM}` : false, timeout: 120_000 }, async (t) => {
  const run = twoEngineRegression();
  const md = renderReport({ run, comparison: await comparePr(run) });
  mkdirSync(OUT, { recursive: true });
  const png = { firstScreen: join(OUT, 'two-engine-first-screen.png'), fullPage: join(OUT, 'two-engine-full.png'), chart: join(OUT, 'two-engine-chart.png') };
  const r = await renderScreenshots(md, png);
  t.diagnostic(`screenshots: ${Object.values(png).join(', ')}; ${r.charts} charts, ${r.tables} tables, ${r.collapsed} collapsed blocks`);
  assert.deepEqual(r.requests, [], 'nothing is fetched');
  assert.deepEqual(r.chartErrors, []);
  const fences = md.match(/```mermaid\n/g)?.length ?? 0;
  assert.ok(fences > 0);
  assert.equal(r.charts, fences, 'every chart is drawn');
  for (const labels of r.xLabels) {
    assert.ok(labels.length >= 2, `axis labels: ${labels.join(' | ')}`);
    assert.equal(new Set(labels).size, labels.length, `runs are told apart: ${labels.join(' | ')}`);
  }
  assert.equal(r.collapsed, md.match(/<details>/g)?.length);
  // The first screen: verdict, engine sentences, the regression table; not the collapsed rows.
  assert.match(r.visibleText, /LLM performance: failed — 6 regressions/);
  assert.match(r.visibleText, /vllm: 6 regressions \(worst chat-8/);
  assert.match(r.visibleText, /chat-8\tOutput tokens\/s\t/);
  assert.doesNotMatch(r.visibleText, /too noisy to tell \(±/, 'inconclusive rows stay collapsed');
});
