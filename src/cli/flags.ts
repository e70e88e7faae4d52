// Every flag of the CLI, once: the parser checks against this table and the help text is printed
// from it, so usage cannot drift from what is accepted. Flags that carry an action input's name are
// parsed by config/inputs.ts, so `--repetitions 5` and `repetitions: 5` mean the same thing.

import { INPUT_DEFAULTS } from '../config/inputs.ts';

export interface Flag {
  /** Placeholder of the value in usage text; absent for a switch such as `--records`. */
  readonly value?: string;
  readonly help: string;
  /** An action input of the same name (config/inputs.ts parses and checks it). */
  readonly input?: true;
  /** Paths the command reads: checked to exist before it starts, so a typo is one clear line. */
  readonly reads?: 'path' | 'paths';
}

export const FLAGS = {
  engines: { value: 'LIST', input: true, help: 'engines to measure, in order: vllm, transformers, openai (an endpoint already running), custom (a server from --custom-command), sim (both simulated profiles), sim-vllm, sim-transformers' },
  model: { value: 'ID|PATH', input: true, help: 'model served by the real engines (Hugging Face id or local folder)' },
  scenarios: { value: 'FILE', input: true, reads: 'path', help: 'scenario file (default: the action\'s scenarios/default.yml)' },
  repetitions: { value: 'N', input: true, help: 'measured repetitions of every scenario per run' },
  runs: { value: 'N', input: true, help: 'independent engine starts per engine, each with its warm-up and repetitions' },
  'max-runs': { value: 'N', input: true, help: 'sequential design (default: 16 in pr mode, off in the others; 0 or ≤ --runs: off): add runs one at a time while a cell that could end a regression is undecided, up to N in all (each look tests at its share of 1 − confidence: a quarter to the first, half to the last)' },
  'time-budget': { value: 'DURATION', input: true, help: 'sequential design: add a run only if it fits this measuring time, every engine\'s runs together (900, 15m, 1h; default: 1h in pr mode where the design is on, none in the others); none: --max-runs alone bounds the job; a duration needs --max-runs above --runs' },
  'max-failure-rate': { value: 'R', input: true, help: 'share of failed requests above which an engine × scenario is an error' },
  'warmup-repetitions': { value: 'N', input: true, help: 'unrecorded passes after each engine start' },
  'warm-start': { value: 'true|false', input: true, help: 'start each engine twice before the first run and time both starts' },
  mode: { value: 'MODE', input: true, help: 'pr | schedule | release | baseline' },
  tolerances: { value: 'M=X,...', input: true, help: 'per-metric tolerance overrides, e.g. ttft_p50=0.1,output_throughput=0.05' },
  'fail-on': { value: 'WHEN', input: true, help: 'regression | inconclusive | never' },
  'missing-baseline': { value: 'WHAT', input: true, help: 'without a baseline to compare with: fail | warn | auto (fail once the baseline file\'s folder has held one)' },
  history: { value: 'W', input: true, help: 'baseline window: the last W recorded runs (engine starts) per key' },
  'history-keep': { value: 'K', input: true, help: 'runs kept per key when recording (≥ --history); a write deletes only the oldest beyond K, and says so' },
  confidence: { value: 'C', input: true, help: 'confidence of the intervals; 1 − C is the family-wise false-alarm rate' },
  shard: { value: 'I/N', input: true, help: 'run shard I of N' },
  python: { value: 'PY', input: true, help: 'Python interpreter of the real engines' },
  'vllm-args': { value: "'...'", input: true, help: 'extra arguments for vllm serve' },
  'transformers-args': { value: "'...'", input: true, help: 'extra arguments for transformers serve' },
  'sim-args': { value: "'...'", input: true, help: 'extra arguments for the simulated engine (see sim-serve --help)' },
  'startup-timeout': { value: 'S', input: true, help: 'seconds an engine may take to become ready' },
  'gpu-memory-utilization': { value: 'U', input: true, help: "GPU memory budget as a share of the card, for every engine (vLLM's --gpu-memory-utilization; transformers' paged cache)" },
  'base-url': { value: 'URL', input: true, help: 'openai: the endpoint already running, http(s)://host:port with or without /v1' },
  'api-key': { value: 'KEY', input: true, help: 'openai: bearer token for --base-url (never printed or written to the results)' },
  'custom-command': { value: "'...{port}...'", input: true, help: 'custom: the command that starts the server, with {port} (required), {model}, {host} filled in; run without a shell' },
  'custom-name': { value: 'NAME', input: true, help: 'custom: its name in the report and the baseline key' },
  'custom-ready-path': { value: '/PATH', input: true, help: 'custom: a path polled for 200 before the readiness completion (e.g. /health)' },
  out: { value: 'DIR', help: 'where to write: a folder for results.json, report.md and the exports' },
  baseline: { value: 'FILE', help: 'baseline history file (JSON): read for the comparison, written in baseline and schedule modes' },
  current: { value: 'FILE|DIR', reads: 'path', help: 'results.json of the run to compare, or the folder that holds it (a run\'s --out)' },
  in: { value: 'DIR', reads: 'paths', help: 'input folder(s) with results.json (comma-separated where several)' },
  seed: { value: 'N', input: true, help: 'seed of the scenario order and prompts' },
  records: { help: 'keep every request record in results.json' },
  'allow-fingerprint-mismatch': { input: true, help: 'compare with a baseline from different hardware or software' },
  quiet: { help: 'print only warnings, errors and the final result (no progress)' },
  title: { value: 'TEXT', help: 'dashboard: the page title' },
  'repo-url': { value: 'URL', help: 'dashboard: https://github.com/OWNER/REPO, for links from each run to its commit and pull request' },
  'dashboard-window': { value: 'N', help: 'dashboard: runs kept per key, the published ones and the baseline\'s merged (default 500)' },
  pr: { value: 'N', help: 'mark-false-alarm: the pull request whose failed gate was a false alarm' },
  sha: { value: 'SHA', help: 'mark-false-alarm: the commit whose failed gate was a false alarm (7 to 40 hex digits)' },
  note: { value: 'TEXT', help: 'mark-false-alarm: why it was a false alarm' },
  by: { value: 'NAME', help: 'mark-false-alarm: who marks it (default: $USER)' },
} as const satisfies Readonly<Record<string, Flag>>;

export type FlagName = keyof typeof FLAGS;

/** Where the CLI's defaults differ from the action's: no GPU needed, and a baseline is a local file. */
export const CLI_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({ engines: 'sim', 'baseline-store': 'file' });

/** The default a flag shows in help: the CLI's own, else the action input's (one source for both). */
export function flagDefault(name: FlagName): string | undefined {
  if (!flagDef(name).input) return undefined;
  return CLI_DEFAULTS[name] ?? (INPUT_DEFAULTS as Readonly<Record<string, string>>)[name];
}

export function flagDef(name: FlagName): Flag {
  return FLAGS[name];
}
