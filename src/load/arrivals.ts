import type { LoadPattern } from '../types.ts';
import { createRng, sampleGamma, type Rng } from './random.ts';

// When open-loop requests are released. Schedules are absolute offsets from the scenario start,
// computed before the first send, so a late timer delays one request but never shifts the rest.

/**
 * Gaps in seconds between successive arrivals of a renewal process at `rate` per second whose gaps
 * are gamma distributed with shape `burstiness` (1 = exponential gaps, i.e. Poisson arrivals;
 * below 1 burstier, above 1 more regular). Mean gap 1/rate, coefficient of variation 1/√burstiness.
 */
export function interArrivalGapsS(rate: number, burstiness: number, count: number, rng: Rng): number[] {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`load.rate must be a positive number of requests per second, got ${rate}`);
  if (!(burstiness > 0) || !Number.isFinite(burstiness)) throw new Error(`load.burstiness must be a positive number (gamma shape), got ${burstiness}`);
  checkCount(count);
  const scale = 1 / (rate * burstiness);
  const gaps = new Array<number>(count);
  for (let i = 0; i < count; i++) gaps[i] = sampleGamma(rng, burstiness, scale);
  return gaps;
}

/**
 * Send offsets in milliseconds from the scenario start for `count` requests, or null for a closed
 * loop (`concurrency`), which has no schedule. Burst: every request at 0. Poisson/gamma: the first
 * request at 0, then drawn gaps, rescaled so the last request falls exactly at (count − 1)/rate
 * seconds; like `vllm bench serve`, this keeps the offered load identical across seeds, so
 * repetitions differ by the engine's noise and not by how many requests one draw happened to pack
 * into the run (for 100 requests an unscaled sum varies by about 10%). Trace: the trace's own
 * (scaled) arrival times, the same in every repetition.
 */
export function arrivalScheduleMs(load: LoadPattern, count: number, seed: number): number[] | null {
  checkCount(count);
  switch (load.kind) {
    case 'concurrency':
      return null;
    case 'burst':
      return new Array<number>(count).fill(0);
    case 'poisson': {
      const gaps = interArrivalGapsS(load.rate, load.burstiness, Math.max(count - 1, 0), createRng(seed));
      const offsets = new Array<number>(count);
      let t = 0;
      for (let i = 0; i < count; i++) {
        offsets[i] = t;
        if (i < gaps.length) t += gaps[i];
      }
      const target = (count - 1) / load.rate;
      const factor = t > 0 ? (target * 1000) / t : 0;
      for (let i = 0; i < count; i++) offsets[i] *= factor;
      return offsets;
    }
    case 'trace':
      if (count > load.requests.length) throw new Error(`a trace of ${load.requests.length} requests cannot schedule ${count}`);
      return load.requests.slice(0, count).map((r) => r.atMs);
    case 'capacity':
      // A search runs probes at fixed loads (src/load/capacity.ts); it has no schedule of its own.
      throw new Error('a capacity load has no schedule: each probe of the search has its own load');
  }
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`request count must be a non-negative integer, got ${count}`);
}
