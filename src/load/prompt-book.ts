import { createHash } from 'node:crypto';
import type { Prompt, Scenario } from '../types.ts';
import { promptHash, synthesizePrompts } from './prompts.ts';
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
  /** sha256 over the prompt hashes of every scenario × repetition, in a fixed order. */
  readonly hash: string;
}

export function makePromptBook(scenarios: readonly Scenario[], repetitions: number, tokenizer: Tokenizer): PromptBook {
  const sets = new Map<string, PromptSet>();
  const key = (name: string, repetition: number): string => `${repetition}/${name}`;
  const digest = createHash('sha256');
  for (let r = 0; r < repetitions; r++) {
    for (const s of scenarios) {
      const set: PromptSet = {
        measure: synthesizePrompts(s, tokenizer, r, s.requests, 'measure'),
        warmup: synthesizePrompts(s, tokenizer, r, s.warmupRequests, 'warmup'),
      };
      sets.set(key(s.name, r), set);
      digest.update(`${key(s.name, r)}:${promptHash([...set.warmup, ...set.measure])}\n`);
    }
  }
  const hash = digest.digest('hex');
  return {
    hash,
    get(scenario, repetition) {
      const set = sets.get(key(scenario.name, repetition));
      if (!set) throw new Error(`no prompts for scenario "${scenario.name}" repetition ${repetition + 1}`);
      return set;
    },
  };
}
