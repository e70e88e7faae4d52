// Command-line flags of `llm-perf-gate sim-serve`. The engine adapter that launches the simulated
// engine as a child process builds its argv with formatSimArgs, so parse and format must agree.

export type SimProfile = 'vllm' | 'transformers';

export interface SimOptions {
  /** Which engine's scheduling and speed the performance model imitates. */
  readonly profile: SimProfile;
  /** Multiplies every engine step time (an injected regression when > 1). */
  readonly slowdown: number;
  /** Coefficient of variation of the run-to-run speed multiplier (0 = none). */
  readonly noise: number;
  readonly seed: number;
  /** Cadence mode: one chunk every this many ms, no performance model; null = model mode. */
  readonly cadenceMs: number | null;
  /** Cadence mode: delay of the first token after the request arrives (defaults to cadenceMs). */
  readonly ttftMs: number | null;
  /** Tokens per SSE chunk after the first (which always carries one token). */
  readonly tokensPerChunk: number;
  /** Transformers profile: static batch size. */
  readonly batch: number;
  /** vLLM profile: KV-cache capacity in tokens. */
  readonly kvTokens: number;
  /** Served model id. */
  readonly model: string;
  readonly host: string;
  /** 0 = an ephemeral port. */
  readonly port: number;
  /** Like vLLM's --api-key: /v1 routes answer 401 without `Authorization: Bearer <key>`; null = open. */
  readonly apiKey: string | null;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = Object.freeze({
  profile: 'vllm',
  slowdown: 1,
  noise: 0,
  seed: 1,
  cadenceMs: null,
  ttftMs: null,
  tokensPerChunk: 1,
  batch: 1,
  // (24 GiB x 0.90 utilisation - 15.2 GB weights - ~3.3 GB context, activations, graphs) / 57,344 B
  // per token: see docs/sim-engine.md.
  kvTokens: 81_920,
  model: 'sim-qwen2.5-7b',
  host: '127.0.0.1',
  port: 0,
  apiKey: null,
});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface FlagSpec {
  readonly key: keyof SimOptions;
  readonly accepts: string;
  readonly parse: (raw: string) => SimOptions[keyof SimOptions] | undefined;
}

const number = (raw: string): number | undefined => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : undefined);
const integer = (raw: string): number | undefined => (/^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined);
const inRange = (min: number, max: number, parse: (raw: string) => number | undefined) => (raw: string) => {
  const n = parse(raw);
  return n !== undefined && n >= min && n <= max ? n : undefined;
};
const positive = (raw: string): number | undefined => {
  const n = number(raw);
  return n !== undefined && n > 0 && Number.isFinite(n) ? n : undefined;
};

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  '--profile': { key: 'profile', accepts: 'vllm or transformers', parse: (raw) => (raw === 'vllm' || raw === 'transformers' ? raw : undefined) },
  '--slowdown': { key: 'slowdown', accepts: 'a number > 0 (2 = every step twice as long)', parse: positive },
  '--noise': { key: 'noise', accepts: 'a coefficient of variation from 0 to 1', parse: inRange(0, 1, number) },
  '--seed': { key: 'seed', accepts: 'a non-negative integer', parse: integer },
  '--cadence-ms': { key: 'cadenceMs', accepts: 'a number of milliseconds > 0', parse: positive },
  '--ttft-ms': { key: 'ttftMs', accepts: 'a number of milliseconds >= 0', parse: inRange(0, Number.MAX_VALUE, number) },
  '--tokens-per-chunk': { key: 'tokensPerChunk', accepts: 'an integer from 1 to 1024', parse: inRange(1, 1024, integer) },
  '--batch': { key: 'batch', accepts: 'an integer from 1 to 256', parse: inRange(1, 256, integer) },
  '--kv-tokens': { key: 'kvTokens', accepts: 'an integer of at least 16 (one KV block)', parse: inRange(16, Number.MAX_SAFE_INTEGER, integer) },
  '--model': { key: 'model', accepts: 'a non-empty model id', parse: (raw) => (raw.trim() === '' ? undefined : raw) },
  '--host': { key: 'host', accepts: 'a host name or IP address', parse: (raw) => (raw.trim() === '' ? undefined : raw) },
  '--port': { key: 'port', accepts: 'an integer from 0 to 65535 (0 = any free port)', parse: inRange(0, 65535, integer) },
  '--api-key': { key: 'apiKey', accepts: 'a non-empty key', parse: (raw) => (raw.trim() === '' ? undefined : raw) },
};

const flagList = (): string => Object.keys(FLAGS).join(', ');

/** Each flag with what it accepts, for `sim-serve --help`. */
export const SIM_FLAGS: readonly (readonly [string, string])[] = Object.entries(FLAGS).map(([flag, spec]) => [`${flag} X`, spec.accepts] as const);

/** Parses `sim-serve` flags (`--flag value` or `--flag=value`); throws an Error naming the flag at fault. */
export function parseSimArgs(argv: readonly string[]): SimOptions {
  const opts: Mutable<SimOptions> = { ...DEFAULT_SIM_OPTIONS };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[flag];
    if (spec === undefined) throw new Error(`sim-serve: unknown argument "${arg}": expected one of ${flagList()}`);
    if (given.has(flag)) throw new Error(`sim-serve: ${flag} given twice`);
    let raw: string;
    if (flag !== arg) raw = arg.slice(eq + 1);
    else if (i + 1 < argv.length && FLAGS[argv[i + 1].split('=', 1)[0]] === undefined) raw = argv[++i];
    else throw new Error(`sim-serve: ${flag} needs a value: ${spec.accepts}`);
    const value = spec.parse(raw);
    if (value === undefined) throw new Error(`sim-serve: ${flag} "${raw}" is invalid: expected ${spec.accepts}`);
    (opts as Record<string, unknown>)[spec.key] = value;
    given.add(flag);
  }
  // Flags that would be silently ignored are errors: a run must not look configured when it is not.
  const misuse = (flag: string, why: string): void => {
    if (given.has(flag)) throw new Error(`sim-serve: ${flag} ${why}`);
  };
  if (opts.profile === 'vllm') misuse('--batch', 'applies to --profile transformers only (vLLM batches continuously)');
  else misuse('--kv-tokens', 'applies to --profile vllm only (transformers has no paged KV cache)');
  if (opts.cadenceMs === null) {
    misuse('--ttft-ms', 'needs --cadence-ms (it sets the first-token delay of cadence mode)');
  } else {
    misuse('--profile', 'does not apply with --cadence-ms (cadence mode imitates no engine)');
    misuse('--slowdown', 'does not apply with --cadence-ms (cadence mode has no performance model; change the cadence instead)');
    misuse('--noise', 'does not apply with --cadence-ms (cadence mode sends on an exact schedule)');
    misuse('--batch', 'does not apply with --cadence-ms (cadence mode has no scheduler)');
    misuse('--kv-tokens', 'does not apply with --cadence-ms (cadence mode has no scheduler)');
  }
  return Object.freeze(opts);
}

/**
 * The argv that parseSimArgs turns back into `opts` (flags that do not apply are left out). Values
 * are joined with `=` so that any value, even one that starts with `--`, reads back.
 */
export function formatSimArgs(opts: SimOptions): string[] {
  const pairs: [string, string | number][] = [
    ['--seed', opts.seed],
    ['--tokens-per-chunk', opts.tokensPerChunk],
  ];
  if (opts.cadenceMs === null) {
    pairs.push(['--profile', opts.profile], ['--slowdown', opts.slowdown], ['--noise', opts.noise]);
    pairs.push(opts.profile === 'transformers' ? ['--batch', opts.batch] : ['--kv-tokens', opts.kvTokens]);
  } else {
    pairs.push(['--cadence-ms', opts.cadenceMs]);
    if (opts.ttftMs !== null) pairs.push(['--ttft-ms', opts.ttftMs]);
  }
  pairs.push(['--model', opts.model], ['--host', opts.host], ['--port', opts.port]);
  if (opts.apiKey !== null) pairs.push(['--api-key', opts.apiKey]);
  return pairs.map(([flag, value]) => `${flag}=${value}`);
}
