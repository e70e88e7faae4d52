// The gate end to end, as a user runs it: the committed CLI bundle, real sim-vllm servers, the
// smoke scenario set and the action's defaults (runs × repetitions, warm-up, confidence, Holm:
// src/config/inputs.ts). It records baseline runs, then gates unchanged runs and runs with an injected
// slowdown against them, and prints what each pull-request run concluded. Where bench/gate.ts draws
// thousands of simulated histories, this measures a few whole runs with every real part in the
// way: HTTP, timers on a loaded machine, prompt synthesis, summaries, baseline file, verdicts.
//
//   node bench/gate-e2e.ts [--baselines 2] [--trials 3] [--slowdown 1.05] [--noise 0.027]
//
// Each job's sim draws its own run-to-run noise (`--noise CV --seed k`, a different k per job, and
// each engine start of a job its own draw from it: the variation bench/gate.ts assumes); `--slowdown` stands for the code under review. Neither is part
// of the fingerprint, so every run shares the baseline's key.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { INPUT_DEFAULTS } from '../src/config/inputs.ts';
import { packageRoot } from '../src/paths.ts';
import type { Comparison } from '../src/types.ts';

const execFileP = promisify(execFile);

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!(v > 0)) throw new Error(`--${name}: expected a positive number, got "${process.argv[i + 1]}"`);
  return v;
}

const baselines = option('baselines', 2);
const trials = option('trials', 3);
const slowdown = option('slowdown', 1.05);
const noise = option('noise', 0.027);

interface Outcome {
  readonly label: string;
  readonly exit: number;
  readonly wallS: number;
  readonly verdict: string;
  readonly regressions: readonly string[];
}

const root = packageRoot();
const work = mkdtempSync(join(tmpdir(), 'gate-e2e-'));
const baseline = join(work, 'baseline.json');
let seed = 0;

async function cli(label: string, mode: 'baseline' | 'pr', simArgs: string): Promise<Outcome> {
  const out = join(work, `run-${++seed}`);
  const args = [join(root, 'dist', 'cli', 'index.js'), 'run', '--engines', 'sim-vllm', '--scenarios', join(root, 'scenarios', 'smoke.yml')];
  args.push('--baseline', baseline, '--mode', mode, '--out', out, '--sim-args', `--noise ${noise} --seed ${seed} ${simArgs}`.trim());
  const started = performance.now();
  let exit = 0;
  try {
    await execFileP(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    exit = (err as { code?: number }).code ?? -1;
    if (exit !== 3) throw new Error(`${label}: the CLI failed (exit ${exit}): ${(err as { stderr?: string }).stderr ?? (err as Error).message}`);
  }
  const wallS = (performance.now() - started) / 1000;
  if (mode === 'baseline') return { label, exit, wallS, verdict: 'recorded', regressions: [] };
  const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as Comparison;
  const regressions = comparison.engines.flatMap((e) => e.metrics.filter((m) => m.verdict === 'regression').map((m) => `${m.scenario}/${m.metric} ${((m.ratio! - 1) * 100).toFixed(1)}%`));
  return { label, exit, wallS, verdict: comparison.gate.verdict, regressions };
}

try {
  const outcomes: Outcome[] = [];
  const progress = (o: Outcome): void => {
    outcomes.push(o);
    console.error(`${o.label}: exit ${o.exit}, ${o.verdict}, ${o.wallS.toFixed(0)} s`);
  };
  for (let i = 1; i <= baselines; i++) progress(await cli(`baseline ${i}`, 'baseline', ''));
  for (let i = 1; i <= trials; i++) {
    progress(await cli(`unchanged ${i}`, 'pr', ''));
    progress(await cli(`slowdown ${slowdown} ${i}`, 'pr', `--slowdown ${slowdown}`));
  }
  const prs = outcomes.slice(baselines);
  const unchanged = prs.filter((o) => o.label.startsWith('unchanged'));
  const slowed = prs.filter((o) => o.label.startsWith('slowdown'));
  const d = INPUT_DEFAULTS;
  console.log(
    `gate end to end: sim-vllm, scenarios/smoke.yml, defaults (${d.runs} runs × ${d.repetitions} repetitions + ${d['warmup-repetitions']} warm-up, warm start ${d['warm-start']}, confidence ${d.confidence}, Holm), sim noise CV ${noise}`,
  );
  console.log(`${baselines} baseline runs recorded (${outcomes.slice(0, baselines).map((o) => `${o.wallS.toFixed(0)} s`).join(', ')})`);
  console.log('run                 exit  verdict       wall s  regressions flagged');
  for (const o of prs) {
    console.log(`${o.label.padEnd(20)}${String(o.exit).padEnd(6)}${o.verdict.padEnd(14)}${o.wallS.toFixed(0).padStart(6)}  ${o.regressions.length ? o.regressions.join(', ') : '—'}`);
  }
  const failed = (os: readonly Outcome[]): number => os.filter((o) => o.exit === 3).length;
  console.log(`unchanged runs failing the gate (false alarms): ${failed(unchanged)} of ${unchanged.length}`);
  console.log(`slowed runs failing the gate (caught): ${failed(slowed)} of ${slowed.length}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
