// How faithfully does the load generator time a token stream? The simulated engine runs in cadence
// mode as its own process and stamps every chunk with the epoch time it wrote it (`sim_sent_ms`).
// The client's receive time for the same chunk, minus that stamp, is the harness's own error:
//   TTFT error: receive − sent for each stream's first content chunk (delivery latency included);
//   ITL error:  |measured gap − the server's actual gap| between successive chunks of a stream.
// Then the streamed tokens/s is raised (more streams, faster cadence) until the ITL error p99 passes
// 1 ms; the highest passing rate is what one client core sustains.
//
// Usage: node bench/harness.ts [--quick]
// Prints a table; the last line is one JSON object (the four error figures at 256 streams, and
// max_stream_tokens_per_s when a capacity level passed: it is left out, never 0, when none did).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type ManagedEngine } from '../src/engines/engine.ts';
import { runScenario } from '../src/load/runner.ts';
import { distribution } from '../src/metrics/summary.ts';
import type { Distribution, Prompt, Scenario } from '../src/types.ts';

interface Level {
  readonly streams: number;
  readonly cadenceMs: number;
  /** Tokens per request; each stream runs `rounds` requests back to back. */
  readonly tokens: number;
  readonly rounds: number;
}

interface Measurement {
  readonly level: Level;
  readonly ttftError: Distribution;
  readonly itlError: Distribution;
  /** Content tokens/s streamed while all streams ran (see ErrorTracker.steadyRate). */
  readonly tokensPerS: number;
  /** Client CPU time per content chunk, and client CPU use as a share of one core. */
  readonly cpuUsPerChunk: number;
  readonly cpuShare: number;
  /** The simulator's CPU use as a share of one core (null where /proc is not readable). */
  readonly simCpuShare: number | null;
  /** 1-minute load average of the host when the level ended (this process and the sim included). */
  readonly hostLoad: number;
  readonly failed: number;
}

const TTFT_MS = 20;
const ITL_P99_LIMIT_MS = 1;
const quick = process.argv.includes('--quick');

// Accuracy at the three stream counts the targets name, at an ordinary decode cadence; several
// rounds, so that TTFT is sampled on reused connections too.
const ACCURACY: readonly Level[] = [
  { streams: 1, cadenceMs: 10, tokens: 40, rounds: 10 },
  { streams: 64, cadenceMs: 10, tokens: 100, rounds: 3 },
  { streams: 256, cadenceMs: 10, tokens: 100, rounds: 3 },
];

// Capacity: offered tokens/s = streams × 1000 / cadence, rising; one long round (about 1.5 s) each.
const capacityLevel = (streams: number, cadenceMs: number): Level => ({ streams, cadenceMs, tokens: Math.round(1500 / cadenceMs), rounds: 1 });
const CAPACITY: readonly Level[] = [
  capacityLevel(32, 4),
  capacityLevel(64, 4),
  capacityLevel(128, 4),
  capacityLevel(256, 4),
  capacityLevel(256, 3),
  capacityLevel(256, 2.5),
  capacityLevel(256, 2),
  capacityLevel(384, 2),
  capacityLevel(512, 2),
  capacityLevel(512, 1.5),
];

const logDir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-harness-'));

async function startSim(cadenceMs: number): Promise<ManagedEngine> {
  return startEngine({
    kind: 'sim',
    label: 'sim-cadence',
    model: 'sim-harness',
    python: '',
    dtype: 'auto',
    extraArgs: ['--cadence-ms', String(cadenceMs), '--ttft-ms', String(TTFT_MS)],
    startupTimeoutS: 60,
    logDir,
  });
}

function scenarioFor(level: Level): Scenario {
  return {
    name: `harness-${level.streams}x${level.cadenceMs}ms`,
    description: 'load generator self-check',
    api: 'completions',
    input: { kind: 'fixed', tokens: 8 },
    output: { kind: 'fixed', tokens: level.tokens },
    sharedPrefixTokens: 0,
    requests: level.streams * level.rounds,
    warmupRequests: level.streams,
    load: { kind: 'concurrency', concurrency: level.streams },
    seed: 1,
    slo: {},
    timeoutS: 120,
    limits: {},
    tolerances: {},
  };
}

const prompts = (n: number, tokens: number): Prompt[] =>
  Array.from({ length: n }, (_, i) => {
    const text = `Harness request ${i}: count slowly.`;
    return { text, messages: [{ role: 'user', content: text }], promptTokens: 8, maxTokens: tokens };
  });

interface StampedChunk {
  id?: string;
  choices?: { text?: string }[];
  sim_sent_ms?: number;
}

/** Per-chunk error bookkeeping: one entry per stream (chunk id) with its previous receive/sent times. */
class ErrorTracker {
  readonly ttft: number[] = [];
  readonly itl: number[] = [];
  readonly #last = new Map<string, { recv: number; sent: number }>();
  /** Server send times of every content chunk (epoch ms), for the steady-state rate. */
  readonly sentTimes: number[] = [];

  /**
   * Tokens/s the server actually streamed (and the client took) while every stream was running:
   * chunks sent in the middle 60% of the sending span, over that window. The ramp at the start and
   * the tail at the end, where fewer streams are open, are left out.
   */
  steadyRate(): number {
    const t = this.sentTimes;
    if (t.length < 2) return 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of t) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    const from = lo + 0.2 * (hi - lo);
    const to = hi - 0.2 * (hi - lo);
    const inside = t.filter((x) => x >= from && x < to).length;
    return to > from ? (inside * 1000) / (to - from) : 0;
  }

  observe = (raw: unknown, receivedAt: number): void => {
    const chunk = raw as StampedChunk;
    const sent = chunk.sim_sent_ms;
    const text = chunk.choices?.[0]?.text;
    if (sent === undefined || chunk.id === undefined || text === undefined || text === '') return;
    const recv = performance.timeOrigin + receivedAt;
    this.sentTimes.push(sent);
    const prev = this.#last.get(chunk.id);
    if (prev === undefined) this.ttft.push(recv - sent);
    else this.itl.push(Math.abs(recv - prev.recv - (sent - prev.sent)));
    this.#last.set(chunk.id, { recv, sent });
  };
}

async function measure(level: Level): Promise<Measurement> {
  const sim = await startSim(level.cadenceMs);
  try {
    const scenario = scenarioFor(level);
    const tracker = new ErrorTracker();
    const cpuBefore = process.cpuUsage();
    const simBefore = cpuSecondsOf(sim.proc.pid);
    const wallBefore = performance.now();
    const run = await runScenario({
      baseUrl: sim.baseUrl,
      model: sim.servedModel,
      scenario,
      prompts: prompts(scenario.requests, level.tokens),
      warmupPrompts: prompts(scenario.warmupRequests, 4),
      repetition: 0,
      onChunk: tracker.observe,
    });
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = performance.now() - wallBefore;
    const simAfter = cpuSecondsOf(sim.proc.pid);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      level,
      ttftError: distribution(tracker.ttft),
      itlError: distribution(tracker.itl),
      tokensPerS: tracker.steadyRate(),
      cpuUsPerChunk: tracker.sentTimes.length > 0 ? (cpuMs * 1000) / tracker.sentTimes.length : 0,
      cpuShare: cpuMs / wallMs,
      simCpuShare: simBefore === null || simAfter === null ? null : ((simAfter - simBefore) * 1000) / wallMs,
      hostLoad: loadavg()[0],
      failed: run.records.filter((r) => !r.ok).length,
    };
  } finally {
    await sim.stop();
  }
}

/** User + system CPU seconds of a process, from /proc (Linux); null elsewhere. */
function cpuSecondsOf(pid: number): number | null {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const f = (x: number, digits = 3): string => x.toFixed(digits);

function row(m: Measurement): string[] {
  const l = m.level;
  return [
    String(l.streams),
    f(l.cadenceMs, 1),
    String(Math.round((l.streams * 1000) / l.cadenceMs)),
    String(Math.round(m.tokensPerS)),
    f(m.ttftError.p50),
    f(m.ttftError.p99),
    f(m.itlError.p50),
    f(m.itlError.p99),
    f(m.cpuUsPerChunk, 1),
    f(m.cpuShare, 2),
    m.simCpuShare === null ? '-' : f(m.simCpuShare, 2),
    f(m.hostLoad, 1),
    String(m.failed),
  ];
}

const HEADER = ['streams', 'cadence ms', 'offered tok/s', 'received tok/s', 'TTFT err p50', 'TTFT err p99', 'ITL err p50', 'ITL err p99', 'CPU µs/chunk', 'CPU share', 'sim CPU', 'host load', 'failed'];

function table(title: string, rows: readonly string[][]): void {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(`\n${title}`);
  console.log(line(HEADER));
  for (const r of rows) console.log(line(r));
}

/** Sustained means: no failures, the offered rate actually received, and ITL error p99 within the limit. */
function passes(m: Measurement): boolean {
  const offered = (m.level.streams * 1000) / m.level.cadenceMs;
  return m.failed === 0 && m.tokensPerS >= 0.9 * offered && m.itlError.p99 <= ITL_P99_LIMIT_MS;
}

async function main(): Promise<void> {
  console.log(
    `load-generator harness: Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)} before start; ` +
      'errors in ms (ITL error = |measured gap − server gap|); CPU share = this client process, of one core',
  );
  const accuracyLevels = quick ? ACCURACY.map((l) => ({ ...l, rounds: 1 })) : ACCURACY;
  const accuracy: Measurement[] = [];
  for (const level of accuracyLevels) accuracy.push(await measure(level));
  table('Accuracy (cadence 10 ms, first token after 20 ms)', accuracy.map(row));

  const capacity: Measurement[] = [];
  for (const level of quick ? CAPACITY.slice(0, 3) : CAPACITY) {
    const m = await measure(level);
    capacity.push(m);
    if (!passes(m)) break;
  }
  table(`Capacity (stops at the first level that fails: ITL error p99 > ${ITL_P99_LIMIT_MS} ms, < 90% of the offered rate received, or failures)`, capacity.map(row));
  const sustained = capacity.filter(passes);
  const best = sustained.length > 0 ? Math.max(...sustained.map((m) => m.tokensPerS)) : null;
  if (best === null) console.log(`\nno capacity level passed: no stream rate was sustained within ITL error p99 ≤ ${ITL_P99_LIMIT_MS} ms, so there is no max_stream_tokens_per_s to report`);
  // The CPU bound, whatever the timing noise of the host: what one core could take at the cost per
  // chunk the busiest level measured (request overhead included).
  const busiest = capacity[capacity.length - 1];
  console.log(
    `\nclient CPU at ${busiest.level.streams} streams: ${f(busiest.cpuUsPerChunk, 1)} µs per chunk, ` +
      `so one core could take about ${Math.round(1e6 / busiest.cpuUsPerChunk)} tokens/s at one token per chunk if it did nothing else`,
  );

  const at256 = accuracy.find((m) => m.level.streams === 256)!;
  console.log(
    JSON.stringify({
      itl_error_p50_ms: round(at256.itlError.p50),
      itl_error_p99_ms: round(at256.itlError.p99),
      ttft_error_p50_ms: round(at256.ttftError.p50),
      ttft_error_p99_ms: round(at256.ttftError.p99),
      // Only a measured rate: a level that passed. None passing is not a rate of 0.
      ...(best === null ? {} : { max_stream_tokens_per_s: Math.round(best) }),
    }),
  );
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

try {
  await main();
} finally {
  rmSync(logDir, { recursive: true, force: true });
}
