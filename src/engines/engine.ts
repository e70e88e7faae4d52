import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { RequestDialect } from '../load/client.ts';
import type { EngineMetricNames } from '../metrics/engine-metrics.ts';
import type { EngineAdapter, EngineSpec, ExternalLifecycle, ManagedLifecycle } from './adapter.ts';
import { assertGpuFree, describeUnreleased, GpuBusyError, waitGpuReleased } from './gpu-check.ts';
import { serverVersion } from './identity.ts';
import { diagnoseLog, quoteLines } from './log-errors.ts';
import { DEFAULT_GRACE_MS, describeExit, freePort, groupOwnsListener, startManaged, type ManagedProcess } from './process.ts';
import { NotReadyError, waitReady, type Readiness } from './ready.ts';
import { adapterFor } from './registry.ts';

export type { EngineSpec } from './adapter.ts';

// The launcher contract: start an engine server as a managed process group on 127.0.0.1, wait
// until it has served one real completion, and hand back what the load generator and telemetry
// need. Every way a start can fail ends with the process group gone and an error that quotes the
// engine's own log. An engine someone else runs (an external lifecycle) is reached instead, and
// handed back the same way, with nothing to stop.

export interface StartHooks {
  /** Called with the process group id as soon as the server is spawned (the post step kills leftovers). */
  readonly onSpawn?: (pgid: number, label: string) => void;
  /** Called when a stop has ended the whole group (a crashed server's group stays recorded). */
  readonly onStopped?: (pgid: number) => void;
  readonly info?: (message: string) => void;
  readonly warning?: (message: string) => void;
  /** nvidia-smi executable for the GPU checks (default: found on PATH; absent = CPU host). */
  readonly nvidiaSmi?: string;
  /** SIGTERM→SIGKILL grace when stopping (default 10 s). */
  readonly stopGraceMs?: number;
  /** How long to wait for GPU memory to come back after a stop (default 30 s). */
  readonly gpuReleaseTimeoutMs?: number;
  /** The run's cancellation: a start in progress ends as 'cancelled', a stop skips the GPU wait. */
  readonly signal?: AbortSignal;
}

export interface RunningEngine {
  readonly label: string;
  readonly kind: string;
  /** http://127.0.0.1:PORT, or the endpoint's URL when it is not ours. */
  readonly baseUrl: string;
  /** Bearer token requests must carry (external endpoints), never logged. */
  readonly apiKey?: string;
  readonly servedModel: string;
  readonly dialect: RequestDialect;
  readonly metricsUrl: string | null;
  readonly metricNames: EngineMetricNames | null;
  /** The server process group; null when the server is not ours (an external endpoint). */
  readonly proc: ManagedProcess | null;
  /** The arguments the server was started with (for the fingerprint's engine arguments). */
  readonly launchArgs: readonly string[];
  /** Seconds from spawn to ready; null when the server was already running. */
  readonly startupS: number | null;
  /** What the server says its version is, for engines versioned by their server (else null). */
  readonly serverVersion: string | null;
  /** Whether the GPU of this host serves it (its telemetry and fingerprint describe the engine). */
  readonly localGpu: boolean;
  /** The last lines of the server's log, null when there is no log of ours. */
  logTail(lines: number): string | null;
  /** Why the engine died on its own while in use (with its log's errors), or null while it is fine. */
  failure(): string | null;
  /** Stops the process group and checks that the GPU memory came back. Safe to call twice. */
  stop(): Promise<void>;
}

/** An engine this action started: a process group of its own and a measured start-up. */
export interface ManagedEngine extends RunningEngine {
  readonly proc: ManagedProcess;
  readonly startupS: number;
}

export type EngineStartFailure = 'bad-spec' | 'gpu-busy' | 'port-in-use' | 'exited' | 'timeout' | 'rejected' | 'cancelled';

export class EngineStartError extends Error {
  readonly reason: EngineStartFailure;
  readonly logTail: string | null;
  constructor(reason: EngineStartFailure, message: string, logTail: string | null = null) {
    super(message);
    this.name = 'EngineStartError';
    this.reason = reason;
    this.logTail = logTail;
  }
}

const TAIL_LINES = 30;

/** Starts the spec's engine, or reaches it when it is an endpoint someone else runs. */
export async function openEngine(spec: EngineSpec, hooks: StartHooks = {}): Promise<RunningEngine> {
  const adapter = adapterFor(spec.kind);
  checkSpec(spec, adapter);
  if (adapter.lifecycle.type === 'external') return attachEngine(spec, adapter, adapter.lifecycle, hooks);
  return launchEngine(spec, adapter, adapter.lifecycle, hooks);
}

/** Starts an engine of a kind this action runs itself (throws for an external endpoint's kind). */
export async function startEngine(spec: EngineSpec, hooks: StartHooks = {}): Promise<ManagedEngine> {
  const adapter = adapterFor(spec.kind);
  checkSpec(spec, adapter);
  if (adapter.lifecycle.type !== 'managed') throw new EngineStartError('bad-spec', `${spec.label}: a ${spec.kind} engine is reached, not started: use openEngine`);
  return launchEngine(spec, adapter, adapter.lifecycle, hooks);
}

async function launchEngine(spec: EngineSpec, adapter: EngineAdapter, lifecycle: ManagedLifecycle, hooks: StartHooks): Promise<ManagedEngine> {
  const port = spec.port ?? (await freePort());
  if (spec.port !== undefined && !(await portFree(port))) {
    throw new EngineStartError('port-in-use', `${spec.label}: port ${port} on 127.0.0.1 is already in use by another process`);
  }
  const plan = await lifecycle.plan(spec, port).catch((err: Error) => {
    throw new EngineStartError('bad-spec', err.message);
  });
  for (const note of plan.notes) hooks.info?.(`${spec.label}: ${note}`);

  const gpuBefore = !adapter.needs.gpu ? null : await assertGpuFree(spec.label, { nvidiaSmi: hooks.nvidiaSmi }).catch((err: unknown) => {
    if (err instanceof GpuBusyError) throw new EngineStartError('gpu-busy', err.message);
    throw err;
  });

  mkdirSync(spec.logDir, { recursive: true });
  const logFile = join(spec.logDir, `${spec.label.replace(/[^\w.-]+/g, '_')}.log`);
  appendFileSync(logFile, `# llm-perf-gate ${new Date().toISOString()}: ${plan.command} ${plan.args.join(' ')}\n`);
  hooks.info?.(`${spec.label}: starting ${plan.command} ${plan.args.join(' ')} (log: ${logFile})`);
  const started = performance.now();
  const proc = startManaged({
    command: plan.command,
    args: plan.args,
    env: { ...process.env, ...plan.env, ...spec.env },
    logFile,
    onSpawn: (pid) => hooks.onSpawn?.(pid, spec.label),
    onStopped: hooks.onStopped,
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const grace = hooks.stopGraceMs ?? DEFAULT_GRACE_MS;
  const servedModel = plan.servedModel;
  let readiness: Readiness;
  try {
    readiness = await waitReady({
      baseUrl,
      healthPath: plan.healthPath,
      model: servedModel,
      proc,
      deadline: Date.now() + spec.startupTimeoutS * 1000,
      signal: hooks.signal,
      dialect: adapter.dialect,
      fallback: adapter.dialectFallback,
    });
    // Answers from a foreign server on a stolen port would look ready: only ours counts.
    if (!proc.running()) throw new NotReadyError('exited', `the server process ${describeExit(proc.exitInfo()!)} right after answering`, proc.exitInfo());
    if (groupOwnsListener(proc.pid, port) === false) {
      throw new NotReadyError('squatted', `another process answers on 127.0.0.1:${port}, not the server we started: it is never measured`);
    }
  } catch (err) {
    await proc.stop(grace);
    throw startFailure(spec, err, proc, adapter.kind);
  }
  const startupS = (performance.now() - started) / 1000;
  hooks.info?.(`${spec.label}: ready after ${startupS.toFixed(1)} s, serving "${servedModel}" at ${baseUrl}`);
  warnRefusal(spec.label, readiness, hooks);

  let stopping: Promise<void> | null = null;
  return {
    label: spec.label,
    kind: spec.kind,
    baseUrl,
    servedModel,
    dialect: readiness.dialect,
    metricsUrl: adapter.metrics === null ? null : `${baseUrl}${adapter.metrics.path}`,
    metricNames: adapter.metrics?.names ?? null,
    proc,
    launchArgs: plan.args,
    startupS,
    serverVersion: adapter.version.from === 'server' ? await serverVersion(baseUrl) : null,
    localGpu: true,
    logTail: (lines) => proc.tail(lines),
    failure() {
      const exit = proc.exitInfo();
      if (exit === null || exit.requested) return null;
      return `${spec.label} ${describeExit(exit)} while in use${formatLog(proc)}`;
    },
    stop() {
      stopping ??= (async () => {
        await proc.stop(grace);
        // A cancelled job has the runner's 7.5 s to end: no waiting on the GPU then.
        if (gpuBefore === null || hooks.signal?.aborted) return;
        const released = await waitGpuReleased(gpuBefore.usedMiB, { nvidiaSmi: hooks.nvidiaSmi, timeoutMs: hooks.gpuReleaseTimeoutMs });
        if (released && !released.released) hooks.warning?.(describeUnreleased(spec.label, gpuBefore.usedMiB, released));
      })();
      return stopping;
    },
  };
}

/**
 * An endpoint someone else runs: reached and checked with one real completion, never started or
 * stopped; no start-up time and no GPU check, since neither would describe the server.
 */
async function attachEngine(spec: EngineSpec, adapter: EngineAdapter, lifecycle: ExternalLifecycle, hooks: StartHooks): Promise<RunningEngine> {
  const endpoint = await lifecycle.attach(spec).catch((err: Error) => {
    throw new EngineStartError('rejected', `${spec.label}: ${err.message}`);
  });
  for (const note of endpoint.notes) hooks.info?.(`${spec.label}: ${note}`);
  let readiness: Readiness;
  try {
    readiness = await waitReady({
      baseUrl: endpoint.baseUrl,
      healthPath: null,
      model: endpoint.servedModel,
      apiKey: spec.apiKey,
      proc: null,
      deadline: Date.now() + spec.startupTimeoutS * 1000,
      signal: hooks.signal,
      dialect: adapter.dialect,
      fallback: adapter.dialectFallback,
    });
  } catch (err) {
    // No process of ours: only a time-out or a cancellation differ from a refusal.
    const reason = err instanceof NotReadyError && (err.reason === 'timeout' || err.reason === 'cancelled') ? err.reason : 'rejected';
    throw new EngineStartError(reason, `${spec.label}: the endpoint ${endpoint.baseUrl} is not serving "${endpoint.servedModel}": ${(err as Error).message}`);
  }
  hooks.info?.(`${spec.label}: serving "${endpoint.servedModel}" at ${endpoint.baseUrl} (already running: not started or stopped by llm-perf-gate)`);
  warnRefusal(spec.label, readiness, hooks);
  const metricsUrl = adapter.metrics === null ? null : new URL(adapter.metrics.path, endpoint.baseUrl).href;
  return {
    label: spec.label,
    kind: spec.kind,
    baseUrl: endpoint.baseUrl,
    apiKey: spec.apiKey,
    servedModel: endpoint.servedModel,
    dialect: readiness.dialect,
    metricsUrl,
    metricNames: adapter.metrics?.names ?? null,
    proc: null,
    launchArgs: [],
    startupS: null,
    serverVersion: adapter.version.from === 'server' ? await serverVersion(endpoint.baseUrl, spec.apiKey) : null,
    localGpu: isLoopback(endpoint.baseUrl),
    logTail: () => null,
    failure: () => null,
    stop: async () => {},
  };
}

/** A server that refused the preferred dialect is measured without it: said once per start. */
function warnRefusal(label: string, readiness: Readiness, hooks: StartHooks): void {
  if (readiness.refusal === null) return;
  const usage = readiness.dialect.streamOptions === 'none' ? ': no usage is asked for, so output token counts are estimated from the streamed chunks' : '';
  hooks.warning?.(`${label}: the server refused ${readiness.refusedFields.join(', ')} (${readiness.refusal}); requests go without them${usage}`);
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

function checkSpec(spec: EngineSpec, adapter: EngineAdapter): void {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new EngineStartError('bad-spec', `engine ${spec.label || '(no label)'}: ${field} ${JSON.stringify(got)} is invalid: expected ${expected}`);
  };
  if (!/^[\w.-]+$/.test(spec.label)) bad('label', 'letters, digits, dot, dash or underscore', spec.label);
  if (adapter.needs.model && spec.model.trim() === '') bad('model', 'a model id or folder', spec.model);
  if (adapter.needs.python && spec.python.trim() === '') bad('python', 'the Python interpreter of the engine environment', spec.python);
  if (spec.dtype.trim() === '') bad('dtype', 'auto, bfloat16, float16 or float32', spec.dtype);
  if (!(spec.startupTimeoutS > 0)) bad('startupTimeoutS', 'a number of seconds > 0', spec.startupTimeoutS);
  if (spec.port !== undefined && !(Number.isInteger(spec.port) && spec.port > 0 && spec.port < 65536)) bad('port', 'an integer from 1 to 65535', spec.port);
}

function startFailure(spec: EngineSpec, err: unknown, proc: ManagedProcess, kind: string): EngineStartError {
  const tail = proc.tail(TAIL_LINES);
  const name = `${spec.label} (${kind})`;
  if (!(err instanceof NotReadyError)) return new EngineStartError('exited', `${name}: start-up failed: ${(err as Error).message}${formatLog(proc)}`, tail);
  if (err.reason === 'cancelled') return new EngineStartError('cancelled', `${name}: ${err.message}`, tail);
  if (err.reason === 'timeout') {
    return new EngineStartError(
      'timeout',
      `${name}: start-up timeout: not ready within ${spec.startupTimeoutS} s (${err.message}); the process was still running and has been killed${quoteLines(`last ${TAIL_LINES} log lines (${proc.logFile})`, tail.split('\n').filter((l) => l !== ''))}`,
      tail,
    );
  }
  if (err.reason === 'squatted') return new EngineStartError('port-in-use', `${name}: ${err.message}${formatLog(proc)}`, tail);
  const reason = err.reason === 'exited' && /address already in use|EADDRINUSE|\[Errno 98\]/i.test(tail) ? 'port-in-use' : err.reason;
  return new EngineStartError(reason, `${name}: ${err.message}${formatLog(proc)}`, tail);
}

/** Hint, error lines and the log's location, for messages about a failed engine. */
function formatLog(proc: ManagedProcess): string {
  const diagnosis = diagnoseLog(proc.tail(200));
  const hint = diagnosis.hint ? `: ${diagnosis.hint}` : '';
  const lines = diagnosis.errorLines.length > 0 ? diagnosis.errorLines : proc.tail(10).split('\n').filter((l) => l !== '');
  const title = diagnosis.errorLines.length > 0 ? `errors in ${proc.logFile}` : `last lines of ${proc.logFile}`;
  return `${hint}${quoteLines(title, lines)}`;
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
