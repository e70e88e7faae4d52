import { spawn, type ChildProcess } from 'node:child_process';
import { probe, ProbeError } from '../exec.ts';

// GPU telemetry from nvidia-smi: memory, utilisation, clocks and throttle reasons sampled while a
// scenario runs, and the processes that hold GPU memory. Parsers are pure and read nvidia-smi's
// CSV by its header, so they accept any field order, with or without units.

/**
 * Runs nvidia-smi; null when it is not installed or cannot be executed (a CPU host, perhaps with a
 * driver package's leftover binary). Other failures throw with its output.
 */
export async function runNvidiaSmi(args: readonly string[], bin = 'nvidia-smi'): Promise<string | null> {
  try {
    return await probe(bin, args, { timeoutMs: 20_000 });
  } catch (err) {
    if (err instanceof ProbeError && (err.reason === 'not-found' || err.reason === 'not-executable')) return null;
    throw err;
  }
}

// ---------- CSV ----------

/** Splits nvidia-smi CSV: a header line, then one record per line; values are ", "-separated. */
export function parseSmiCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return [];
  const header = lines[0].split(',').map((h) => fieldName(h));
  return lines.slice(1).map((line) => {
    const cells = line.split(',').map((c) => c.trim());
    // A GPU or process name may contain commas: the extra cells belong to the name-like field.
    if (cells.length > header.length) {
      const at = Math.max(0, header.findIndex((h) => h === 'name' || h === 'process_name' || h === 'gpu_name'));
      cells.splice(at, cells.length - header.length + 1, cells.slice(at, at + cells.length - header.length + 1).join(','));
    }
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = cells[i] ?? ''));
    return row;
  });
}

/** "memory.used [MiB]" → "memory.used"; header aliases folded to one name. */
function fieldName(header: string): string {
  const name = header.trim().replace(/\s*\[.*\]$/, '');
  return ALIASES[name] ?? name;
}

const ALIASES: Readonly<Record<string, string>> = {
  'clocks.current.sm': 'clocks.sm',
  'clocks_throttle_reasons.active': 'clocks_event_reasons.active',
  used_memory: 'used_gpu_memory',
};

/** A number from an nvidia-smi cell ("15203 MiB", "87 %", "250.12 W"), or null for N/A and friends. */
export function smiNumber(cell: string | undefined): number | null {
  if (cell === undefined) return null;
  const m = /^\s*(-?\d+(?:\.\d+)?)/.exec(cell);
  return m ? Number(m[1]) : null;
}

// ---------- GPU samples ----------

export interface GpuSample {
  /** Milliseconds since the epoch (nvidia-smi's local-time timestamp). */
  readonly t: number;
  readonly index: number;
  readonly name: string;
  readonly memoryUsedMiB: number | null;
  readonly memoryTotalMiB: number | null;
  readonly utilizationPct: number | null;
  readonly smClockMHz: number | null;
  readonly temperatureC: number | null;
  readonly powerW: number | null;
  /** Active clock event (throttle) reasons bitmask, null when not reported. */
  readonly throttleMask: bigint | null;
}

const GPU_QUERY_FIELDS = [
  'timestamp',
  'index',
  'name',
  'memory.used',
  'memory.total',
  'utilization.gpu',
  'clocks.sm',
  'temperature.gpu',
  'power.draw',
] as const;

/** Parses `--query-gpu=... --format=csv[,nounits]` output (with its header). */
export function parseGpuSamples(text: string): GpuSample[] {
  return parseSmiCsv(text).map((row, i) => {
    const t = parseSmiTimestamp(row.timestamp ?? '');
    const mask = row['clocks_event_reasons.active'];
    return {
      t: t ?? Number.NaN,
      index: smiNumber(row.index) ?? i,
      name: row.name ?? row.gpu_name ?? '',
      memoryUsedMiB: smiNumber(row['memory.used']),
      memoryTotalMiB: smiNumber(row['memory.total']),
      utilizationPct: smiNumber(row['utilization.gpu']),
      smClockMHz: smiNumber(row['clocks.sm']),
      temperatureC: smiNumber(row['temperature.gpu']),
      powerW: smiNumber(row['power.draw']),
      throttleMask: mask !== undefined && /^0x[0-9a-f]+$/i.test(mask) ? BigInt(mask) : null,
    };
  });
}

/** nvidia-smi writes "2025/05/22 09:42:33.587" in the host's local time. */
export function parseSmiTimestamp(text: string): number | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  return new Date(+y, +mo - 1, +d, +h, +mi, +s, Number((ms ?? '0').padEnd(3, '0'))).getTime();
}

// NVML's nvmlClocksEventReasons bits (nvidia-smi -q names them the same way).
const THROTTLE_BITS: readonly (readonly [bigint, string])[] = [
  [0x1n, 'gpu-idle'],
  [0x2n, 'applications-clocks-setting'],
  [0x4n, 'sw-power-cap'],
  [0x8n, 'hw-slowdown'],
  [0x10n, 'sync-boost'],
  [0x20n, 'sw-thermal-slowdown'],
  [0x40n, 'hw-thermal-slowdown'],
  [0x80n, 'hw-power-brake-slowdown'],
  [0x100n, 'display-clock-setting'],
];

/** Names of the reasons set in a clock event mask; unknown bits are named by their hex value. */
export function decodeThrottleReasons(mask: bigint): string[] {
  const names: string[] = [];
  let rest = mask;
  for (const [bit, name] of THROTTLE_BITS) {
    if ((mask & bit) !== 0n) names.push(name);
    rest &= ~bit;
  }
  if (rest !== 0n) names.push(`0x${rest.toString(16)}`);
  return names;
}

/**
 * Utilisation from which a GPU counts as busy in a sample. Clock-event reasons are also set while
 * a GPU idles between requests (an H200 reports sw-power-cap at 14–52% utilisation in every
 * scenario); a reason slowed the work only if it was active while that GPU was busy.
 */
export const BUSY_UTILISATION_PCT = 80;

export interface GpuWindowSummary {
  readonly samples: number;
  /** Highest memory in use, summed over GPUs per timestamp. */
  readonly peakMemoryMiB: number | null;
  readonly meanUtilizationPct: number | null;
  /** Reasons that slowed the clocks (idle is not a slowdown) seen in the window, sorted. */
  readonly throttleReasons: readonly string[];
  /** Of those, the reasons active in a sample where that GPU was busy (≥ BUSY_UTILISATION_PCT), sorted. */
  readonly busyThrottleReasons: readonly string[];
}

/** Summarises the samples whose time lies in [fromMs, toMs]. */
export function summariseGpu(samples: readonly GpuSample[], fromMs: number, toMs: number): GpuWindowSummary {
  const inWindow = samples.filter((s) => s.t >= fromMs && s.t <= toMs);
  const memoryAt = new Map<number, number>();
  const utils: number[] = [];
  const reasons = new Set<string>();
  const busyReasons = new Set<string>();
  for (const s of inWindow) {
    if (s.memoryUsedMiB !== null) memoryAt.set(s.t, (memoryAt.get(s.t) ?? 0) + s.memoryUsedMiB);
    if (s.utilizationPct !== null) utils.push(s.utilizationPct);
    if (s.throttleMask === null) continue;
    const busy = s.utilizationPct !== null && s.utilizationPct >= BUSY_UTILISATION_PCT;
    for (const r of decodeThrottleReasons(s.throttleMask)) {
      if (r === 'gpu-idle') continue;
      reasons.add(r);
      if (busy) busyReasons.add(r);
    }
  }
  return {
    samples: inWindow.length,
    peakMemoryMiB: memoryAt.size > 0 ? Math.max(...memoryAt.values()) : null,
    meanUtilizationPct: utils.length > 0 ? utils.reduce((a, b) => a + b, 0) / utils.length : null,
    throttleReasons: [...reasons].sort(),
    busyThrottleReasons: [...busyReasons].sort(),
  };
}

// ---------- processes holding GPU memory ----------

export interface GpuProcess {
  readonly pid: number;
  readonly name: string;
  readonly usedMiB: number | null;
}

/** Parses `--query-compute-apps=pid,process_name,used_memory --format=csv` output (with its header). */
export function parseComputeApps(text: string): GpuProcess[] {
  return parseSmiCsv(text)
    .map((row) => ({ pid: smiNumber(row.pid) ?? 0, name: row.process_name ?? '', usedMiB: smiNumber(row.used_gpu_memory) }))
    .filter((p) => p.pid > 0);
}

export interface GpuMemoryState {
  readonly usedMiB: number;
  readonly totalMiB: number;
  readonly holders: readonly GpuProcess[];
}

/** Memory in use over all GPUs and the processes holding it; null without nvidia-smi. */
export async function gpuMemoryState(bin = 'nvidia-smi'): Promise<GpuMemoryState | null> {
  const gpus = await runNvidiaSmi(['--query-gpu=index,memory.used,memory.total', '--format=csv'], bin);
  if (gpus === null) return null;
  const apps = await runNvidiaSmi(['--query-compute-apps=pid,process_name,used_memory', '--format=csv'], bin);
  const rows = parseGpuSamples(gpus);
  return {
    usedMiB: rows.reduce((a, r) => a + (r.memoryUsedMiB ?? 0), 0),
    totalMiB: rows.reduce((a, r) => a + (r.memoryTotalMiB ?? 0), 0),
    holders: parseComputeApps(apps ?? ''),
  };
}

export function describeHolders(holders: readonly GpuProcess[]): string {
  if (holders.length === 0) return 'no process is listed (it may run in another container or belong to the display)';
  return holders.map((h) => `pid ${h.pid} ${h.name || '?'} (${h.usedMiB ?? '?'} MiB)`).join(', ');
}

// ---------- sampler ----------

export interface GpuSampler {
  /** The samples gathered so far. */
  samples(): readonly GpuSample[];
  summary(fromMs: number, toMs: number): GpuWindowSummary;
  stop(): Promise<void>;
}

/**
 * Starts `nvidia-smi --query-gpu=... -lms intervalMs` as a child process and collects its lines.
 * Returns null without nvidia-smi. Drivers that predate `clocks_event_reasons` are asked for the
 * older `clocks_throttle_reasons` name.
 */
export async function startGpuSampler(opts: { bin?: string; intervalMs?: number } = {}): Promise<GpuSampler | null> {
  const bin = opts.bin ?? 'nvidia-smi';
  const reasonField = await throttleField(bin);
  if (reasonField === undefined) return null;
  const fields = reasonField === null ? [...GPU_QUERY_FIELDS] : [...GPU_QUERY_FIELDS, reasonField];
  const child: ChildProcess = spawn(bin, [`--query-gpu=${fields.join(',')}`, '--format=csv,nounits', `-lms`, String(opts.intervalMs ?? 200)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  child.on('error', () => undefined); // a sampler that dies leaves fewer samples, never a crash
  let header: string | null = null;
  let pending = '';
  const collected: GpuSample[] = [];
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      if (header === null) header = line;
      else if (line !== header) collected.push(...parseGpuSamples(`${header}\n${line}`));
    }
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    samples: () => collected,
    summary: (fromMs, toMs) => summariseGpu(collected, fromMs, toMs),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await closed;
    },
  };
}

/** The throttle-reasons field this driver knows; null if neither; undefined without nvidia-smi. */
async function throttleField(bin: string): Promise<string | null | undefined> {
  for (const field of ['clocks_event_reasons.active', 'clocks_throttle_reasons.active']) {
    try {
      const out = await runNvidiaSmi([`--query-gpu=${field}`, '--format=csv,noheader'], bin);
      if (out === null) return undefined;
      return field;
    } catch {
      // not a valid field on this driver: try the older name
    }
  }
  return null;
}
