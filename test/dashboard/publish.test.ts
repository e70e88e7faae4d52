import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BranchBaselineStore } from '../../src/baseline/branch-store.ts';
import { BASELINE_SCHEMA, type BaselineDoc } from '../../src/baseline/history.ts';
import { afterGate, runDashboardStep } from '../../src/dashboard/action.ts';
import { readInputs } from '../../src/config/inputs.ts';
import { parseGitHubContext } from '../../src/github/context.ts';
import { comparePr, twoEngineRegression } from '../report/real-history.ts';
import { appendGate, parseGatesDoc, type GateRecord } from '../../src/dashboard/gates.ts';
import { dashboardLinks } from '../../src/dashboard/links.ts';
import { branchGatesStore } from '../../src/dashboard/publish.ts';
import { isKeyFile, parseKeyFile } from '../../src/dashboard/site.ts';
import { renderSite } from '../../src/dashboard/command.ts';
import type { Comparison } from '../../src/types.ts';
import { FakeGitHub } from '../helpers/fake-github.ts';
import { syntheticHistory } from '../helpers/dashboard-history.ts';

// The action's dashboard step against a local GitHub REST server: a pull request labelled
// perf-false-alarm gets its failed gate marked in the gate log on the baseline branch, the site is
// committed to gh-pages as one commit, a publish that adds nothing commits nothing, and
// the site keeps runs the baseline window has already dropped.

let gh: FakeGitHub;
const BASELINE = '.perf/baseline.json';
let work: string;

before(async () => {
  gh = new FakeGitHub('octo/widgets', { token: 'secret-token' });
  await gh.start();
  work = mkdtempSync(join(tmpdir(), 'dashboard-step-'));
});
after(async () => {
  await gh.close();
  rmSync(work, { recursive: true, force: true });
});

const opts = () => ({ owner: gh.owner, repo: gh.repo, token: 'secret-token', apiUrl: gh.url, branch: 'perf-baselines', path: BASELINE, retryDelayMs: 1 });

/** Runs the step as the runner would: inputs and context in the environment, outputs to a file. */
async function step(inputs: Record<string, string>, event: unknown): Promise<string> {
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_WORKSPACE: work,
    'INPUT_BASELINE-STORE': 'branch',
    'INPUT_BASELINE-PATH': BASELINE,
    'INPUT_BASELINE-BRANCH': 'perf-baselines',
    'INPUT_GITHUB-TOKEN': 'secret-token',
    'INPUT_RESULTS-DIR': join(work, 'out'),
    'INPUT_DASHBOARD-BRANCH': 'gh-pages',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  writeFileSync(env.GITHUB_EVENT_PATH, JSON.stringify(event));
  writeFileSync(env.GITHUB_OUTPUT, '');
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    await runDashboardStep();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return readFileSync(env.GITHUB_OUTPUT, 'utf8');
}

const prEvent = (labels: string[]) => ({ action: labels.length ? 'labeled' : 'synchronize', ...(labels.length ? { label: { name: labels[0] } } : {}), pull_request: { number: 42, labels: labels.map((name) => ({ name })), head: { sha: 'f'.repeat(40), ref: 'feature', repo: { full_name: 'octo/widgets' } }, base: { ref: 'main', repo: { full_name: 'octo/widgets' } } }, sender: { login: 'maintainer' }, repository: { default_branch: 'main' } });

const failedGate: GateRecord = {
  createdAt: '2026-04-01T00:00:00.000Z',
  sha: 'f'.repeat(40),
  ref: 'feature',
  mode: 'pr',
  pr: 42,
  reportUrl: 'https://github.com/octo/widgets/actions/runs/9',
  passed: false,
  alpha: 0.01,
  engines: [{ engine: 'sim-vllm', regressions: ['chat-8/tpot_p50'] }],
  falseAlarm: null,
};

test('mode dashboard: a labelled PR is marked in the gate log, the site lands on gh-pages, nothing changes twice, and it outlives the baseline window', { timeout: 240_000 }, async () => {
  const all = syntheticHistory({ jobs: 40, engines: ['sim-vllm'], scenarios: ['chat-8', 'burst'] });
  const first: BaselineDoc = { schema: BASELINE_SCHEMA, entries: all.entries.slice(0, 40) };
  await new BranchBaselineStore(opts()).update(() => first);
  await branchGatesStore(opts()).update((doc) => appendGate(doc, failedGate));
  const baselineBefore = gh.fileText('perf-baselines', BASELINE);

  const out = await step({}, prEvent(['perf-false-alarm']));
  assert.match(out, /dashboard-path/);
  const gates = parseGatesDoc(gh.fileText('perf-baselines', '.perf/baseline.gates.json')!, 'gate log');
  assert.equal(gates.gates[0].falseAlarm?.by, 'maintainer');
  assert.equal(gates.gates[0].falseAlarm?.note, 'label perf-false-alarm');
  assert.equal(gh.fileText('perf-baselines', BASELINE), baselineBefore, 'the baseline is not touched by a mark');
  const page = gh.fileText('gh-pages', 'index.html');
  assert.ok(page?.includes('uPlot'), 'uPlot is inlined into the page');
  assert.doesNotMatch(page!, /<script src="https?:/, 'nothing from a CDN');
  const index = gh.fileText('gh-pages', 'data/index.js')!;
  const keyPath = [...gh.files.get('gh-pages')!.keys()].find((p) => /^data\/sim-vllm-.*\.js$/.test(p))!;
  assert.equal(parseKeyFile(gh.fileText('gh-pages', keyPath)!, keyPath).runs.length, 40);
  assert.match(index, /"falseAlarms":\[\{"engine":"sim-vllm","judged":1,"alarms":1,"falseAlarms":1,"nominal":0\.01,"observed":1\}\]/);

  // Again with nothing new: every file is read, none is written (no commit).
  const writes = gh.writes().length;
  await step({}, prEvent([]));
  assert.equal(gh.writes().length, writes, 'a publish that adds nothing makes no commit');

  // The baseline window moves on (its oldest 20 runs dropped, 20 new ones): the site keeps all 60.
  await new BranchBaselineStore(opts()).update(() => ({ schema: BASELINE_SCHEMA, entries: all.entries.slice(20, 60) }));
  await step({}, { repository: { default_branch: 'main' } });
  const merged = parseKeyFile(gh.fileText('gh-pages', keyPath)!, keyPath);
  assert.equal(merged.runs.length, 60);
  assert.deepEqual(
    merged.runs.map((r) => r.t),
    all.entries.slice(0, 60).map((e) => e.createdAt),
  );
  const trees = gh
    .writes()
    .slice(writes)
    .filter((c) => c.path.endsWith('/git/trees'))
    .map((c) => (c.body as { tree: { path: string }[] }).tree.map((e) => e.path));
  // The index names the newest run or mark (the mark is newer than these runs): it did not change.
  assert.deepEqual(trees, [[keyPath]], 'only the key data that changed is written, in one tree');
});

test('the PR comment links each cell it names to its chart, escaped, and says how many it left out', () => {
  const cells = Array.from({ length: 14 }, (_, i) => ({ scenario: i === 0 ? 'chat [8]' : `s${i}`, metric: 'tpot_p50', verdict: 'regression' }));
  const comparison = { engines: [{ engine: 'vllm', metrics: cells }], changePoints: [] } as unknown as Comparison;
  const md = dashboardLinks(comparison, 'https://octo.github.io/widgets/');
  assert.match(md, /^\n\n📈 \[History dashboard\]\(<https:\/\/octo\.github\.io\/widgets\/>\): \[vllm\/chat \\\[8\\\]\/tpot\\_p50\]\(<https:\/\/octo\.github\.io\/widgets\/#engine=vllm&scenario=chat\+%5B8%5D&metric=tpot_p50>\)/);
  assert.match(md, / and 2 more\n$/);
  assert.equal(dashboardLinks({ engines: [], changePoints: [] } as unknown as Comparison, 'https://x.test/d/'), '\n\n📈 [History dashboard](<https://x.test/d/>)\n');
});

test('gate log from a gate: trusted events by default, pull requests only with gate-log: all, a fork never', { timeout: 120_000 }, async () => {
  gh.reset();
  const run = twoEngineRegression();
  const comparison = await comparePr(run);
  const config = readInputs((name) => ({ engines: 'sim', 'baseline-store': 'branch', 'baseline-path': BASELINE, 'github-token': 'secret-token' })[name] ?? '');
  const env = { GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '77' };
  const pr = (fork: boolean) => parseGitHubContext({ ...env, GITHUB_EVENT_NAME: 'pull_request' }, { pull_request: { number: 5, head: { sha: 'e'.repeat(40), ref: 'x', repo: { full_name: fork ? 'someone/widgets' : 'octo/widgets' } }, base: { ref: 'main', repo: { full_name: 'octo/widgets' } } } }, null);
  const nightly = parseGitHubContext({ ...env, GITHUB_EVENT_NAME: 'schedule' }, {}, null);
  const logged = async () => parseGatesDoc(gh.fileText('perf-baselines', '.perf/baseline.gates.json') ?? '{"schema":"llm-perf-gate/gates@1","gates":[]}', 'log').gates;
  const withInputs = async (inputs: Record<string, string>, fn: () => Promise<string>) => {
    const keys = Object.keys(inputs).map((k) => `INPUT_${k.toUpperCase()}`);
    const saved = keys.map((k) => process.env[k]);
    Object.entries(inputs).forEach(([k, v]) => (process.env[`INPUT_${k.toUpperCase()}`] = v));
    process.env.GITHUB_API_URL = gh.url;
    try {
      return await fn();
    } finally {
      keys.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
      delete process.env.GITHUB_API_URL;
    }
  };

  const report = await withInputs({}, () => afterGate(config, pr(false), run, comparison, 'REPORT'));
  assert.equal(report, 'REPORT', 'no dashboard-url: the report as it was');
  assert.deepEqual(gh.writes(), [], 'a pull request writes nothing by default');
  await withInputs({}, () => afterGate(config, nightly, run, comparison, 'REPORT'));
  assert.deepEqual((await logged()).map((g) => [g.pr, g.passed, g.reportUrl]), [[null, false, 'https://github.com/octo/widgets/actions/runs/77']]);
  await withInputs({ 'gate-log': 'all' }, () => afterGate(config, pr(true), run, comparison, 'REPORT'));
  assert.equal((await logged()).length, 1, 'a fork is never logged');
  const linked = await withInputs({ 'gate-log': 'all', 'dashboard-url': 'https://octo.github.io/widgets/' }, () => afterGate(config, pr(false), { ...run, createdAt: '2026-12-02T00:00:00.000Z' }, comparison, 'REPORT'));
  assert.deepEqual((await logged()).map((g) => g.pr), [null, 5]);
  assert.match(linked, /^REPORT\n\n📈 \[History dashboard\]\(<https:\/\/octo\.github\.io\/widgets\/>\): \[vllm\/chat-8\//);
  await assert.rejects(
    withInputs({ 'gate-log': 'sometimes' }, () => afterGate(config, nightly, run, comparison, 'REPORT')),
    /input "gate-log": expected one of trusted, all, off, got "sometimes"/,
  );
});

test('a damaged published data file is an error naming the file and the field, not a history started afresh', () => {
  const files = renderSite(readInputs((name) => ({ engines: 'sim', 'baseline-store': 'file' })[name] ?? ''), { baseline: syntheticHistory({ jobs: 3, engines: ['sim-vllm'], scenarios: ['chat-8'] }), gates: null, published: [] }, { title: 't', repoUrl: null, window: 100 });
  const [path, text] = [...files].find(([p]) => isKeyFile(p))!;
  assert.equal(parseKeyFile(text, path).runs.length, 6);
  assert.throws(() => parseKeyFile(text.replace(/"tpot_p50":\[[^\]]*\]/, '"tpot_p50":[1,2]'), path), new RegExp(`^Error: ${path.replace(/[.]/g, '\\.')}: values\\.chat-8\\.tpot_p50: expected 6 numbers or nulls, one per run$`));
  assert.throws(() => parseKeyFile(text.replace('"schema":"llm-perf-gate/dashboard-key@1"', '"schema":"x"'), path), /schema is "x", expected "llm-perf-gate\/dashboard-key@1"/);
  assert.throws(() => parseKeyFile('window.x = 1;', path), /not a dashboard data file/);
});
