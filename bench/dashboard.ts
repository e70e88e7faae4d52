// The dashboard's cost, measured: how long the site takes to generate and to draw in a browser,
// and how large it (and the branch it is published to) grows.
//
//   node bench/dashboard.ts [--publishes N]
//
// Render: 60 runs (30 nightly jobs × 2 runs) × 6 scenarios × 9 metrics × 2 engines, synthetic
// history (lognormal run noise, CV 2%; a vLLM upgrade at job 15, decode 15% slower from job 22):
// generation is buildSite (change points included) on this machine, median of 3; browser render is
// headless Chromium opening index.html from disk until every chart is drawn (108 charts, 18
// sparklines... all of the page), median of 3 loads.
// Size: 1,000 runs per engine (500 jobs × 2 runs, window 1000) as files, then a real git branch that
// gets one commit per nightly publish (the merge of the published data with the baseline store's
// newest 60 runs, as the action does) for N publishes (default 30), sizes after `git gc`.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { BASELINE_SCHEMA, type BaselineDoc } from '../src/baseline/history.ts';
import { readInputs } from '../src/config/inputs.ts';
import { renderSite, siteBytes } from '../src/dashboard/command.ts';
import { readSiteFolder, writeSiteFolder } from '../src/dashboard/publish.ts';
import { CHROMIUM } from '../test/helpers/render-html.ts';
import { syntheticHistory } from '../test/helpers/dashboard-history.ts';

const args = process.argv.slice(2);
const publishes = Number(args[args.indexOf('--publishes') + 1] || 30);
const config = readInputs((name) => ({ engines: 'sim', 'baseline-store': 'file' })[name] ?? '');
const settings = { title: 'bench', repoUrl: 'https://github.com/o/r', window: 1000 };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;
const work = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));

try {
  // ---------- render: 60 runs × 6 × 9 × 2 ----------
  const small = syntheticHistory({ jobs: 30, epochAt: 15, stepAt: 22, stepFactor: 1.15, stepEngine: 'sim-vllm' });
  const gen: number[] = [];
  let files = new Map<string, string>();
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    files = renderSite(config, { baseline: small, gates: null, published: [] }, settings);
    gen.push(performance.now() - t0);
  }
  const site = join(work, 'small');
  writeSiteFolder(site, files);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  const loads: number[] = [];
  let charts = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await page.goto(pathToFileURL(join(site, 'index.html')).href, { waitUntil: 'load' });
      await page.waitForFunction('window.__dashboard && window.__dashboard.done === true', undefined, { timeout: 120_000 });
      loads.push(performance.now() - t0);
      charts = (await page.evaluate('window.__dashboard.charts.length')) as number;
    }
  } finally {
    await browser.close();
  }
  console.log(`render 60 runs × 6 scenarios × 9 metrics × 2 engines: generation ${median(gen).toFixed(0)} ms (median of 3: ${gen.map((x) => x.toFixed(0)).join(', ')}), browser ${median(loads).toFixed(0)} ms to draw ${charts} charts (median of 3: ${loads.map((x) => x.toFixed(0)).join(', ')}); site ${kib(siteBytes(files))}`);

  // ---------- size after 1,000 runs, and the branch over nightly publishes ----------
  const big = syntheticHistory({ jobs: 500 + publishes, epochAt: 250, stepAt: 400, stepFactor: 1.15, stepEngine: 'sim-vllm' });
  const perJob = 2 * 2; // runs per job × engines
  const upTo = (jobs: number): BaselineDoc => ({ schema: BASELINE_SCHEMA, entries: big.entries.slice(0, jobs * perJob) });
  const t0 = performance.now();
  const full = renderSite(config, { baseline: upTo(500), gates: null, published: [] }, settings);
  const genBig = performance.now() - t0;
  const files1000 = [...full].map(([p, t]) => `${p} ${kib(Buffer.byteLength(t))}`).join(', ');
  console.log(`site after 1,000 runs per engine (2 engines, window 1000): ${kib(siteBytes(full))} in ${full.size} files (${files1000}); generated in ${genBig.toFixed(0)} ms`);

  const repo = join(work, 'branch');
  const git = (...a: string[]): string => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8' });
  execFileSync('git', ['init', '-q', repo]);
  git('config', 'user.email', 'bench@example.invalid');
  git('config', 'user.name', 'bench');
  writeSiteFolder(repo, full);
  git('add', '-A');
  git('commit', '-qm', 'publish 0');
  git('gc', '-q');
  const gitSize = (): number => Number(execFileSync('du', ['-sb', join(repo, '.git')], { encoding: 'utf8' }).split('\t')[0]);
  const start = gitSize();
  const times: number[] = [];
  for (let k = 1; k <= publishes; k++) {
    const jobs = 500 + k;
    // What the store holds at that night: the newest 60 runs per engine.
    const store: BaselineDoc = { schema: BASELINE_SCHEMA, entries: upTo(jobs).entries.slice(-60 * 2) };
    const t = performance.now();
    const next = renderSite(config, { baseline: store, gates: null, published: readSiteFolder(repo) }, settings);
    times.push(performance.now() - t);
    writeSiteFolder(repo, next);
    git('add', '-A');
    git('commit', '-qm', `publish ${k}`);
  }
  git('gc', '-q');
  const end = gitSize();
  console.log(
    `branch over ${publishes} nightly publishes at 1,000 runs (window 1000, so each publish drops the oldest job): .git ${kib(start)} after the first, ${kib(end)} after ${publishes} more (git gc), ` +
      `${kib((end - start) / publishes)} per publish; publish generation median ${median(times).toFixed(0)} ms`,
  );
  console.log(JSON.stringify({ renderGenerationMs: Math.round(median(gen)), renderBrowserMs: Math.round(median(loads)), charts, site1000Bytes: siteBytes(full), gitAfterFirstBytes: start, gitBytesPerPublish: Math.round((end - start) / publishes), publishes }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
