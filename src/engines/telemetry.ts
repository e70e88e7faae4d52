import type { ScenarioTelemetry } from '../types.ts';
import { startMetricsScraper, type MetricsScraper } from '../metrics/engine-metrics.ts';
import { startGpuSampler, type GpuSampler } from '../metrics/gpu.ts';
import type { RunningEngine } from './engine.ts';

// Telemetry of one running engine: the GPU sampler (when the host has nvidia-smi and its GPU is the
// engine's) and the engine's /metrics scraper (when its adapter names one), opened and closed
// around each scenario.

export interface TelemetryWindow {
  readonly fromMs: number;
  readonly metricsWindow: number | null;
}

export interface EngineTelemetry {
  begin(): Promise<TelemetryWindow>;
  end(window: TelemetryWindow): Promise<ScenarioTelemetry>;
  stop(): Promise<void>;
}

export async function startEngineTelemetry(
  engine: Pick<RunningEngine, 'metricsUrl' | 'metricNames' | 'localGpu'>,
  opts: { readonly nvidiaSmi?: string; readonly gpuIntervalMs?: number; readonly scrapeIntervalMs?: number; readonly warn?: (message: string) => void } = {},
): Promise<EngineTelemetry> {
  const gpu: GpuSampler | null = engine.localGpu ? await startGpuSampler({ bin: opts.nvidiaSmi, intervalMs: opts.gpuIntervalMs }) : null;
  const scraper: MetricsScraper | null =
    engine.metricsUrl && engine.metricNames ? startMetricsScraper(engine.metricsUrl, engine.metricNames, opts.scrapeIntervalMs, opts.warn) : null;
  return {
    async begin() {
      const metricsWindow = scraper ? await scraper.begin().catch(() => null) : null;
      return { fromMs: Date.now(), metricsWindow };
    },
    async end(window) {
      const toMs = Date.now();
      const telemetry: { -readonly [K in keyof ScenarioTelemetry]: ScenarioTelemetry[K] } = {};
      if (gpu) {
        const g = gpu.summary(window.fromMs, toMs);
        if (g.peakMemoryMiB !== null) telemetry.peakGpuMemoryMiB = g.peakMemoryMiB;
        if (g.meanUtilizationPct !== null) telemetry.meanGpuUtilPct = g.meanUtilizationPct;
        if (g.samples > 0) {
          telemetry.throttleReasons = g.throttleReasons;
          telemetry.busyThrottleReasons = g.busyThrottleReasons;
        }
      }
      if (scraper && window.metricsWindow !== null) {
        const e = await scraper.end(window.metricsWindow);
        if (e.peakKvCacheUsage !== null) telemetry.peakKvCacheUsage = e.peakKvCacheUsage;
        if (e.maxRunning !== null) telemetry.maxRunningRequests = e.maxRunning;
        if (e.maxWaiting !== null) telemetry.maxWaitingRequests = e.maxWaiting;
        if (e.preemptions !== null) telemetry.preemptions = e.preemptions;
        if (e.prefixCacheHitRate !== null) telemetry.prefixCacheHitRate = e.prefixCacheHitRate;
      }
      return telemetry;
    },
    async stop() {
      await Promise.all([gpu?.stop(), scraper?.stop()]);
    },
  };
}
