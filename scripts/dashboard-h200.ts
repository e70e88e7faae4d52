// The dashboard of the real H200 study (vLLM 0.22, transformers 5.17; docs/benchmarks/2026-12-01-h200-vllm
// and the same day's runs in ../shared/gpu-runs), and the README's screenshot of it:
//   node scripts/dashboard-h200.ts [SHARED_GPU_RUNS] [OUT_DIR]
// Every results.json of the study is recorded in time order, as a nightly schedule would have
// recorded it (the co-tenant-slowed gate jobs included: a neighbour on the GPU is what a shared
// runner's history really holds), and the study's failed gate comparisons form the gate log, with
// the 10%-duty co-tenant job marked a false alarm, as a maintainer who knew of the neighbour would.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { DEFAULT_KEEP, recordRun, type BaselineDoc } from '../src/baseline/history.ts';
import { readInputs } from '../src/config/inputs.ts';
import { renderSite } from '../src/dashboard/command.ts';
import { appendGate, gateRecord, type GatesDoc } from '../src/dashboard/gates.ts';
import { writeSiteFolder } from '../src/dashboard/publish.ts';
import type { Comparison, RunResult } from '../src/types.ts';
import { CHROMIUM } from '../test/helpers/render-html.ts';

const [shared = '../shared/gpu-runs/2026-12-01-h200-vllm-0.22', outDir = '.out/dashboard-h200'] = process.argv.slice(2);
const study = 'docs/benchmarks/2026-12-01-h200-vllm';
const folders = [
  ...['run1', 'vllm-run2', 'vllm-run3', 'vllm-run4'].map((f) => join(shared, f)),
  ...['both', 'vllm-run-1', 'gate-unchanged', 'gate-slowed-d30', 'gate-slowed-d10', 'session4/baseline', 'session4/gate-unchanged', 'session4/gate-slowed-d65', 'session4/gate-slowed-d30', 'session4/tf-cb-capped'].map((f) => join(study, f)),
];
const config = readInputs((name) => ({ engines: 'sim', 'baseline-store': 'file' })[name] ?? '');

const runs = folders
  .filter((f) => {
    const there = existsSync(join(f, 'results.json'));
    if (!there) console.error(`skipped ${f}: no results.json`);
    return there;
  })
  .map((f) => ({ folder: f, run: JSON.parse(readFileSync(join(f, 'results.json'), 'utf8')) as RunResult }))
  .sort((a, b) => Date.parse(a.run.createdAt) - Date.parse(b.run.createdAt));
let baseline: BaselineDoc | null = null;
let gates: GatesDoc | null = null;
for (const { folder, run } of runs) {
  baseline = recordRun(baseline, run, DEFAULT_KEEP);
  const comparisonFile = join(folder, 'comparison.json');
  if (folder.includes('gate-') && existsSync(comparisonFile)) {
    gates = appendGate(gates, gateRecord(run, JSON.parse(readFileSync(comparisonFile, 'utf8')) as Comparison, { pr: null, reportUrl: null }));
  }
}
const d10 = runs.find((r) => r.folder.endsWith('gate-slowed-d10'));
// The study's runs carry no commit or pull request to mark by: the mark is set on the record itself.
const mark = { at: d10?.run.createdAt ?? '', by: 'maintainer', note: 'a co-tenant at 10% duty on the GPU, not the code' };
if (gates && d10) gates = { ...gates, gates: gates.gates.map((g) => (g.createdAt === d10.run.createdAt ? { ...g, falseAlarm: mark } : g)) };
const files = renderSite(config, { baseline, gates, published: [] }, { title: 'H200 · vLLM 0.22 vs transformers 5.17 · 2026-12-01', repoUrl: null, window: 1000 });
writeSiteFolder(outDir, files);
console.log(`${runs.length} results recorded (${baseline?.entries.length} runs), ${gates?.gates.length ?? 0} gates; ${join(outDir, 'index.html')}`);

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${pathToFileURL(join(outDir, 'index.html')).href}#engine=vllm&scenario=chat-8&metric=tpot_p50`, { waitUntil: 'load' });
  await page.waitForFunction('window.__dashboard && window.__dashboard.done === true');
  await page.screenshot({ path: join(outDir, 'screenshot.png'), fullPage: true });
  if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
  console.log(join(outDir, 'screenshot.png'));
} finally {
  await browser.close();
}
