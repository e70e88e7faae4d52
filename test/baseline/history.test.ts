import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASELINE_SCHEMA, baselineKey, DEFAULT_KEEP, parseBaselineDoc, recordRun, removedBy, serializeBaselineDoc, type BaselineDoc } from '../../src/baseline/history.ts';
import { METRICS } from '../../src/metrics/catalog.ts';
import { makeRun, NOMINAL } from '../helpers/make-run.ts';
import { INPUT_DEFAULTS } from '../../src/config/inputs.ts';
import { actionVersion } from '../../src/version.ts';

const run = (i: number, engines = ['sim-vllm', 'sim-hf']) =>
  makeRun({ engines, createdAt: `2026-05-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, sha: String(i % 10).repeat(40), values: (c) => NOMINAL[c.metric] * (1 + 0.01 * c.rep + 0.001 * i) });

test('recordRun keeps per key the per-repetition values and pooled values of every metric', () => {
  const r = run(0);
  const doc = recordRun(null, r);
  assert.equal(doc.schema, BASELINE_SCHEMA);
  assert.equal(doc.entries.length, 2);
  const [vllm, hf] = doc.entries;
  assert.equal(vllm.key, baselineKey(r.engines[0], r));
  assert.notEqual(vllm.key, hf.key, 'each engine has its own history');
  assert.equal(vllm.sha, '0'.repeat(40));
  assert.deepEqual(Object.keys(vllm.scenarios), ['chat', 'burst']);
  assert.deepEqual(Object.keys(vllm.scenarios.chat.values), METRICS.map((m) => m.name));
  const tpot = vllm.scenarios.chat.values.tpot_p50;
  assert.deepEqual(tpot, [20, 20 * 1.01, 20 * 1.02]);
  assert.ok(Math.abs(vllm.scenarios.chat.pooled.tpot_p50 - 20 * 1.01) < 1e-9);
});

test('a caller that names no number keeps what the history-keep input keeps: one default, not a smaller one', () => {
  assert.equal(INPUT_DEFAULTS['history-keep'], String(DEFAULT_KEEP));
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 12; i++) doc = recordRun(doc, makeRun({ createdAt: new Date(Date.UTC(2026, 4, 1, i)).toISOString(), sha: String(i % 10).repeat(40) }));
  assert.equal(doc!.entries.length, 12, 'twelve runs of one key, none trimmed');
});

test('the key separates model, scenario set and GPU, and ignores the software fingerprint', () => {
  const base = makeRun();
  const key = baselineKey(base.engines[0], base);
  assert.notEqual(baselineKey(makeRun({ model: 'other' }).engines[0], makeRun({ model: 'other' })), key);
  const otherSet = makeRun({ scenarioHash: 'hash-2' });
  assert.notEqual(baselineKey(otherSet.engines[0], otherSet), key);
  const otherGpu = makeRun({ fingerprint: () => ({ gpu: { name: 'NVIDIA A100-SXM4-80GB', count: 1, memoryMiB: 81_920, driver: '570.124.06', cuda: '12.8' } }) });
  assert.notEqual(baselineKey(otherGpu.engines[0], otherGpu), key);
  const newDriver = makeRun({ fingerprint: () => ({ gpu: { name: 'NVIDIA H100 80GB HBM3', count: 1, memoryMiB: 81_559, driver: '580.1', cuda: '13.0' } }) });
  assert.equal(baselineKey(newDriver.engines[0], newDriver), key, 'software changes are judged entry by entry, not by key');
});

test('recordRun trims each key to the last W entries, oldest first', () => {
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 13; i++) doc = recordRun(doc, run(i, i < 2 ? ['sim-vllm', 'sim-hf'] : ['sim-vllm']), 4);
  const vllm = doc!.entries.filter((e) => e.engine === 'sim-vllm');
  assert.deepEqual(
    vllm.map((e) => e.createdAt.slice(8, 10)),
    ['10', '11', '12', '13'],
  );
  assert.equal(doc!.entries.filter((e) => e.engine === 'sim-hf').length, 2, 'other keys keep their own window');
});

test('recordRun refuses the same results twice: they would count as more runs of the history', () => {
  const once = recordRun(null, run(0));
  assert.throws(() => recordRun(once, run(0)), /engine sim-vllm's run of 2026-05-01T00:00:00.000Z is already in the history/);
  assert.equal(recordRun(once, run(1)).entries.length, 2 * once.entries.length, 'a later job is still recorded');
});

test('recordRun refuses partial runs and failed engines', () => {
  assert.throws(() => recordRun(null, makeRun({ partial: true })), /cannot record a baseline from a partial run/);
  assert.throws(() => recordRun(null, makeRun({ engines: ['sim-vllm', 'sim-hf'], failed: ['sim-hf'] })), /engine sim-hf failed \(server exited with code 1/);
  assert.throws(() => recordRun(null, makeRun(), 0), /runs kept per key must be a whole number ≥ 1, got 0/);
});

test('each run of a job (independent engine start) is one entry: the run is the unit the gate compares', () => {
  const job = makeRun({ runs: 2, repetitions: 2, values: (c) => NOMINAL[c.metric] * (1 + 0.1 * c.run + 0.01 * c.rep) });
  const doc = recordRun(null, job);
  assert.equal(doc.entries.length, 2);
  assert.deepEqual(doc.entries[0].scenarios.chat.values.tpot_p50, [20, 20 * 1.01]);
  assert.deepEqual(doc.entries[1].scenarios.chat.values.tpot_p50, [2, 3].map((rep) => NOMINAL.tpot_p50 * (1 + 0.1 + 0.01 * rep)));
});

test('wrong values are refused on record, naming engine, run, repetition, scenario and metric', () => {
  const bad = (value: number) => makeRun({ runs: 2, repetitions: 2, values: (c) => (c.metric === 'tpot_p50' && c.run === 1 && c.rep === 3 && c.scenario === 'burst' ? value : NOMINAL[c.metric]) });
  assert.throws(() => recordRun(null, bad(NaN)), /cannot record a baseline: engine sim-vllm, run 2, repetition 3, scenario burst: tpot_p50 is NaN, expected a finite number above 0/);
  assert.throws(() => recordRun(null, bad(Infinity)), /tpot_p50 is Infinity/);
  assert.throws(() => recordRun(null, bad(-1)), /tpot_p50 is -1/);
  // 0 ms or 0 tok/s from a run that completed its requests was not measured; goodput 0 was.
  assert.throws(() => recordRun(null, bad(0)), /run 2, repetition 3, scenario burst: tpot_p50 is 0, expected a finite number above 0/);
  const zero = (metric: string) => makeRun({ values: (c) => (c.metric === metric && c.rep === 1 ? 0 : NOMINAL[c.metric]) });
  assert.throws(() => recordRun(null, zero('output_throughput')), /output_throughput is 0, expected a finite number above 0/);
  assert.throws(() => recordRun(null, zero('ttft_p50')), /ttft_p50 is 0, expected a finite number above 0/);
  assert.equal(recordRun(null, zero('goodput')).entries[0].scenarios.chat.values.goodput[1], 0);
  // An empty distribution (no request produced a TPOT) is a missing value, never 0.
  const empty = makeRun();
  const s = empty.engines[0].repetitions[1].scenarios[0] as { tpotMs: unknown };
  s.tpotMs = { n: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, min: 0, max: 0 };
  assert.throws(() => recordRun(null, empty), /engine sim-vllm, run 1, repetition 1, scenario chat: tpot_p50 has no value \(no request produced it\)/);
});

test('wrong values are refused on read, naming the file, the entry and the field', () => {
  const text = serializeBaselineDoc(recordRun(null, run(0)));
  const at = (v: string) => text.replace('"tpot_p50":[20,', `"tpot_p50":[${v},`);
  assert.throws(() => parseBaselineDoc(at('-3'), 'b.json'), /b\.json: entries\[0\]\.scenarios\.chat\.values\.tpot_p50\[0\]: expected TPOT p50 \(ms\) above 0 and at most \d+, got -3/);
  assert.throws(() => parseBaselineDoc(at('null'), 'b.json'), /b\.json: entries\[0\]\.scenarios\.chat\.values\.tpot_p50\[0\]: expected a finite number, got null/);
});

test('bounds and units of a capacity are read strictly: a flag per repetition value, of capacity only, with a unit of a search', () => {
  const text = serializeBaselineDoc(recordRun(null, run(0)));
  const chat = (extra: string) => text.replace('"pooled":{', `${extra},"pooled":{`);
  // The run's scenario has fixed-load metrics only: a bound on one of them cannot be stored.
  assert.throws(() => parseBaselineDoc(chat('"below":{"tpot_p50":[true,false,false]}'), 'b.json'), /b\.json: entries\[0\]\.scenarios\.chat\.below\.tpot_p50: only capacity can be a bound/);
  assert.throws(() => parseBaselineDoc(chat('"below":{"capacity":[true]}'), 'b.json'), /b\.json: entries\[0\]\.scenarios\.chat\.below\.capacity: expected one flag per repetition value of values\.capacity/);
  assert.throws(() => parseBaselineDoc(chat('"below":{"capacity":["yes"]}'), 'b.json'), /below\.capacity\[0\]: expected true or false, got "yes"/);
  assert.throws(() => parseBaselineDoc(chat('"units":{"capacity":"load"}'), 'b.json'), /b\.json: entries\[0\]\.scenarios\.chat\.units\.capacity: expected a unit of capacity \(req\/s or concurrent requests\), got "load"/);
});

test('serialize then parse gives the same document, one entry per line', () => {
  const doc = recordRun(recordRun(null, run(0)), run(1));
  const text = serializeBaselineDoc(doc);
  assert.equal(text.split('\n').length, 2 + doc.entries.length + 1);
  assert.deepEqual(parseBaselineDoc(text, 'baseline.json'), doc);
  assert.deepEqual(parseBaselineDoc(serializeBaselineDoc({ schema: BASELINE_SCHEMA, entries: [] }), 'x'), { schema: BASELINE_SCHEMA, entries: [] });
});

test('a corrupt document is an error naming the file, never an empty baseline', () => {
  assert.throws(() => parseBaselineDoc('{"schema": "llm-perf-gate/baseline@1", "entries": [', '/runner/_work/baseline.json'), (err: Error) => {
    assert.match(err.message, /^\/runner\/_work\/baseline\.json: not valid JSON/);
    assert.match(err.message, /left as it is/);
    return true;
  });
});

test('a document of another schema or shape is refused with the field that is wrong', () => {
  assert.throws(() => parseBaselineDoc('{"schema":"llm-perf-gate/baseline@2","entries":[]}', 'b.json'), /^Error: b\.json: schema: is "llm-perf-gate\/baseline@2", expected "llm-perf-gate\/baseline@1"/);
  assert.throws(() => parseBaselineDoc('[1,2]', 'b.json'), /b\.json: expected an object, got \[1,2\]/);
  assert.throws(() => parseBaselineDoc('{"schema":"llm-perf-gate/baseline@1"}', 'b.json'), /b\.json: entries: missing/);

  const good = JSON.parse(serializeBaselineDoc(recordRun(null, run(0))));
  const broken = structuredClone(good);
  broken.entries[1].scenarios.burst.values.tpot_p50[1] = 'fast';
  assert.throws(() => parseBaselineDoc(JSON.stringify(broken), 'b.json'), /b\.json: entries\[1\]\.scenarios\.burst\.values\.tpot_p50\[1\]: expected a finite number, got "fast"/);

  const ragged = structuredClone(good);
  ragged.entries[0].scenarios.chat.values.ttft_p95.pop();
  assert.throws(() => parseBaselineDoc(JSON.stringify(ragged), 'b.json'), /entries\[0\]\.scenarios\.chat\.values\.ttft_p95: has 2 repetition values, other metrics have 3/);

  const extra = structuredClone(good);
  extra.entries[0].note = 'hi';
  assert.throws(() => parseBaselineDoc(JSON.stringify(extra), 'b.json'), /entries\[0\]\.note: unknown field/);

  const moved = structuredClone(good);
  moved.entries[0].fingerprint.gpu.name = 'NVIDIA A10G';
  assert.throws(() => parseBaselineDoc(JSON.stringify(moved), 'b.json'), /entries\[0\]\.key: is ".*" but its engine, model, scenario set and GPU give/);

  const noDate = structuredClone(good);
  noDate.entries[0].createdAt = 'yesterday';
  assert.throws(() => parseBaselineDoc(JSON.stringify(noDate), 'b.json'), /entries\[0\]\.createdAt: expected an ISO date, got "yesterday"/);
});

test('a field written by a newer llm-perf-gate names that version and the one that reads it, not a repair by hand', () => {
  const good = JSON.parse(serializeBaselineDoc(recordRun(null, run(0))));
  const newer = structuredClone(good);
  newer.entries[1].fingerprint.actionVersion = '99.2.0';
  newer.entries[1].scenarios.chat.spread = { ttft_p50: 0.1 };
  assert.throws(
    () => parseBaselineDoc(JSON.stringify(newer), 'b.json'),
    new RegExp(`^Error: b\\.json: entries\\[1\\]\\.scenarios\\.chat\\.spread: unknown field; expected one of: .*; the entry was written by llm-perf-gate 99\\.2\\.0, newer than this ${actionVersion().replaceAll('.', '\\.')} \\(the stored baseline is left as it is; read it with 99\\.2\\.0 or newer\\)$`),
  );
  // Written by this version or an older one, the same field is damage: no version is blamed.
  for (const writer of [actionVersion(), '0.0.9', 'dev']) {
    const same = structuredClone(newer);
    same.entries[1].fingerprint.actionVersion = writer;
    assert.throws(() => parseBaselineDoc(JSON.stringify(same), 'b.json'), (err: Error) => /spread: unknown field; expected one of: [^;]*\(the stored baseline is left as it is; fix or remove it by hand\)$/.test(err.message), writer);
  }
});

test('fields a newer fingerprint collector adds pass through', () => {
  const good = JSON.parse(serializeBaselineDoc(recordRun(null, run(0))));
  good.entries[0].fingerprint.kernel = '6.8.0';
  const doc = parseBaselineDoc(JSON.stringify(good), 'b.json');
  assert.equal((doc.entries[0].fingerprint as unknown as { kernel: string }).kernel, '6.8.0');
});

test('tampered values outside their metric\'s range are refused on read, naming the file and the value', () => {
  const doc = recordRun(null, run(0));
  const first = doc.entries[0];
  const scenario = Object.keys(first.scenarios)[0];
  const cases: [string, 'values' | 'pooled', number, RegExp][] = [
    ['ttft_p50', 'values', -5, /expected TTFT p50 \(ms\) above 0 and at most 100000000, got -5/],
    ['ttft_p50', 'values', 0, /expected TTFT p50 \(ms\) above 0 and at most 100000000, got 0/],
    ['e2el_p50', 'pooled', 1e300, /expected E2E latency p50 \(ms\) above 0 and at most 100000000, got 1e\+300/],
    ['output_throughput', 'values', -1, /expected Output tokens\/s \(tok\/s\) above 0 and at most 1000000000, got -1/],
    ['output_throughput', 'values', 0, /expected Output tokens\/s \(tok\/s\) above 0 and at most 1000000000, got 0/],
    ['request_throughput', 'pooled', 0, /expected Requests\/s \(req\/s\) above 0 and at most 10000000, got 0/],
    ['goodput', 'values', -1, /expected Goodput \(req\/s\) ≥ 0 and at most 10000000, got -1/],
  ];
  for (const [metric, where, bad, message] of cases) {
    const tampered = structuredClone(doc) as unknown as { entries: { scenarios: Record<string, { values: Record<string, number[]>; pooled: Record<string, number> }> }[] };
    const s = tampered.entries[0].scenarios[scenario];
    if (where === 'values') s.values[metric][0] = bad;
    else s.pooled[metric] = bad;
    const path = where === 'values' ? `entries[0].scenarios.${scenario}.values.${metric}[0]` : `entries[0].scenarios.${scenario}.pooled.${metric}`;
    assert.throws(
      () => parseBaselineDoc(serializeBaselineDoc(tampered as unknown as BaselineDoc), '/runner/_work/baseline.json'),
      (err: Error) => err.message.startsWith(`/runner/_work/baseline.json: ${path}: `) && message.test(err.message),
      `${metric}=${bad}`,
    );
  }
});

test('a history holding the same run twice is an error on read naming the copies', () => {
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 3; i++) doc = recordRun(doc, makeRun({ createdAt: `2026-05-0${i + 1}T00:00:00.000Z`, sha: String(i).repeat(40) }));
  const doubled = { ...doc!, entries: [...doc!.entries, ...doc!.entries] };
  assert.throws(
    () => parseBaselineDoc(serializeBaselineDoc(doubled), 'b.json'),
    (err: Error) =>
      err.message.startsWith('b.json: entries: 3 duplicated run(s), which would count as more runs than were measured: entries[3] repeats entries[0] (engine sim-vllm, 2026-05-01T00:00:00.000Z, commit 000000000000); entries[4] repeats entries[1]'),
  );
  // Runs alike but for their time are distinct runs.
  assert.equal(parseBaselineDoc(serializeBaselineDoc(doc!), 'b.json').entries.length, 3);
});

test('two runs of one job that measured the same values are two runs, read back; the same run stored twice is still refused', () => {
  // A capacity search can land on the same bracket in every engine start (vLLM's chat capacity did
  // on the H100): its runs then agree in every value, and only their run number tells them apart.
  const job = makeRun({ runs: 2, repetitions: 2, values: (c) => NOMINAL[c.metric] });
  const doc = recordRun(null, job);
  assert.deepEqual(doc.entries.map((e) => e.run), [1, 2]);
  assert.equal(parseBaselineDoc(serializeBaselineDoc(doc), 'b.json').entries.length, 2);
  const doubled = { ...doc, entries: [...doc.entries, doc.entries[1]] };
  assert.throws(() => parseBaselineDoc(serializeBaselineDoc(doubled), 'b.json'), /b\.json: entries: 1 duplicated run\(s\).*entries\[2\] repeats entries\[1\]/);
  const badRun = { ...doc, entries: [{ ...doc.entries[0], run: 0 }] };
  assert.throws(() => parseBaselineDoc(serializeBaselineDoc(badRun), 'b.json'), /b\.json: entries\[0\]\.run: expected a whole number ≥ 1/);
});

test('recording keeps `keep` runs per key and removedBy names exactly those that went', () => {
  let doc: BaselineDoc | null = null;
  for (let i = 0; i < 5; i++) doc = recordRun(doc, makeRun({ createdAt: `2026-05-0${i + 1}T00:00:00.000Z` }), 100);
  const next = recordRun(doc, makeRun({ createdAt: '2026-05-09T00:00:00.000Z' }), 3);
  assert.deepEqual(removedBy(doc, next).map((e) => e.createdAt), ['2026-05-01T00:00:00.000Z', '2026-05-02T00:00:00.000Z', '2026-05-03T00:00:00.000Z']);
  assert.deepEqual(removedBy(doc, recordRun(doc, makeRun({ createdAt: '2026-05-09T00:00:00.000Z' }), 100)), []);
});
