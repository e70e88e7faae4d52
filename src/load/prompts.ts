import { createHash } from 'node:crypto';
import type { ChatMessage, LengthSpec, Prompt, Scenario } from '../types.ts';
import { createRng, mixSeed, sampleNormal, type Rng } from './random.ts';
import type { Tokenizer } from './tokenizer.ts';

// Synthetic prompts with exact token counts. Text is built from whole words of a fixed list
// (plain sentences, so it survives encode/decode and looks like prose to the engine's
// tokenizer and detokenizer) whose token costs are looked up once per tokenizer. Words, sentence
// ends and paragraph breaks meet at pre-tokenizer boundaries, so the costs add up; each finished
// prompt is still re-encoded once and its word budget corrected until the count is exact.
//
// Randomness is keyed by (scenario name, seed, repetition, stream): the same key always gives the
// same bytes; another repetition gives other texts, so an engine's prefix cache cannot turn
// repetition 2 into cache hits of repetition 1. The shared system prefix is keyed without the
// stream, so warm-up requests prime the prefix cache exactly as a long-running server would be.
// Request lengths are keyed without the repetition: every repetition (and every run) offers the
// same load, token for token, and differs from another only by its texts and the engine's noise.
// Lengths drawn anew per repetition made the passes differ by their draw: on an H100 the two
// passes of a run differed by 4.3% in chat-8's output tokens/s and 10.5% in its p95 TTFT, every
// run alike, against 0.1% and 2.5% left once that draw was taken out
// (docs/benchmarks/2026-12-07-h100-vllm-passes).

const DETERMINERS = ['the', 'this', 'that', 'every', 'each', 'our', 'their', 'one', 'some', 'no'];
const ADJECTIVES = [
  'good', 'new', 'old', 'great', 'little', 'long', 'small', 'large', 'early', 'young', 'quiet', 'bright', 'warm',
  'cold', 'dark', 'open', 'simple', 'clear', 'strong', 'happy', 'busy', 'heavy', 'green', 'blue', 'red', 'white',
  'golden', 'silver', 'different', 'important', 'public', 'same', 'calm', 'careful', 'gentle',
];
const NOUNS = [
  'time', 'year', 'way', 'day', 'thing', 'world', 'school', 'state', 'family', 'student', 'group', 'country',
  'problem', 'hand', 'place', 'week', 'company', 'system', 'program', 'question', 'number', 'night', 'home', 'water',
  'room', 'mother', 'area', 'story', 'month', 'book', 'word', 'house', 'friend', 'father', 'hour', 'game', 'line',
  'city', 'team', 'idea', 'office', 'door', 'art', 'history', 'party', 'morning', 'teacher', 'light', 'river',
  'garden', 'market', 'bridge', 'window', 'road', 'paper', 'music', 'table', 'train', 'ocean', 'mountain', 'forest',
  'village', 'letter', 'report', 'plan', 'voice', 'season', 'summer', 'winter', 'field', 'stone', 'island', 'valley',
  'harbor', 'lamp', 'clock', 'engine', 'signal', 'journey', 'evening', 'picture', 'answer', 'record', 'weather',
  'animal', 'bird', 'horse', 'tree', 'flower', 'bread', 'coffee', 'glass', 'cloud', 'storm', 'rain', 'snow', 'wind',
  'fire', 'sun', 'moon', 'star', 'sky', 'sea', 'lake', 'coast', 'farm', 'kitchen', 'street', 'corner', 'shop',
  'library', 'museum', 'theater', 'station', 'message', 'path', 'page', 'song', 'film', 'ball', 'player', 'race',
];
const VERBS = [
  'made', 'took', 'saw', 'knew', 'found', 'gave', 'told', 'showed', 'left', 'kept', 'held', 'wrote', 'heard',
  'met', 'followed', 'built', 'reached', 'carried', 'watched', 'opened', 'closed', 'moved', 'changed', 'crossed',
  'painted', 'visited', 'answered', 'brought', 'remembered', 'described', 'measured', 'passed', 'joined', 'finished',
  'started', 'covered', 'filled', 'cleaned', 'reported', 'explained',
];
const PREPOSITIONS = ['near', 'across', 'along', 'around', 'behind', 'beyond', 'over', 'under', 'after', 'before', 'beside', 'through'];

// Sentence shapes as sequences of word classes ("The quiet river crossed the field near the old market.").
const D = DETERMINERS;
const A = ADJECTIVES;
const N = NOUNS;
const V = VERBS;
const P = PREPOSITIONS;
const SENTENCES: readonly (readonly (readonly string[])[])[] = [
  [D, A, N, V, D, N],
  [D, N, V, D, A, N, P, D, N],
  [D, A, N, P, D, N, V, D, N],
  [D, N, V, P, D, A, N],
  [D, N, P, D, N, V, D, A, N, P, D, N],
  [P, D, A, N, D, N, V, D, N],
];
const ALL_WORDS = [...new Set([...DETERMINERS, ...ADJECTIVES, ...NOUNS, ...VERBS, ...PREPOSITIONS])];

const SENTENCE_END = '.';
const PARAGRAPH_END = '.\n\n';

type Start = 'paragraph' | 'sentence' | 'inside';

function form(word: string, start: Start): string {
  if (start === 'inside') return ` ${word}`;
  const capital = word[0].toUpperCase() + word.slice(1);
  return start === 'paragraph' ? capital : ` ${capital}`;
}

const costTables = new WeakMap<Tokenizer, Map<string, number>>();

/** Tokens of one piece of text on its own, looked up once per tokenizer. */
function costOf(tokenizer: Tokenizer): (piece: string) => number {
  let table = costTables.get(tokenizer);
  if (table === undefined) costTables.set(tokenizer, (table = new Map()));
  const known = table;
  return (piece) => {
    let c = known.get(piece);
    if (c === undefined) known.set(piece, (c = tokenizer.encode(piece).length));
    return c;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng.next() * items.length)];

/**
 * Prose whose pieces cost `budget` tokens in total, normally ending with a word. Starts a
 * paragraph, so it can follow a paragraph break (the shared prefix) without merging into it.
 */
function compose(budget: number, rng: Rng, cost: (piece: string) => number, tokenizerName: string): string {
  const out: string[] = [];
  let remaining = budget;
  let start: Start = 'paragraph';
  let sentence = pick(rng, SENTENCES);
  let slot = 0;
  let sentencesLeft = 3 + Math.floor(rng.next() * 4);
  while (remaining > 0) {
    if (slot === sentence.length) {
      sentence = pick(rng, SENTENCES);
      slot = 0;
      const end = sentencesLeft === 1 ? PARAGRAPH_END : SENTENCE_END;
      // Only close a sentence when a word can still follow: the text must end with a word.
      if (cost(end) < remaining) {
        out.push(end);
        remaining -= cost(end);
        sentencesLeft -= 1;
        start = sentencesLeft === 0 ? 'paragraph' : 'sentence';
        if (sentencesLeft === 0) sentencesLeft = 3 + Math.floor(rng.next() * 4);
      }
      continue;
    }
    let piece = form(pick(rng, sentence[slot]), start);
    slot += 1;
    if (cost(piece) > remaining) {
      // Near the end of the budget: any word short enough in this position (with most tokenizers
      // words cost 1 token); a full stop as the last resort for tokenizers with tiny vocabularies.
      const offset = Math.floor(rng.next() * ALL_WORDS.length);
      const candidates = ALL_WORDS.map((_, i) => form(ALL_WORDS[(offset + i) % ALL_WORDS.length], start));
      const fits = [...candidates, SENTENCE_END].find((candidate) => cost(candidate) <= remaining);
      if (fits === undefined) {
        throw new Error(`prompt synthesis: no built-in word costs ≤ ${remaining} token(s) with tokenizer ${tokenizerName}`);
      }
      piece = fits;
    }
    out.push(piece);
    remaining -= cost(piece);
    start = 'inside';
  }
  return out.join('');
}

/**
 * Text from `build(budget, variant)` whose full encoding has exactly `target` tokens. Piece costs
 * are an estimate (a tokenizer may merge across a join), so the real count corrects the budget;
 * where two budgets straddle the target (a tail piece that costs 2 in context), another variant
 * of the text is tried from there.
 */
function exactly(
  target: number,
  firstBudget: number,
  build: (budget: number, variant: number) => string,
  count: (text: string) => number,
  what: string,
): string {
  const got: number[] = [];
  let budget = firstBudget;
  for (let variant = 0; variant < 8; variant++) {
    const tried = new Set<number>();
    while (budget >= 0 && !tried.has(budget) && tried.size < 16) {
      const text = build(budget, variant);
      const n = count(text);
      if (n === target) return text;
      tried.add(budget);
      got.push(n);
      budget += target - n;
    }
    budget = Math.max(0, budget);
  }
  throw new Error(`prompt synthesis: could not make ${what} of exactly ${target} tokens (got ${got.join(', ')})`);
}

function drawLength(spec: LengthSpec, rng: Rng): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.tokens;
    case 'uniform':
      return spec.min + Math.floor(rng.next() * (spec.max - spec.min + 1));
    case 'normal':
      return Math.min(spec.max, Math.max(spec.min, Math.round(spec.mean + spec.stddev * sampleNormal(rng))));
  }
}

const STREAM = { measure: 0, warmup: 1, probe: 3 } as const;
const PREFIX_STREAM = 2;
/** Seed part of the request lengths, in place of the repetition (no repetition index reaches 2^52). */
const LENGTHS = 2 ** 52;

/** The scenario name as a seed part (48 bits of its sha256, a safe integer). */
const nameSeed = (name: string): number => parseInt(createHash('sha256').update(name).digest('hex').slice(0, 12), 16);

/** The shared system prefix of a scenario's repetition: exactly `sharedPrefixTokens`, ending in a paragraph break. */
function sharedPrefix(scenario: Scenario, repetition: number, tokenizer: Tokenizer): string {
  const tokens = scenario.sharedPrefixTokens;
  if (tokens === 0) return '';
  const cost = costOf(tokenizer);
  const seed = mixSeed(scenario.seed, repetition, PREFIX_STREAM, nameSeed(scenario.name));
  const build = (budget: number, variant: number) =>
    compose(budget, createRng(mixSeed(seed, variant)), cost, tokenizer.name) + PARAGRAPH_END;
  const count = (text: string) => tokenizer.encode(text).length;
  return exactly(tokens, tokens - cost(PARAGRAPH_END), build, count, `a shared prefix for scenario "${scenario.name}"`);
}

/**
 * `count` prompts for one repetition of a scenario. Input and output lengths are drawn from the
 * scenario's length specs, or taken from its trace; every prompt's text (shared prefix included) encodes to exactly its
 * `promptTokens`. The same arguments always give byte-identical prompts, and the first k prompts
 * do not depend on `count`. A generator, one prompt at a time, so a long synthesis can yield to the
 * event loop (prompt-book.ts).
 */
export function* generatePrompts(
  scenario: Scenario,
  tokenizer: Tokenizer,
  repetition: number,
  count: number,
  stream: 'warmup' | 'measure' | 'probe',
  /** Which probe of a capacity search (stream 'probe' only): each probe gets texts of its own. */
  probe = 0,
): Generator<Prompt> {
  if (!Number.isSafeInteger(repetition) || repetition < 0) throw new Error(`prompt synthesis: repetition must be a whole number ≥ 0, got ${repetition}`);
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`prompt synthesis: count must be a whole number ≥ 0, got ${count}`);
  const cost = costOf(tokenizer);
  const prefix = sharedPrefix(scenario, repetition, tokenizer);
  const parts = stream === 'probe' ? [probe] : [];
  const texts = createRng(mixSeed(scenario.seed, repetition, STREAM[stream], nameSeed(scenario.name), ...parts));
  const lengths = createRng(mixSeed(scenario.seed, LENGTHS, STREAM[stream], nameSeed(scenario.name), ...parts));
  // A trace gives each request's lengths (warm-up requests take the trace's from its start).
  const trace = scenario.load.kind === 'trace' ? scenario.load.requests : null;
  for (let i = 0; i < count; i++) {
    const traced = trace?.[i % trace.length];
    const inputTokens = traced?.inputTokens ?? drawLength(scenario.input, lengths);
    const maxTokens = traced?.outputTokens ?? drawLength(scenario.output, lengths);
    const textSeed = Math.floor(texts.next() * 4294967296);
    const own = inputTokens - scenario.sharedPrefixTokens;
    if (own < 1) {
      throw new Error(
        `scenario "${scenario.name}": input of ${inputTokens} tokens leaves no room after the ${scenario.sharedPrefixTokens}-token shared prefix`,
      );
    }
    const user = exactly(
      inputTokens,
      own,
      (budget, variant) => compose(budget, createRng(mixSeed(textSeed, variant)), cost, tokenizer.name),
      (text) => tokenizer.encode(prefix + text).length,
      `prompt ${i} of scenario "${scenario.name}"`,
    );
    const messages: ChatMessage[] = prefix === '' ? [] : [{ role: 'system', content: prefix }];
    messages.push({ role: 'user', content: user });
    yield { text: prefix + user, messages, promptTokens: inputTokens, maxTokens };
  }
}

/** sha256 over the exact bytes of the prompts, in order (texts, chat messages and output lengths). */
export function promptHash(prompts: readonly Prompt[]): string {
  const hash = createHash('sha256');
  for (const p of prompts) {
    hash.update(JSON.stringify([p.text, p.messages.map((m) => [m.role, m.content]), p.promptTokens, p.maxTokens]));
    hash.update('\n');
  }
  return hash.digest('hex');
}
