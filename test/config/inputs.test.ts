import { DASHBOARD_INPUT_DEFAULTS } from '../../src/dashboard/action.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defaultScenarioFile, INPUT_DEFAULTS, parseTolerances, PR_TIME_BUDGET_S, readInputs, splitArgs } from '../../src/config/inputs.ts';
import { packageRoot } from '../../src/paths.ts';

/** getInput as @actions/core has it: '' for an input that is not set. */
function inputs(values: Record<string, string>): (name: string) => string {
  return (name) => values[name] ?? '';
}

const MODEL = { model: 'Qwen/Qwen2.5-7B-Instruct' };

function problem(values: Record<string, string>): string {
  try {
    readInputs(inputs({ ...MODEL, ...values }));
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail(`accepted ${JSON.stringify(values)}`);
}

test('defaults give a complete, frozen config', () => {
  const c = readInputs(inputs(MODEL));
  assert.deepEqual(
    { ...c, engines: c.engines.map((e) => e.label) },
    {
      engines: ['vllm', 'transformers'],
      model: 'Qwen/Qwen2.5-7B-Instruct',
      scenarios: join(packageRoot(), 'scenarios', 'default.yml'),
      repetitions: 2,
      mode: 'pr',
      baselineStore: 'branch',
      baselinePath: '.perf/baseline.json',
      baselineBranch: 'perf-baselines',
      tolerances: {},
      githubToken: '',
      gpuMemoryUtilization: null,
      comment: 'always',
      failOn: 'regression',
      missingBaseline: 'auto',
      seed: 1,
      allowFingerprintMismatch: false,
      python: 'python3',
      vllmArgs: [],
      transformersArgs: [],
      simArgs: [],
      startupTimeoutS: 900,
      allowForkPrs: false,
      shard: { index: 1, count: 1 },
      resultsDir: '.perf/out',
      history: 60,
      historyKeep: 1000,
      confidence: 0.99,
      warmupRepetitions: 1,
      warmStart: false,
      runs: 2,
      maxRuns: 16,
      timeBudgetS: 3600,
      maxFailureRate: 0,
      baseUrl: null,
      apiKey: '',
      customCommand: null,
      customReadyPath: null,
    },
  );
  assert.equal(c.scenarios, defaultScenarioFile());
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.engines) && Object.isFrozen(c.shard) && Object.isFrozen(c.vllmArgs));
  assert.throws(() => {
    (c as { repetitions: number }).repetitions = 9;
  }, TypeError);
});

test('every input is parsed into its typed value', () => {
  const c = readInputs(
    inputs({
      engines: ' sim , vllm ',
      model: '/models/qwen',
      scenarios: 'perf/scenarios.yml',
      repetitions: '5',
      mode: 'schedule',
      'baseline-store': 'file',
      'baseline-path': '/var/lib/perf/baseline.json',
      'baseline-branch': 'perf/baselines-v2',
      tolerances: 'ttft_p50=0.05, tpot_p50=10%',
      'github-token': 'ghs_x',
      comment: 'on-regression',
      'fail-on': 'inconclusive',
      'missing-baseline': 'fail',
      seed: '42',
      'allow-fingerprint-mismatch': 'true',
      python: '/opt/venv/bin/python',
      'vllm-args': '--max-model-len 8192 --chat-template "my template.jinja"',
      'transformers-args': "--attn-implementation 'sdpa'",
      'sim-args': '--slowdown 1.5',
      'startup-timeout': '1200.5',
      'gpu-memory-utilization': '0.27',
      'allow-fork-prs': 'True',
      shard: '2/3',
      'results-dir': 'out',
      history: '20',
      'max-runs': '6',
      'time-budget': '15m',
    }),
  );
  assert.deepEqual(c.engines.map((e) => e.label), ['sim-vllm', 'sim-transformers', 'vllm']);
  assert.equal(c.model, '/models/qwen');
  assert.equal(c.scenarios, 'perf/scenarios.yml');
  assert.equal(c.repetitions, 5);
  assert.equal(c.gpuMemoryUtilization, 0.27);
  assert.equal(c.mode, 'schedule');
  assert.equal(c.baselineStore, 'file');
  assert.equal(c.baselinePath, '/var/lib/perf/baseline.json');
  assert.equal(c.baselineBranch, 'perf/baselines-v2');
  assert.deepEqual(c.tolerances, { ttft_p50: 0.05, tpot_p50: 0.1 });
  assert.equal(c.githubToken, 'ghs_x');
  assert.equal(c.comment, 'on-regression');
  assert.equal(c.failOn, 'inconclusive');
  assert.equal(c.missingBaseline, 'fail');
  assert.equal(c.seed, 42);
  assert.equal(c.allowFingerprintMismatch, true);
  assert.equal(c.python, '/opt/venv/bin/python');
  assert.deepEqual(c.vllmArgs, ['--max-model-len', '8192', '--chat-template', 'my template.jinja']);
  assert.deepEqual(c.transformersArgs, ['--attn-implementation', 'sdpa']);
  assert.deepEqual(c.simArgs, ['--slowdown', '1.5']);
  assert.equal(c.startupTimeoutS, 1200.5);
  assert.equal(c.allowForkPrs, true);
  assert.deepEqual(c.shard, { index: 2, count: 3 });
  assert.equal(c.resultsDir, 'out');
  assert.equal(c.history, 20);
  assert.equal(c.maxRuns, 6);
  assert.equal(c.timeBudgetS, 900);
  assert.equal(readInputs(inputs({ engines: 'sim', 'max-runs': '4', 'time-budget': '1.5h' })).timeBudgetS, 5400);
  assert.equal(readInputs(inputs({ engines: 'sim', 'max-runs': '4', 'time-budget': '90' })).timeBudgetS, 90);
});

test('time-budget: an hour by default where the sequential design is on in pr mode, none elsewhere; none or a duration overrides it', () => {
  const budget = (values: Record<string, string>): number | null => readInputs(inputs({ engines: 'sim', ...values })).timeBudgetS;
  assert.equal(PR_TIME_BUDGET_S, 3600);
  assert.equal(budget({}), 3600, 'pr mode, max-runs empty (16): the design is on');
  assert.equal(budget({ 'max-runs': '8' }), 3600);
  assert.equal(budget({ 'max-runs': '0' }), null, 'design off: nothing to bound');
  assert.equal(budget({ runs: '16' }), null, 'max-runs 16 not above runs 16: off');
  for (const mode of ['schedule', 'release', 'baseline']) {
    assert.equal(budget({ mode }), null, mode);
    assert.equal(budget({ mode, 'max-runs': '6' }), null, `${mode} with max-runs: no default budget`);
  }
  assert.equal(budget({ 'time-budget': 'none' }), null, 'none: max-runs alone bounds the job');
  assert.equal(budget({ 'time-budget': 'none', 'max-runs': '0' }), null, 'none needs no max-runs');
  assert.equal(budget({ 'time-budget': '2h' }), 7200);
  assert.equal(budget({ mode: 'schedule', 'max-runs': '6', 'time-budget': '30m' }), 1800);
});

test('simulated engines need no model; real ones do', () => {
  assert.equal(readInputs(inputs({ engines: 'sim' })).model, null);
  assert.match(problem({ engines: 'sim,vllm', model: '' }), /input "model": required for vllm: give a Hugging Face model id or a local path/);
  assert.match(problem({ model: '' }), /input "model": required for vllm and transformers/);
});

test('each bad input is named with what it accepts', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ engines: 'vllm,tgi' }, /input "engines": unknown engine "tgi"; expected a comma-separated list of .*sim-transformers/],
    [{ engines: ' , ' }, /input "engines": no engine given/],
    [{ model: 'a\nb' }, /input "model": expected a model id or path on one line/],
    [{ repetitions: '1' }, /input "repetitions": expected a whole number from 2 to 1000, got "1"/],
    [{ repetitions: '2.5' }, /input "repetitions": expected a whole number/],
    [{ repetitions: 'three' }, /input "repetitions": expected a whole number/],
    [{ confidence: '95%' }, /input "confidence": expected a number from 0.5 to 0.9999, e.g. 0.99, got "95%"/],
    [{ confidence: '0.3' }, /input "confidence": expected a number from 0.5 to 0.9999/],
    [{ runs: '0' }, /input "runs": expected a whole number from 1 to 100, got "0"/],
    [{ 'max-failure-rate': '5%' }, /input "max-failure-rate": expected a share from 0 to 1, e.g. 0.05 for 5%, got "5%"/],
    [{ 'max-failure-rate': '1.5' }, /input "max-failure-rate": expected a share from 0 to 1/],
    [{ mode: 'nightly' }, /input "mode": expected one of pr, schedule, release, baseline, aggregate, got "nightly"/],
    [{ 'baseline-store': 'git' }, /input "baseline-store": expected one of file, branch, got "git"/],
    [{ 'baseline-path': 'a\nb' }, /input "baseline-path": expected a file path/],
    [{ 'baseline-branch': 'perf..base' }, /input "baseline-branch": expected a valid git branch name/],
    [{ 'baseline-branch': 'perf base' }, /input "baseline-branch": expected a valid git branch name/],
    [{ 'baseline-branch': '-x' }, /input "baseline-branch": expected a valid git branch name/],
    [{ tolerances: 'ttft_p5=0.1' }, /input "tolerances": ttft_p5: unknown metric name \(did you mean "ttft_p50" or "ttft_p95"\?\); expected one of: output_throughput/],
    [{ tolerances: 'ttft_p50=-1' }, /input "tolerances": ttft_p50: expected a number from 0 to 0\.99 \(a fraction: 0\.05 = 5%\), got -1/],
    // The comparison refuses a tolerance of 1 or more: refused here, before any engine starts.
    [{ tolerances: 'output_throughput=150%' }, /input "tolerances": output_throughput: expected a number from 0 to 0\.99 \(a fraction: 0\.05 = 5%\), got 1\.5/],
    [{ tolerances: 'ttft_p50=fast' }, /input "tolerances": ttft_p50: expected a number from 0 to 0\.99/],
    [{ tolerances: '[1, 2]' }, /input "tolerances": expected metric=value pairs .* or a YAML mapping/],
    [{ tolerances: 'ttft_p50: [' }, /input "tolerances": not "metric=value,\.\.\." pairs nor YAML/],
    [{ comment: 'sometimes' }, /input "comment": expected one of always, on-regression, never/],
    [{ 'fail-on': 'any' }, /input "fail-on": expected one of regression, inconclusive, never/],
    [{ 'missing-baseline': 'ignore' }, /input "missing-baseline": expected one of fail, warn, auto, got "ignore"/],
    [{ seed: '-1' }, /input "seed": expected a whole number from 0 to \d+, got "-1"/],
    [{ seed: '1e3' }, /input "seed": expected a whole number/],
    [{ 'allow-fingerprint-mismatch': 'yes' }, /input "allow-fingerprint-mismatch": expected true or false, got "yes"/],
    [{ 'vllm-args': '--name "unclosed' }, /input "vllm-args": unterminated double quote/],
    [{ 'transformers-args': "--x 'unclosed" }, /input "transformers-args": unterminated single quote/],
    [{ 'sim-args': '--x \\' }, /input "sim-args": a trailing backslash/],
    // Engine arguments are checked by the engines' adapters here, before any engine starts.
    [{ engines: 'sim', 'sim-args': '--slowdwn 1.05' }, /input "sim-args": unknown argument "--slowdwn": expected one of --profile, --slowdown/],
    [{ engines: 'sim-vllm', 'sim-args': '--slowdown 0' }, /input "sim-args": --slowdown "0" is invalid: expected a number > 0/],
    [{ 'vllm-args': '--served-model-name "qwen chat"' }, /input "vllm-args": engine argument --served-model-name is set by llm-perf-gate itself/],
    [{ 'transformers-args': '--port=9' }, /input "transformers-args": engine argument --port is set by llm-perf-gate itself/],
    [{ 'startup-timeout': '0' }, /input "startup-timeout": expected a number of seconds above 0/],
    [{ 'startup-timeout': '5m' }, /input "startup-timeout": expected a number of seconds/],
    [{ 'gpu-memory-utilization': '1.5' }, /input "gpu-memory-utilization": expected a share of the GPU above 0 and at most 1, e.g. 0.9, got "1.5"/],
    [{ 'gpu-memory-utilization': '0' }, /input "gpu-memory-utilization": expected a share of the GPU above 0/],
    [{ 'allow-fork-prs': 'yes' }, /input "allow-fork-prs": expected true or false, got "yes"/],
    [{ shard: '3/2' }, /input "shard": expected "i\/n" with 1 ≤ i ≤ n/],
    [{ shard: 'all' }, /input "shard": expected "i\/n"/],
    [{ 'results-dir': 'a\rb' }, /input "results-dir": expected a directory path/],
    [{ history: '0' }, /input "history": expected a whole number from 1 to 1000/],
    [{ 'max-runs': '101' }, /input "max-runs": expected a whole number from 0 to 100, got "101"/],
    [{ 'max-runs': '6', 'time-budget': '15 minutes' }, /input "time-budget": expected a duration above 0 and at most 24 h, in seconds or with a unit \(e.g. 900, 15m, 1h\), or none for no limit but max-runs, got "15 minutes"/],
    [{ 'max-runs': '6', 'time-budget': '0s' }, /input "time-budget": expected a duration above 0 .*or none for no limit but max-runs, got "0s"/],
    [{ 'time-budget': '0' }, /input "time-budget": expected a duration above 0 .*or none for no limit but max-runs, got "0"/],
    [{ 'time-budget': 'None' }, /input "time-budget": expected a duration .*or none for no limit/],
    [{ 'max-runs': '0', 'time-budget': '15m' }, /input "time-budget": needs "max-runs" above "runs" \(2\), the most runs the budget may buy, got max-runs 0/],
  ];
  for (const [values, expected] of cases) assert.match(problem(values), expected, JSON.stringify(values));
});

test('all problems are reported at once', () => {
  const message = problem({ repetitions: '1', mode: 'x', shard: '0/1', tolerances: 'nope=1,goodput=20' });
  assert.match(message, /^invalid action inputs:\n- /);
  for (const input of ['repetitions', 'mode', 'shard']) assert.match(message, new RegExp(`- input "${input}"`));
  assert.match(message, /- input "tolerances": nope: unknown metric name/);
  assert.match(message, /- input "tolerances": goodput: expected a number from 0 to 0\.99/);
});

test('tolerances accept pairs, percentages and YAML (block or flow)', () => {
  assert.deepEqual(parseTolerances('ttft_p50=0.05,tpot_p50=10%,'), { ttft_p50: 0.05, tpot_p50: 0.1 });
  assert.deepEqual(parseTolerances('ttft_p50=0.05\ngoodput=0.2\n'), { ttft_p50: 0.05, goodput: 0.2 });
  assert.deepEqual(parseTolerances('ttft_p50: 0.05\ngoodput: 7.5%\n'), { ttft_p50: 0.05, goodput: 0.075 });
  assert.deepEqual(parseTolerances('{itl_p95: 0.1}'), { itl_p95: 0.1 });
  assert.deepEqual(parseTolerances('  '), {});
});

test('argument splitting honours quotes and escapes and expands nothing', () => {
  assert.deepEqual(splitArgs(`--a "b c" 'd e' f\\ g "x\\"y" 'it''s' "$HOME" \\$PATH`), ['--a', 'b c', 'd e', 'f g', 'x"y', 'its', '$HOME', '$PATH']);
  assert.deepEqual(splitArgs('--one \\\n  --two\t"" \'\''), ['--one', '--two', '', '']);
  assert.deepEqual(splitArgs('  '), []);
  assert.deepEqual(splitArgs(`--json '{"a": [1, 2]}'`), ['--json', '{"a": [1, 2]}']);
});

test('action.yml declares exactly the inputs readInputs reads, with the same defaults', () => {
  const action = parseYaml(readFileSync(join(packageRoot(), 'action.yml'), 'utf8')) as {
    inputs: Record<string, { description: string; default?: string }>;
    outputs: Record<string, { description: string }>;
    runs: Record<string, string>;
  };
  const read: string[] = [];
  readInputs((name) => {
    read.push(name);
    return MODEL[name as keyof typeof MODEL] ?? '';
  });
  assert.deepEqual(Object.keys(action.inputs).sort(), [...new Set([...read, ...Object.keys(DASHBOARD_INPUT_DEFAULTS)])].sort());
  for (const [name, value] of Object.entries({ ...INPUT_DEFAULTS, ...DASHBOARD_INPUT_DEFAULTS })) assert.equal(action.inputs[name]?.default, value, `default of ${name}`);
  for (const [name, input] of Object.entries(action.inputs)) assert.ok(input.description.length > 20, `${name} has a description`);
  assert.equal(action.inputs['github-token'].default, '${{ github.token }}');
  assert.deepEqual(Object.keys(action.outputs).sort(), ['comment-url', 'dashboard-path', 'regressions', 'report-path', 'results-path', 'verdict']);
  assert.deepEqual(action.runs, { using: 'node24', main: 'dist/index.js', post: 'dist/post/index.js' });
});
