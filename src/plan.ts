import { createHash } from 'node:crypto';
import type { EngineSelection } from './engines/adapter.ts';
import { engineNames, selectionsNamed } from './engines/registry.ts';
import type { ScenarioSet } from './types.ts';

export type { EngineSelection } from './engines/adapter.ts';

// The plan fixes, before anything starts, which engine runs which scenario in which repetition and
// in what order. Orders are shuffled per repetition (so warm caches, heat and clock drift do not
// always favour the same scenario) but seeded, so every runner — and every shard of a matrix —
// derives the same plan from the same inputs.

export interface PlanUnit {
  readonly engine: string;
  readonly repetition: number;
  readonly scenario: string;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface Plan {
  readonly engines: readonly EngineSelection[];
  readonly repetitions: number;
  readonly seed: number;
  readonly shard: Shard;
  /** Scenario order of each repetition (same for every engine and every shard). */
  readonly orders: readonly (readonly string[])[];
  /** The units this shard runs, engine-major, then repetition, then the repetition's order. */
  readonly units: readonly PlanUnit[];
}

export const ENGINE_CHOICES = engineNames();

/** Parse a comma-separated engine list of the names the adapters accept (`sim` stands for both simulated profiles). */
export function parseEngines(list: string, source = 'engines'): EngineSelection[] {
  const out: EngineSelection[] = [];
  for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const sel = selectionsNamed(raw);
    if (!sel) throw new Error(`${source}: unknown engine "${raw}"; expected a comma-separated list of ${ENGINE_CHOICES.join(', ')}`);
    for (const e of sel) if (!out.some((o) => o.label === e.label)) out.push(e);
  }
  if (out.length === 0) throw new Error(`${source}: no engine given; expected a comma-separated list of ${ENGINE_CHOICES.join(', ')}`);
  return out;
}

export function parseShard(text: string, source = 'shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new Error(`${source}: expected "i/n" with 1 ≤ i ≤ n (e.g. "2/3"), got "${text}"`);
  }
  return { index, count };
}

/** Deterministic Fisher–Yates shuffle keyed by a string (sha256 stream), independent of any RNG module. */
function shuffled<T>(items: readonly T[], key: string): T[] {
  const out = [...items];
  let block = Buffer.alloc(0);
  let counter = 0;
  let offset = 0;
  const next = (): number => {
    if (offset + 4 > block.length) {
      block = createHash('sha256').update(`${key}:${counter++}`).digest();
      offset = 0;
    }
    const v = block.readUInt32BE(offset);
    offset += 4;
    return v / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function makePlan(opts: {
  engines: readonly EngineSelection[];
  scenarios: ScenarioSet;
  repetitions: number;
  seed: number;
  shard?: Shard;
}): Plan {
  const shard = opts.shard ?? { index: 1, count: 1 };
  const names = opts.scenarios.scenarios.map((s) => s.name);
  const orders = Array.from({ length: opts.repetitions }, (_, r) => shuffled(names, `${opts.seed}:${opts.scenarios.hash}:${r}`));
  const all: PlanUnit[] = [];
  for (const e of opts.engines) {
    orders.forEach((order, repetition) => {
      for (const scenario of order) all.push({ engine: e.label, repetition, scenario });
    });
  }
  // Contiguous blocks keep each shard's units on as few engines as possible: every engine a shard
  // touches costs it a model load.
  const units = all.filter((_, k) => Math.floor((k * shard.count) / all.length) === shard.index - 1);
  return { engines: opts.engines, repetitions: opts.repetitions, seed: opts.seed, shard, orders, units };
}
