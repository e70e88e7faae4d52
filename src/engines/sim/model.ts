// The performance model: how long each engine step takes and which requests it serves.
// Reference host (docs/sim-engine.md has the derivations): one RTX 3090 and Qwen2.5-7B in bf16.
// A decode step is bound by reading the weights once (memory bandwidth), a prefill step by the
// matrix multiplies over its prompt tokens (compute): a roofline, max(memory, compute), plus a
// fixed per-step overhead and the attention reads of every scheduled request's KV cache.

import { BLOCK_TOKENS, KvBlockPool, blockHashes } from './kv-cache.ts';

/** The hardware and model the constants describe. */
export const REFERENCE = Object.freeze({
  gpu: 'NVIDIA RTX 3090',
  /** GDDR6X bandwidth, bytes/s. */
  memoryBandwidth: 936e9,
  /** Dense bf16 tensor throughput with fp32 accumulation (GeForce Ampere runs that at half rate), FLOP/s. */
  peakBf16Flops: 35.6e12,
  model: 'Qwen2.5-7B-Instruct (bf16)',
  parameters: 7.62e9,
  weightBytes: 15.23e9,
  /** K and V, 28 layers x 4 KV heads x 128 dims x 2 bytes x 2. */
  kvBytesPerToken: 57_344,
});

/** Per-step cost terms of one engine profile, in milliseconds. */
export interface StepCosts {
  /** Scheduling, sampling, detokenising, kernel launches not hidden behind the GPU. */
  readonly overheadMs: number;
  /** Reading every weight once: the floor of any step. */
  readonly weightReadMs: number;
  /** Matrix multiplies per token processed (2 FLOPs per parameter). */
  readonly computeMsPerToken: number;
  /** Attention reading one token of cached K and V. */
  readonly kvReadMsPerToken: number;
}

function costs(overheadMs: number, bandwidthEfficiency: number, flopsEfficiency: number): StepCosts {
  const bandwidth = REFERENCE.memoryBandwidth * bandwidthEfficiency;
  return Object.freeze({
    overheadMs,
    weightReadMs: (REFERENCE.weightBytes / bandwidth) * 1e3,
    computeMsPerToken: ((2 * REFERENCE.parameters) / (REFERENCE.peakBf16Flops * flopsEfficiency)) * 1e3,
    kvReadMsPerToken: (REFERENCE.kvBytesPerToken / bandwidth) * 1e3,
  });
}

/** vLLM: CUDA graphs and fused kernels; about 47 tokens/s single stream (77% of the bandwidth bound). */
export const VLLM_COSTS = costs(2, 0.85, 0.8);
/** Transformers `generate`: eager PyTorch with a Python loop per token; about 32 tokens/s single stream. */
export const TRANSFORMERS_COSTS = costs(9, 0.75, 0.7);

/** vLLM's chunked-prefill token budget per step (max_num_batched_tokens) and max_num_seqs. */
export const VLLM_MAX_BATCHED_TOKENS = 2048;
export const VLLM_MAX_SEQS = 256;

/** Time of one step that processes `tokens` tokens while attending over `contextTokens` cached ones. */
export function stepMs(c: StepCosts, tokens: number, contextTokens: number): number {
  return c.overheadMs + Math.max(c.weightReadMs, tokens * c.computeMsPerToken) + contextTokens * c.kvReadMsPerToken;
}

/** One request as the engine sees it. */
export interface GenerationRequest {
  readonly promptIds: readonly number[];
  readonly maxTokens: number;
  /** Called when a step produced the request's `generated`-th token. */
  readonly onToken: (generated: number, finished: boolean) => void;
}

/** What /metrics reports; null where the engine has no such thing. */
export interface EngineGauges {
  readonly running: number;
  readonly waiting: number;
  readonly kvUsage: number | null;
  readonly preemptions: number | null;
  readonly prefixQueriedTokens: number | null;
  readonly prefixHitTokens: number | null;
  readonly promptTokens: number;
  readonly generationTokens: number;
}

/** One planned engine step: its modelled duration (before slowdown and noise) and its effect. */
export interface Step {
  readonly costMs: number;
  /** A pause while the engine waits for work (not GPU time: slowdown and noise do not apply). */
  readonly idle?: boolean;
  complete(): void;
}

export interface Scheduler {
  /** Queues a request; returns a function that withdraws it (client gone). */
  add(req: GenerationRequest): () => void;
  /** Plans the next step from the current queues; null when there is nothing to do. */
  nextStep(): Step | null;
  gauges(): EngineGauges;
}

interface Seq {
  readonly req: GenerationRequest;
  readonly hashes: readonly number[];
  generated: number;
  /** Tokens whose K and V are in the cache. */
  computed: number;
  plainBlocks: number;
  cached: number[];
  /** Prompt blocks already matched or registered in the prefix cache. */
  hashedBlocks: number;
  state: 'waiting' | 'running' | 'done';
}

const newSeq = (req: GenerationRequest, hashes: readonly number[]): Seq => ({
  req,
  hashes,
  generated: 0,
  computed: 0,
  plainBlocks: 0,
  cached: [],
  hashedBlocks: 0,
  state: 'waiting',
});

const tokensOf = (s: Seq): number => s.req.promptIds.length + s.generated;

/**
 * vLLM (V1 engine) scheduling: continuous batching; each step first serves the running requests
 * (one decode token each, or the next prefill chunk) and then admits waiting ones first-come
 * first-served while the token budget, the sequence limit and free KV blocks allow. A running
 * request that needs a block when none is free preempts the most recently admitted one, which
 * loses its KV cache and is recomputed later (prompt and output so far) from the front of the queue.
 */
export class VllmScheduler implements Scheduler {
  readonly #pool: KvBlockPool;
  readonly #costs: StepCosts;
  readonly #running: Seq[] = [];
  readonly #waiting: Seq[] = [];
  #preemptions = 0;
  #promptTokens = 0;
  #generationTokens = 0;

  constructor(kvTokens: number, stepCosts: StepCosts = VLLM_COSTS) {
    this.#pool = new KvBlockPool(kvTokens);
    this.#costs = stepCosts;
  }

  /** Longest prompt + output the KV cache can hold (vLLM refuses to start below max_model_len). */
  get capacityTokens(): number {
    return this.#pool.capacityBlocks * BLOCK_TOKENS;
  }

  add(req: GenerationRequest): () => void {
    const seq = newSeq(req, blockHashes(req.promptIds));
    this.#waiting.push(seq);
    return () => this.#withdraw(seq);
  }

  #withdraw(seq: Seq): void {
    if (seq.state === 'waiting') this.#waiting.splice(this.#waiting.indexOf(seq), 1);
    else if (seq.state === 'running') this.#evict(seq);
    seq.state = 'done';
  }

  /** Removes a running request and frees its blocks. */
  #evict(seq: Seq): void {
    this.#running.splice(this.#running.indexOf(seq), 1);
    this.#pool.release(seq.plainBlocks, seq.cached);
    seq.plainBlocks = 0;
    seq.cached = [];
    seq.computed = 0;
    seq.hashedBlocks = 0;
  }

  /** Makes sure `seq` holds blocks for `tokens` tokens. */
  #reserve(seq: Seq, tokens: number): boolean {
    const need = Math.ceil(tokens / BLOCK_TOKENS) - seq.plainBlocks - seq.cached.length;
    if (need <= 0) return true;
    if (!this.#pool.allocate(need)) return false;
    seq.plainBlocks += need;
    return true;
  }

  nextStep(): Step | null {
    let budget = VLLM_MAX_BATCHED_TOKENS;
    const batch: { seq: Seq; n: number }[] = [];
    let preempted = false;
    for (let i = 0; i < this.#running.length && budget > 0; i++) {
      const seq = this.#running[i];
      const n = Math.min(tokensOf(seq) - seq.computed, budget);
      while (!this.#reserve(seq, seq.computed + n)) {
        const victim = this.#running[this.#running.length - 1];
        this.#evict(victim);
        victim.state = 'waiting';
        this.#waiting.unshift(victim);
        this.#preemptions++;
        preempted = true;
        if (victim === seq) break;
      }
      if (seq.state !== 'running') break;
      batch.push({ seq, n });
      budget -= n;
    }
    // Like vLLM, admit nobody in a step that had to preempt: memory is short.
    while (!preempted && this.#waiting.length > 0 && budget > 0 && this.#running.length < VLLM_MAX_SEQS) {
      const seq = this.#waiting[0];
      const total = tokensOf(seq);
      // At least one token is always computed, so a fully cached prompt still recomputes its last block.
      seq.cached = this.#pool.claimPrefix(seq.hashes, Math.floor((total - 1) / BLOCK_TOKENS));
      seq.hashedBlocks = seq.cached.length;
      seq.computed = seq.cached.length * BLOCK_TOKENS;
      const n = Math.min(total - seq.computed, budget);
      if (!this.#reserve(seq, seq.computed + n)) {
        this.#pool.release(0, seq.cached);
        seq.cached = [];
        seq.hashedBlocks = 0;
        seq.computed = 0;
        break;
      }
      this.#pool.recordLookup(total, seq.computed);
      this.#waiting.shift();
      seq.state = 'running';
      this.#running.push(seq);
      batch.push({ seq, n });
      budget -= n;
    }
    if (batch.length === 0) {
      if (this.#waiting.length > 0) throw new Error('sim scheduler: requests wait but none can be admitted into an idle engine');
      return null;
    }
    let tokens = 0;
    let context = 0;
    for (const { seq, n } of batch) {
      tokens += n;
      context += seq.computed + n;
    }
    return { costMs: stepMs(this.#costs, tokens, context), complete: () => this.#complete(batch) };
  }

  #complete(batch: readonly { seq: Seq; n: number }[]): void {
    for (const { seq, n } of batch) {
      if (seq.state !== 'running') continue;
      seq.computed += n;
      for (; seq.hashedBlocks < seq.hashes.length && (seq.hashedBlocks + 1) * BLOCK_TOKENS <= seq.computed; seq.hashedBlocks++) {
        const h = seq.hashes[seq.hashedBlocks];
        if (this.#pool.register(h)) {
          seq.plainBlocks--;
          seq.cached.push(h);
        }
      }
      if (seq.computed < tokensOf(seq)) continue; // mid-prefill: no token yet
      seq.generated++;
      this.#generationTokens++;
      if (seq.generated === 1) this.#promptTokens += seq.req.promptIds.length;
      const finished = seq.generated === seq.req.maxTokens;
      if (finished) {
        this.#evict(seq);
        seq.state = 'done';
      }
      seq.req.onToken(seq.generated, finished);
    }
  }

  gauges(): EngineGauges {
    return {
      running: this.#running.length,
      waiting: this.#waiting.length,
      kvUsage: this.#pool.usedBlocks / this.#pool.capacityBlocks,
      preemptions: this.#preemptions,
      prefixQueriedTokens: this.#pool.queriedTokens,
      prefixHitTokens: this.#pool.hitTokens,
      promptTokens: this.#promptTokens,
      generationTokens: this.#generationTokens,
    };
  }
}

interface BatchSeq extends Seq {
  readonly arrivedMs: number;
}

/** How long a free engine waits for a static batch to fill once its first request is queued. */
export const BATCH_WINDOW_MS = 10;

/**
 * `transformers serve` scheduling: no continuous batching. Requests run one at a time, or in static
 * batches of up to `batchSize` taken from the queue when the engine is free (waiting up to
 * BATCH_WINDOW_MS for a batch to fill); a batch prefills together (padded to its longest prompt)
 * and decodes in lockstep until its longest request ends, finished members still occupying their
 * padded rows. No paged KV and no prefix cache.
 */
export class TransformersScheduler implements Scheduler {
  readonly #batchSize: number;
  readonly #costs: StepCosts;
  readonly #now: () => number;
  readonly #waiting: BatchSeq[] = [];
  #batch: BatchSeq[] = [];
  /** Tokens per row of the running batch so far (longest prompt + decode steps). */
  #rowTokens = 0;
  #promptTokens = 0;
  #generationTokens = 0;

  /** `now` (ms) times the batch window; a virtual clock for replays that do not run in real time. */
  constructor(batchSize: number, stepCosts: StepCosts = TRANSFORMERS_COSTS, now: () => number = () => performance.now()) {
    this.#batchSize = batchSize;
    this.#costs = stepCosts;
    this.#now = now;
  }

  add(req: GenerationRequest): () => void {
    const seq: BatchSeq = { ...newSeq(req, []), arrivedMs: this.#now() };
    this.#waiting.push(seq);
    return () => {
      if (seq.state === 'waiting') this.#waiting.splice(this.#waiting.indexOf(seq), 1);
      seq.state = 'done';
    };
  }

  nextStep(): Step | null {
    const rows = this.#batch.length;
    if (this.#batch.some((s) => s.state === 'running')) {
      const context = rows * this.#rowTokens;
      this.#rowTokens++;
      return { costMs: stepMs(this.#costs, rows, context), complete: () => this.#emit() };
    }
    if (this.#waiting.length === 0) {
      this.#batch = [];
      return null;
    }
    const fill = this.#waiting[0].arrivedMs + BATCH_WINDOW_MS - this.#now();
    if (this.#waiting.length < this.#batchSize && fill > 0) return { costMs: fill, idle: true, complete: () => {} };
    this.#batch = this.#waiting.splice(0, this.#batchSize);
    this.#rowTokens = Math.max(...this.#batch.map((s) => s.req.promptIds.length));
    for (const seq of this.#batch) seq.state = 'running';
    return { costMs: stepMs(this.#costs, this.#batch.length * this.#rowTokens, 0), complete: () => this.#emit() };
  }

  #emit(): void {
    for (const seq of this.#batch) {
      if (seq.state !== 'running') continue;
      seq.generated++;
      this.#generationTokens++;
      if (seq.generated === 1) this.#promptTokens += seq.req.promptIds.length;
      const finished = seq.generated === seq.req.maxTokens;
      if (finished) seq.state = 'done';
      seq.req.onToken(seq.generated, finished);
    }
  }

  gauges(): EngineGauges {
    return {
      running: this.#batch.filter((s) => s.state === 'running').length,
      waiting: this.#waiting.length,
      kvUsage: null,
      preemptions: null,
      prefixQueriedTokens: null,
      prefixHitTokens: null,
      promptTokens: this.#promptTokens,
      generationTokens: this.#generationTokens,
    };
  }
}
