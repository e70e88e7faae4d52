// Runs a scheduler's steps in real time: each step's modelled cost (times slowdown, the run's noise
// multiplier and a little per-step jitter) elapses on a timer before its tokens are released.
// Steps are laid end to end on a virtual clock, so a timer that fires late shortens the next wait
// instead of adding up: over many steps the engine keeps its modelled speed.

import { createRng, drawRunMultiplier, jitterSeed, STEP_JITTER_SHARE, type Rng } from './noise.ts';
import type { GenerationRequest, Scheduler } from './model.ts';

/** An idle gap at least this long ends a run: the next busy period draws a new speed multiplier. */
export const RUN_GAP_MS = 200;

/** Steps finished back to back without yielding when timers ran late, so I/O is never starved. */
const MAX_STEPS_PER_TICK = 64;

export interface LoopOptions {
  readonly slowdown: number;
  readonly noise: number;
  readonly seed: number;
}

export class EngineLoop {
  readonly #scheduler: Scheduler;
  readonly #opts: LoopOptions;
  readonly #runRng: Rng;
  readonly #jitterRng: Rng;
  #multiplier = 1;
  #busy = false;
  #idleSince = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(scheduler: Scheduler, opts: LoopOptions) {
    this.#scheduler = scheduler;
    this.#opts = opts;
    this.#runRng = createRng(opts.seed);
    this.#jitterRng = createRng(jitterSeed(opts.seed));
  }

  /** The current run's speed multiplier (1 without noise). */
  get runMultiplier(): number {
    return this.#multiplier;
  }

  submit(req: GenerationRequest): () => void {
    const withdraw = this.#scheduler.add(req);
    if (!this.#busy && !this.#closed) {
      const now = performance.now();
      if (now - this.#idleSince >= RUN_GAP_MS) {
        this.#multiplier = drawRunMultiplier(this.#runRng, this.#opts.noise);
      }
      this.#busy = true;
      this.#run(now);
    }
    return withdraw;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  /** Plans steps starting at virtual time `start`, completing at once those whose end has passed. */
  #run(start: number): void {
    for (let i = 0; i < MAX_STEPS_PER_TICK; i++) {
      const step = this.#scheduler.nextStep();
      if (step === null) {
        this.#busy = false;
        this.#idleSince = Math.min(start, performance.now());
        return;
      }
      const scale = step.idle === true ? 1 : this.#opts.slowdown * this.#multiplier * drawRunMultiplier(this.#jitterRng, this.#opts.noise * STEP_JITTER_SHARE);
      const end = start + step.costMs * scale;
      const wait = end - performance.now();
      if (wait > 0) {
        this.#timer = setTimeout(() => {
          step.complete();
          if (!this.#closed) this.#run(end);
        }, wait);
        return;
      }
      step.complete();
      start = end;
    }
    this.#timer = setTimeout(() => this.#run(start), 0);
  }
}
