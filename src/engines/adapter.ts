import type { RequestDialect } from '../load/client.ts';
import type { EngineMetricNames } from '../metrics/engine-metrics.ts';

// The contract every engine adapter fulfils (the model: vLLM's ASYNC_REQUEST_FUNCS behind one
// RequestFunc shape). The core (startEngine, measure, the fingerprint, the input parser) reads what
// an engine needs from its adapter and never branches on its kind; a new engine is its adapter, its
// line in registry.ts and its test. This file imports types only, so adapters and the core can
// both depend on it without an import loop.

/** One engine as the `engines` input names it: which adapter, under which label. */
export interface EngineSelection {
  /** The adapter's kind. */
  readonly kind: string;
  /** Baseline key part and report label: 'vllm', 'transformers', 'sim-vllm', 'openai', ... */
  readonly label: string;
  /** Engine arguments that make this selection what it is (sim: `--profile vllm`), before the user's. */
  readonly args?: readonly string[];
}

/** What the launcher knows about one engine to start or reach. */
export interface EngineSpec {
  readonly kind: string;
  /** Baseline key part and report label ('vllm', 'transformers', 'sim-vllm', ...). */
  readonly label: string;
  /** Model id or local folder (openai: the served model name, '' = read it from /v1/models). */
  readonly model: string;
  /** Python interpreter of the engine's environment (used by adapters with `needs.python`). */
  readonly python: string;
  /** 'auto', 'bfloat16', 'float16', 'float32'. */
  readonly dtype: string;
  readonly maxModelLen?: number;
  /** Share of GPU memory the engine may take (vLLM; transformers' paged cache when batching). */
  readonly gpuMemoryUtilization?: number;
  /**
   * The card's memory and the model's weights, where known: transformers reads its memory share as
   * a share of what is left after loading, so the same total budget is a different number there.
   */
  readonly gpuMemory?: { readonly totalMiB: number; readonly weightBytes: number };
  /** Further engine arguments, passed as given (for sim: sim-serve flags). */
  readonly extraArgs: readonly string[];
  readonly startupTimeoutS: number;
  /** Folder for the engine's log file (<label>.log). */
  readonly logDir: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Listen on this port instead of a free one. */
  readonly port?: number;
  /** transformers: serve with continuous batching (default: when the extra arguments ask for it). */
  readonly continuousBatching?: boolean;
  /** openai: the endpoint already running (http(s)://host:port, with or without /v1). */
  readonly baseUrl?: string;
  /** openai: bearer token for the endpoint (never logged, never recorded). */
  readonly apiKey?: string;
  /** custom: the server's command line, one word per entry, with {port} {model} {host} placeholders. */
  readonly command?: readonly string[];
  /** custom: a path polled for 200 before the readiness completion (none: the completion alone). */
  readonly readyPath?: string;
  /** Which of the job's runs this start serves (0-based; default 0): sim draws that run's noise from it. */
  readonly run?: number;
}

/** How to start a managed engine server and how to talk to it. Building it starts nothing. */
export interface LaunchPlan {
  readonly command: string;
  readonly args: readonly string[];
  /** Variables added to the inherited environment (the spec's own env is applied on top). */
  readonly env: Readonly<Record<string, string>>;
  /** Model name requests must carry. */
  readonly servedModel: string;
  /** Polled for 200 before the readiness completion; null: the completion alone decides. */
  readonly healthPath: string | null;
  /** Settings of the spec this engine cannot honour, said out loud rather than dropped silently. */
  readonly notes: readonly string[];
}

/** A server this action starts, stops and watches (its own process group, its log file). */
export interface ManagedLifecycle {
  readonly type: 'managed';
  /** Detects what it must (entry point, CLI flavour) and builds the command; throws naming the fix. */
  plan(spec: EngineSpec, port: number): Promise<LaunchPlan>;
}

/** What an already-running endpoint told about itself when it was reached. */
export interface AttachedEndpoint {
  readonly baseUrl: string;
  readonly servedModel: string;
  readonly notes: readonly string[];
}

/** A server someone else runs: reached, never started or stopped. */
export interface ExternalLifecycle {
  readonly type: 'external';
  attach(spec: EngineSpec): Promise<AttachedEndpoint>;
}

export interface EngineAdapter {
  readonly kind: string;
  /** Names the `engines` input accepts for this adapter, each with the selections it stands for. */
  readonly names: Readonly<Record<string, readonly EngineSelection[]>>;
  /** One line for the usage and the README table. */
  readonly description: string;
  /** Inputs that must be given when this engine is selected (the model is `needs.model`). */
  readonly requiredInputs: readonly string[];
  /** The model it serves when the `model` input is not given (the simulator's). */
  readonly defaultModel?: string;
  /** Input that, when given, names the engine in the report and the baseline key instead of the kind. */
  readonly labelInput?: string;
  readonly needs: {
    /** A model id or folder is required. */
    readonly model: boolean;
    /** The engine runs in the Python environment of the `python` input. */
    readonly python: boolean;
    /** It takes a GPU on this host: check the GPU is free before a start, and its memory back after a stop. */
    readonly gpu: boolean;
  };
  /**
   * The tokenizer that counts prompt tokens: the model's own ('model': it must be found), the
   * model's when it is found locally and Qwen's bundled one otherwise ('model-or-qwen': an endpoint
   * elsewhere may serve a model this host has no files of), or always Qwen's ('qwen': the simulator).
   */
  readonly tokenizer: 'model' | 'model-or-qwen' | 'qwen';
  /** Which OpenAI extensions requests may carry (ignore_eos/min_tokens, stream_options). */
  readonly dialect: RequestDialect;
  /**
   * What requests carry instead when the server refuses `dialect` at readiness with a 4xx naming a
   * field only `dialect` sends (src/engines/ready.ts); none: such a refusal fails the start.
   */
  readonly dialectFallback?: RequestDialect;
  /**
   * Where the fingerprint's engine version comes from: the first of these Python distributions
   * installed in the engine's environment, this action's own version (the simulator is part of
   * it), or what the server says about itself (/version, its Server header).
   */
  readonly version: { readonly from: 'python'; readonly packages: readonly string[] } | { readonly from: 'action' } | { readonly from: 'server' };
  /** Prometheus endpoint and the names of its series, null when the engine exports none. */
  readonly metrics: { readonly path: string; readonly names: EngineMetricNames } | null;
  readonly lifecycle: ManagedLifecycle | ExternalLifecycle;
  /**
   * Checks the engine's arguments (the selection's own, then the user's) before any engine starts,
   * throwing an Error that says what is wrong: a mistyped flag must not cost an engine start.
   */
  readonly checkArgs?: (args: readonly string[]) => void;
}
