import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { readInputs } from '../../src/config/inputs.ts';
import { renderSite } from '../../src/dashboard/command.ts';
import { appendGate, markFalseAlarm, type GatesDoc } from '../../src/dashboard/gates.ts';
import { writeSiteFolder } from '../../src/dashboard/publish.ts';
import { CHROMIUM } from '../helpers/render-html.ts';
import { syntheticHistory, withCapacityBelow } from '../helpers/dashboard-history.ts';

// The dashboard as a person opens it: the generated site from disk (file://) in headless Chromium.
// History: 260 nightly jobs × 2 runs × 2 engines (520 runs per engine), a vLLM upgrade at job 100
// (a second fingerprint epoch from run 200) and sim-vllm's decode 15% slower from job 220 (run 440).
// Screenshots land in .out/dashboard/ to be looked at. CI installs chromium (.ci/run), so there a
// missing browser fails the test; elsewhere it is skipped, saying why.

const OUT = join(import.meta.dirname, '../../.out/dashboard');
const missing = !existsSync(CHROMIUM);
const config = readInputs((name) => ({ engines: 'sim', 'baseline-store': 'file' })[name] ?? '');

/** The gate log: 40 gates, two failed; the second failed one, a nightly job recorded as runs 461–462 (job 230), is marked a false alarm. */
function gateLog(nightlySha: string): GatesDoc {
  let doc: GatesDoc | null = null;
  const gate = (i: number, failed: boolean, pr: number | null) => ({
    createdAt: new Date(Date.parse('2026-03-01T00:00:00Z') + i * 3600_000).toISOString(),
    sha: `${String(i).padStart(2, '0')}`.repeat(20),
    ref: pr ? `refs/pull/${pr}/merge` : 'refs/heads/main',
    mode: pr ? 'pr' : 'schedule',
    pr,
    reportUrl: `https://github.com/o/r/actions/runs/${1000 + i}`,
    passed: !failed,
    alpha: 0.01,
    engines: [
      { engine: 'sim-vllm', regressions: failed ? ['chat-8/tpot_p50'] : [] },
      { engine: 'sim-transformers', regressions: [] },
    ],
    falseAlarm: null,
  });
  for (let i = 0; i < 40; i++) doc = appendGate(doc, i === 31 ? { ...gate(i, true, null), sha: nightlySha } : gate(i, i === 7, i % 2 === 0 ? 100 + i : null));
  return markFalseAlarm(doc, { sha: nightlySha }, { at: '2026-03-03T00:00:00Z', by: 'maintainer', note: 'a neighbour on the runner' });
}

/** Writes the site to .out/dashboard/<name> and opens it from disk in headless Chromium, recording console problems and every request. */
async function openSite(name: string, files: Map<string, string>) {
  const site = join(OUT, name);
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  writeSiteFolder(site, files);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (r) => requests.push(r.url()));
  return { site, browser, page, problems, requests };
}

test('the dashboard opens from disk and draws every run, the change point at run 441 and both fingerprint epochs', { skip: missing && !process.env.CI ? `no chromium at ${CHROMIUM}` : false, timeout: 300_000 }, async (t) => {
  const baseline = syntheticHistory({ jobs: 260, epochAt: 100, stepAt: 220, stepFactor: 1.15, stepEngine: 'sim-vllm' });
  const nightly = baseline.entries.find((e) => e.engine === 'sim-vllm' && e.createdAt === baseline.entries[230 * 4].createdAt)!;
  const files = renderSite(config, { baseline, gates: gateLog(nightly.sha!), published: [] }, { title: 'perf history (test)', repoUrl: 'https://github.com/o/r', window: 1000 });
  const { site, browser, page, problems, requests } = await openSite('site', files);
  try {
    await page.goto(pathToFileURL(join(site, 'index.html')).href, { waitUntil: 'load' });
    await page.waitForFunction('window.__dashboard && window.__dashboard.done === true', undefined, { timeout: 60_000 });
    await page.screenshot({ path: join(OUT, 'first-screen.png') });
    const drawn = (await page.evaluate(`({
      charts: window.__dashboard.charts,
      canvases: document.querySelectorAll('#charts .chart canvas').length,
      sparklines: document.querySelectorAll('#overview .sparkbox canvas').length,
      ratioCharts: document.querySelectorAll('#ratios .chart canvas').length,
      rates: [...document.querySelectorAll('#false-alarms table.rates tr')].map((tr) => tr.innerText),
      marked: [...document.querySelectorAll('#false-alarms td.fa')].map((td) => td.innerText),
      overview: document.querySelectorAll('#overview tr').length,
    })`)) as {
      charts: { engine: string; scenario: string; metric: string; points: number; changePoints: number[]; epochs: number[]; falseAlarms: number[] }[];
      canvases: number;
      sparklines: number;
      ratioCharts: number;
      rates: string[];
      marked: string[];
      overview: number;
    };
    t.diagnostic(`${drawn.charts.length} charts, ${drawn.canvases} canvases, ${drawn.sparklines} sparklines, ${drawn.ratioCharts} ratio charts`);
    assert.deepEqual(problems, [], 'no console errors or warnings');
    assert.ok(
      requests.every((u) => u.startsWith('file://')),
      `nothing but the site's own files is loaded: ${requests.filter((u) => !u.startsWith('file://')).join(', ')}`,
    );
    assert.equal(drawn.charts.length, 2 * 6 * 9, 'a chart per engine × scenario × metric');
    assert.equal(drawn.canvases, drawn.charts.length, 'each chart drew a canvas');
    for (const c of drawn.charts) {
      assert.equal(c.points, 520, `${c.engine}/${c.scenario}/${c.metric}: every recorded run is a point`);
      assert.deepEqual(c.epochs, [0, 200], `${c.engine}/${c.scenario}/${c.metric}: the upgrade starts the second epoch at run 201`);
      assert.deepEqual(c.falseAlarms, [460, 461], `${c.engine}/${c.scenario}/${c.metric}: the marked nightly job's two runs are ringed`);
    }
    const stepped = drawn.charts.filter((c) => c.engine === 'sim-vllm' && !c.metric.startsWith('ttft'));
    for (const c of stepped) assert.deepEqual(c.changePoints, [440], `${c.scenario}/${c.metric}: the step is marked where it began`);
    const quiet = drawn.charts.filter((c) => c.engine === 'sim-transformers' || c.metric.startsWith('ttft'));
    const falseMarks = quiet.filter((c) => c.changePoints.length > 0);
    assert.ok(falseMarks.length <= 1, `at most one spurious mark among ${quiet.length} unchanged series: ${falseMarks.map((c) => `${c.engine}/${c.scenario}/${c.metric}@${c.changePoints}`).join(', ')}`);
    assert.equal(drawn.overview, 1 + 2 * 6, 'an overview row per engine × scenario');
    assert.equal(drawn.sparklines, 2 * 6 * 3, 'a sparkline per headline metric');
    assert.equal(drawn.ratioCharts, 6 * 3, 'a vLLM ÷ Transformers chart per scenario × headline metric');
    assert.match(drawn.rates.find((r) => r.startsWith('sim-vllm')) ?? '', /^sim-vllm\t40\t2\t1\t2\.5%\t1\.0%$/);
    assert.equal(drawn.marked.length, 1);
    assert.match(drawn.marked[0], /maintainer: a neighbour on the runner/);

    // A PR comment's link to one cell: the filters follow the #hash, the cell is drawn alone.
    await page.goto(`${pathToFileURL(join(site, 'index.html')).href}#engine=sim-vllm&scenario=chat-8&metric=tpot_p50`, { waitUntil: 'load' });
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction('window.__dashboard && window.__dashboard.done === true', undefined, { timeout: 60_000 });
    const one = (await page.evaluate('window.__dashboard.charts')) as { scenario: string; metric: string; changePoints: number[] }[];
    assert.deepEqual(
      one.map((c) => [c.scenario, c.metric, c.changePoints]),
      [['chat-8', 'tpot_p50', [440]]],
    );
    const chart = page.locator('#charts .chart').first();
    await chart.hover({ position: { x: 600, y: 120 } });
    assert.match((await chart.locator('.pinned').innerText()) as string, /^run \d+ · 2026-.* · [0-9a-f]{7} · refs\/heads\/main · fingerprint epoch 2 · [\d.]+ ms$/);
    await chart.screenshot({ path: join(OUT, 'chart-change-point.png') });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('a capacity chart says its search\'s unit and reads a run below the lowest rate tried as "< 0.5 req/s"', { skip: missing && !process.env.CI ? `no chromium at ${CHROMIUM}` : false, timeout: 120_000 }, async () => {
  const baseline = withCapacityBelow(syntheticHistory({ jobs: 6, engines: ['sim-transformers'], scenarios: ['chat-8'] }), 4);
  const files = renderSite(config, { baseline, gates: null, published: [] }, { title: 'capacity (test)', repoUrl: null, window: 1000 });
  const { site, browser, page, problems } = await openSite('site-capacity', files);
  try {
    await page.goto(`${pathToFileURL(join(site, 'index.html')).href}#scenario=headroom&metric=capacity`, { waitUntil: 'load' });
    await page.waitForFunction('window.__dashboard && window.__dashboard.done === true', undefined, { timeout: 60_000 });
    const chart = page.locator('#charts .chart').first();
    assert.match(await chart.locator('h3').innerText(), /^sim-transformers · headroom · Capacity at SLO \(req\/s, higher is better\)$/);
    assert.equal(await chart.getAttribute('data-below'), '8,9,10,11');
    assert.match(await chart.locator('.info').innerText(), /^4 run\(s\) below the lowest load tried, drawn at that load; no change point/);
    // The newest run, at the right edge of the plot: a bound.
    const over = (await chart.locator('.u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width - 1, over.y + over.height / 2);
    assert.match(await chart.locator('.pinned').innerText(), / · < 0\.5 req\/s$/);
    await chart.screenshot({ path: join(OUT, 'chart-capacity-below.png') });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
