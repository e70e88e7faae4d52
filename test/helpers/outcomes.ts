// Every gate outcome, as a current run and a baseline folder on disk, for the tests that hold the
// vocabulary through the CLI (test/cli/vocabulary.test.ts) and the action bundle
// (test/action/vocabulary.test.ts). The real cases gate run 4 of the H200 vLLM history against
// runs 1–3 (test/fixtures/h200-vllm-0.22); the simulated ones use generated runs with a small
// deterministic noise, where a pass is reachable (on the real history run 4 stays inconclusive at
// any tolerance the comparison accepts: the history is three runs). Each case says what every door
// must say under each fail-on value.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HISTORY_MARKER } from '../../src/baseline/file-store.ts';
import { recordRun, serializeBaselineDoc, type BaselineDoc } from '../../src/baseline/history.ts';
import type { RunResult } from '../../src/types.ts';
import { makeRun, NOMINAL, type Cell } from './make-run.ts';
import { realHistory, realRun, twoEngineRegression } from '../report/real-history.ts';

export const FAIL_ON = ['regression', 'inconclusive', 'never'] as const;
export type FailOnValue = (typeof FAIL_ON)[number];

export interface Expected {
  /** The check fails: CLI exit 3, the action's step exit 1. */
  readonly failed: boolean;
  readonly icon: '✅' | '❌' | '⚠️';
  /** The `verdict` output (a pass: no-change or improvement). */
  readonly verdict: RegExp;
  /** The title after "<title>: ". */
  readonly headline: RegExp;
}

export interface OutcomeCase {
  readonly name: string;
  readonly current: RunResult;
  /** What the baseline folder holds: a history, nothing (a new store), or the marker of a lost history. */
  readonly baseline: { readonly kind: 'history'; readonly doc: BaselineDoc } | { readonly kind: 'none' } | { readonly kind: 'lost' };
  /** Extra gate settings (flags without --, action inputs as named). */
  readonly settings?: Readonly<Record<string, string>>;
  readonly expect: (failOn: FailOnValue) => Expected;
}

// ---------- simulated runs ----------

/** A steady figure per metric with ±0.5% of deterministic wobble per repetition and run. */
function steady(factor: number, salt: number) {
  return (c: Cell): number => {
    const wobble = 1 + 0.005 * Math.sin(salt * 7.1 + c.rep * 3.3 + c.run * 1.7 + c.metric.length);
    const slower = /throughput|goodput/.test(c.metric) ? 1 / factor : factor;
    return NOMINAL[c.metric] * wobble * slower;
  };
}

function simHistory(): BaselineDoc {
  let doc: BaselineDoc | null = null;
  for (let job = 0; job < 8; job++) {
    doc = recordRun(doc, makeRun({ runs: 2, repetitions: 2, values: steady(1, job), sha: String(job).repeat(40), createdAt: `2026-06-0${job + 1}T00:00:00.000Z` }), 60);
  }
  return doc!;
}

const simRun = (factor: number): RunResult => makeRun({ runs: 2, repetitions: 2, values: steady(factor, 99), sha: 'f'.repeat(40) });

// ---------- real runs ----------

function failedEngine(run: RunResult, error: string): RunResult {
  return { ...run, partial: true, engines: run.engines.map((e) => ({ ...e, status: 'failed', error, logTail: null, pooled: [], repetitions: [] })) };
}

function otherDriver(run: RunResult): RunResult {
  return { ...run, engines: run.engines.map((e) => ({ ...e, fingerprint: { ...e.fingerprint, gpu: { ...e.fingerprint.gpu!, driver: '999.1.1' } } })) };
}

// ---------- what each outcome must say ----------

const failing = (headline: RegExp, verdict: RegExp): Expected => ({ failed: true, icon: '❌', verdict, headline });
const warning = (headline: RegExp, verdict: RegExp): Expected => ({ failed: false, icon: '⚠️', verdict, headline });

export function outcomeCases(): OutcomeCase[] {
  const real = { kind: 'history' as const, doc: realHistory() };
  const regression = (f: FailOnValue): Expected =>
    f === 'never' ? warning(/^\d+ regressions? .*\(not failing: fail-on never\)$/, /^regression$/) : failing(/^failed — \d+ regressions?/, /^regression$/);
  const noBaseline = (): Expected => warning(/^no baseline yet, nothing compared \(.*\) \(not failing: missing-baseline auto, and this store has never been written\)$/, /^no-baseline$/);
  const lost = (f: FailOnValue): Expected =>
    f === 'never' ? warning(/^baseline missing, nothing compared .*\(not failing: fail-on never\)$/, /^missing-baseline$/) : failing(/^failed — baseline missing, nothing compared/, /^missing-baseline$/);
  return [
    {
      name: 'real H200 history: inconclusive (run 4 against runs 1–3)',
      current: realRun(4),
      baseline: real,
      expect: (f) =>
        f === 'inconclusive'
          ? failing(/^failed — inconclusive — \d+ cells undecided; more runs per job and more baseline runs would settle them$/, /^inconclusive$/)
          : warning(new RegExp(`^inconclusive — \\d+ cells undecided; more runs per job and more baseline runs would settle them \\(not failing: fail-on ${f}\\)$`), /^inconclusive$/),
    },
    { name: 'real H200 history: regression (chat-8 decoding 15% slower)', current: twoEngineRegression(), baseline: real, expect: regression },
    { name: 'real H200 history: an engine failed', current: failedEngine(realRun(4), 'server exited with code 1'), baseline: real, expect: () => failing(/^failed — 1 engine failed/, /^error$/) },
    { name: 'real H200 history: cancelled', current: failedEngine(realRun(4), 'cancelled'), baseline: real, expect: () => failing(/^failed — cancelled$/, /^cancelled$/) },
    {
      name: 'real H200 history: not comparable (another driver)',
      current: otherDriver(realRun(4)),
      baseline: real,
      expect: () => warning(/^no comparable baseline, nothing compared \(.*\) \(not failing: missing-baseline auto fails only a store that lost its baseline\)$/, /^not-comparable$/),
    },
    {
      name: 'real H200 history: not comparable under missing-baseline fail',
      current: otherDriver(realRun(4)),
      baseline: real,
      settings: { 'missing-baseline': 'fail' },
      expect: (f) => (f === 'never' ? warning(/^no comparable baseline, nothing compared .*\(not failing: fail-on never\)$/, /^not-comparable$/) : failing(/^failed — no comparable baseline/, /^not-comparable$/)),
    },
    { name: 'real H200 run: no baseline yet in a new store', current: realRun(4), baseline: { kind: 'none' }, expect: noBaseline },
    { name: 'real H200 run: the store lost its baseline (marker, no file)', current: realRun(4), baseline: { kind: 'lost' }, expect: lost },
    { name: 'real H200 run: no baseline yet under missing-baseline fail', current: realRun(4), baseline: { kind: 'none' }, settings: { 'missing-baseline': 'fail' }, expect: lost },
    { name: 'simulated history: passed', current: simRun(1), baseline: { kind: 'history', doc: simHistory() }, expect: () => ({ failed: false, icon: '✅', verdict: /^(no-change|improvement)$/, headline: /^passed — no regression/ }) },
    { name: 'simulated history: regression (1.3× slower)', current: simRun(1.3), baseline: { kind: 'history', doc: simHistory() }, expect: regression },
  ];
}

/** Writes the case's baseline folder under `dir`; returns the baseline file's path (absent unless the case has a history). */
export function writeBaseline(c: OutcomeCase, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'baseline.json');
  if (c.baseline.kind === 'history') writeFileSync(path, serializeBaselineDoc(c.baseline.doc));
  if (c.baseline.kind !== 'none') writeFileSync(join(dir, HISTORY_MARKER), 'recorded\n');
  return path;
}
