import { createHash } from 'node:crypto';
import type { Prompt, Scenario } from '../types.ts';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { RunCancelledError } from './runner.ts';
import { generatePrompts, promptHash } from './prompts.ts';
import type { Tokenizer } from './tokenizer.ts';

// Every prompt of a run, synthesized once per scenario × repetition. The run's prompt hash covers
// the whole plan (not only the part a shard measures), so shards of one matrix and the same run on
// one runner record the same hash.

export interface PromptSet {
  readonly measure: readonly Prompt[];
  readonly warmup: readonly Prompt[];
}

export interface PromptBook {
  get(scenario: Scenario, repetition: number): PromptSet;
  /**
   * `count` prompts for probe `probe` of a capacity search, made when asked (a search's probes and
   * their sizes are known only as it runs). Probe 0 extends the repetition's measured prompts (the
   * first k prompts do not depend on the count), so the book's hash covers it; later probes draw
   * texts of their own, so an engine's prefix cache never serves one probe from another.
   */
  probe(scenario: Scenario, repetition: number, probe: number, count: number): Promise<readonly Prompt[]>;
  /** sha256 over the prompt hashes of every scenario × repetition, in a fixed order. */
  readonly hash: string;
}

/** Longest stretch of synthesis without a turn of the event loop: a Ctrl-C is heard within it. */
const SLICE_MS = 50;

/** Prompts made so far and in all; told once per slice of work. */
export type SynthesisProgress = (done: number, total: number) => void;

/**
 * Synthesizes the book. Large plans take a while: the work yields to the event loop every
 * SLICE_MS so signals are handled (and `onProgress` hears how far it got), and stops with
 * RunCancelledError once `signal` is aborted.
 */
export async function makePromptBook(
  scenarios: readonly Scenario[],
  /** Passes to synthesize: 0 … n − 1, or the indices of the passes this book serves. */
  repetitions: number | readonly number[],
  tokenizer: Tokenizer,
  signal?: AbortSignal,
  onProgress?: SynthesisProgress,
): Promise<PromptBook> {
  const sets = new Map<string, PromptSet>();
  const key = (name: string, repetition: number): string => `${repetition}/${name}`;
  const digest = createHash('sha256');
  const indices = typeof repetitions === 'number' ? Array.from({ length: repetitions }, (_, r) => r) : repetitions;
  const total = indices.length * scenarios.reduce((n, s) => n + s.requests + s.warmupRequests, 0);
  let done = 0;
  let sliceStart = performance.now();
  const synthesize = async (s: Scenario, r: number, count: number, stream: 'warmup' | 'measure' | 'probe', probe = 0): Promise<Prompt[]> => {
    const out: Prompt[] = [];
    for (const prompt of generatePrompts(s, tokenizer, r, count, stream, probe)) {
      out.push(prompt);
      done++;
      if (performance.now() - sliceStart < SLICE_MS) continue;
      onProgress?.(done, total);
      await yieldToLoop();
      sliceStart = performance.now();
      if (signal?.aborted) throw new RunCancelledError(s.name);
    }
    return out;
  };
  for (const r of indices) {
    for (const s of scenarios) {
      const set: PromptSet = {
        measure: await synthesize(s, r, s.requests, 'measure'),
        warmup: await synthesize(s, r, s.warmupRequests, 'warmup'),
      };
      sets.set(key(s.name, r), set);
      digest.update(`${key(s.name, r)}:${promptHash([...set.warmup, ...set.measure])}\n`);
    }
  }
  const hash = digest.digest('hex');
  const get = (scenario: Scenario, repetition: number): PromptSet => {
    const set = sets.get(key(scenario.name, repetition));
    if (!set) throw new Error(`no prompts for scenario "${scenario.name}" repetition ${repetition + 1}`);
    return set;
  };
  return {
    hash,
    get,
    async probe(scenario, repetition, probe, count) {
      if (probe === 0) {
        const made = get(scenario, repetition).measure;
        return count <= made.length ? made.slice(0, count) : synthesize(scenario, repetition, count, 'measure');
      }
      return synthesize(scenario, repetition, count, 'probe', probe);
    },
  };
}
