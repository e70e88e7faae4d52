import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeBaselineDoc } from '../../src/baseline/history.ts';
import { appendGate, falseAlarmRates, markFalseAlarm, parseGatesDoc, serializeGatesDoc, type GateRecord } from '../../src/dashboard/gates.ts';
import { packageRoot } from '../../src/paths.ts';
import { realHistory, twoEngineRegression } from '../report/real-history.ts';

// False alarms fed back, through the CLI as a maintainer uses it: a gate that failed is logged
// beside the baseline by `compare`, `mark-false-alarm` marks it, the dashboard counts it; and the
// baseline history is byte for byte what it was, so a marked run never becomes the baseline.

const cli = join(packageRoot(), 'src', 'cli.ts');
const llmPerfGate = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

test('a failed gate is logged beside the baseline, marked a false alarm from the CLI, and counted on the dashboard; the baseline is untouched', { timeout: 240_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'false-alarm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const baseline = join(dir, 'baseline.json');
  writeFileSync(baseline, serializeBaselineDoc(realHistory()));
  const run = twoEngineRegression();
  writeFileSync(join(dir, 'current.json'), JSON.stringify({ ...run, source: { ...run.source, sha: SHA } }));
  const before = readFileSync(baseline);

  const gate = llmPerfGate('compare', '--baseline', baseline, '--current', join(dir, 'current.json'), '--out', join(dir, 'out'), '--mode', 'pr');
  assert.equal(gate.status, 3, gate.stderr + gate.stdout);
  assert.match(gate.stdout, /gate log: .*baseline\.gates\.json/);
  const logged = parseGatesDoc(readFileSync(join(dir, 'baseline.gates.json'), 'utf8'), 'gate log');
  assert.equal(logged.gates.length, 1);
  assert.equal(logged.gates[0].passed, false);
  assert.equal(logged.gates[0].sha, SHA);
  assert.ok(logged.gates[0].engines.find((e) => e.engine === 'vllm')!.regressions.some((c) => c.startsWith('chat-8/')));

  const mark = llmPerfGate('mark-false-alarm', '--baseline', baseline, '--sha', SHA.slice(0, 7), '--by', 'maintainer', '--note', 'noisy neighbour');
  assert.equal(mark.status, 0, mark.stderr);
  assert.match(mark.stdout, /marked commit abcdef0 as a false alarm \(the baseline history is unchanged\)/);
  const marked = parseGatesDoc(readFileSync(join(dir, 'baseline.gates.json'), 'utf8'), 'gate log');
  assert.deepEqual({ ...marked.gates[0].falseAlarm, at: 'x' }, { at: 'x', by: 'maintainer', note: 'noisy neighbour' });
  assert.deepEqual(readFileSync(baseline), before, 'the baseline history is byte for byte unchanged');

  const again = llmPerfGate('mark-false-alarm', '--baseline', baseline);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^llm-perf-gate: mark a false alarm: the newest failed gate, at .*, is already marked \(by maintainer at .*\)\n$/);
  const unknown = llmPerfGate('mark-false-alarm', '--baseline', baseline, '--pr', '7');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /the gate log has no gate for pull request #7/);

  const site = join(dir, 'site');
  const dash = llmPerfGate('dashboard', '--baseline', baseline, '--out', site);
  assert.equal(dash.status, 0, dash.stderr);
  const index = JSON.parse(/^LPG\.index\(([\s\S]*)\);\s*$/.exec(readFileSync(join(site, 'data', 'index.js'), 'utf8'))![1]) as { falseAlarms: unknown[]; gates: GateRecord[] };
  assert.deepEqual(index.falseAlarms.find((r) => (r as { engine: string }).engine === 'vllm'), { engine: 'vllm', judged: 1, alarms: 1, falseAlarms: 1, observed: 1, nominal: 0.01 });
  assert.equal(index.gates[0].falseAlarm?.by, 'maintainer');
  assert.deepEqual(readFileSync(baseline), before);
});

const record = (i: number, passed: boolean, pr: number | null): GateRecord => ({
  createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`,
  sha: String(i % 10).repeat(40),
  ref: null,
  mode: 'pr',
  pr,
  reportUrl: null,
  passed,
  alpha: 0.01,
  engines: [{ engine: 'vllm', regressions: passed ? [] : ['chat-8/tpot_p50'] }],
  falseAlarm: null,
});

test('only a failed gate can be marked; the newest of a pull request is; the rate counts every judged gate', () => {
  let doc = appendGate(null, record(0, false, 12));
  doc = appendGate(doc, record(1, false, 12));
  doc = appendGate(doc, record(2, true, 13));
  assert.throws(() => markFalseAlarm(doc, { pr: 13 }, { at: 'now', by: 'me', note: '' }), /every gate of pull request #13 passed; only a failed gate can be a false alarm/);
  assert.throws(() => markFalseAlarm(doc, { sha: 'xyz' }, { at: 'now', by: 'me', note: '' }), /a commit sha is 7 to 40 hex digits, got "xyz"/);
  const marked = markFalseAlarm(doc, { pr: 12 }, { at: 'now', by: 'me', note: '' });
  assert.deepEqual(
    marked.gates.map((g) => g.falseAlarm?.by ?? null),
    [null, 'me', null],
  );
  assert.deepEqual(falseAlarmRates(marked), [{ engine: 'vllm', judged: 3, alarms: 2, falseAlarms: 1, observed: 1 / 3, nominal: 0.01 }]);
  // The same job logged twice (a re-run of the step) stays one record.
  assert.equal(appendGate(marked, record(2, true, 13)).gates.length, 3);
  assert.deepEqual(parseGatesDoc(serializeGatesDoc(marked), 'x'), marked);
});

test('a damaged gate log is an error naming the file and the field, never a fresh start', () => {
  const good = serializeGatesDoc(appendGate(null, record(0, false, 1)));
  assert.throws(() => parseGatesDoc(good.replace('"passed":false', '"passed":"no"'), 'gates.json'), /^Error: gates\.json: gates\[0\]\.passed: expected true or false, got "no" \(the gate log is left as it is; fix or remove it by hand\)$/);
  assert.throws(() => parseGatesDoc('{"schema":"llm-perf-gate/gates@0","gates":[]}', 'gates.json'), /gates\.json: schema: is "llm-perf-gate\/gates@0", expected "llm-perf-gate\/gates@1"/);
  assert.throws(() => parseGatesDoc('{', 'gates.json'), /gates\.json: not valid JSON/);
});
