import { OPENAI_DIALECT, PLAIN_OPENAI_DIALECT } from '../load/client.ts';
import type { EngineAdapter, EngineSpec, LaunchPlan } from './adapter.ts';

// Any server started by a command line the user gives (SGLang, TGI, llama.cpp's server, their own
// stack), with {port}, {model} and {host} filled in. The words are split once, without a shell,
// when the input is read; a placeholder is replaced inside a word and can never add a word, so a
// model name or path cannot inject anything. The server then has the same lifecycle as the built-in
// engines: its own process group, a log file, ready after one real completion, stopped with its group.

const HOST = '127.0.0.1';
const PLACEHOLDER = /\{(\w+)\}/g;
export const CUSTOM_PLACEHOLDERS = ['port', 'model', 'host'] as const;

/** Problems of a command template: empty, no {port}, a placeholder that does not exist. */
export function checkCommandTemplate(words: readonly string[]): string | null {
  if (words.length === 0) return 'an empty command';
  const used = new Set(words.flatMap((w) => [...w.matchAll(PLACEHOLDER)].map((m) => m[1])));
  const unknown = [...used].filter((p) => !(CUSTOM_PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length > 0) return `unknown placeholder ${unknown.map((p) => `{${p}}`).join(', ')} (known: {port}, {model}, {host})`;
  // The action picks a free port and must know where the server listens.
  if (!used.has('port')) return 'no {port}: the server must listen on the port the action picks';
  if (words[0].includes('{')) return 'a placeholder in the program name';
  return null;
}

export function customPlan(spec: EngineSpec, port: number): LaunchPlan {
  const template = spec.command ?? [];
  const problem = checkCommandTemplate(template);
  if (problem) throw new Error(`${spec.label}: custom-command: ${problem}`);
  const values: Record<string, string> = { port: String(port), model: spec.model, host: HOST };
  const [command, ...args] = template.map((w) => w.replace(PLACEHOLDER, (_, name: string) => values[name]));
  const notes = spec.extraArgs.length > 0 ? [`engine arguments ${spec.extraArgs.join(' ')} not applied: put them in custom-command`] : [];
  return {
    command,
    args,
    // Python servers flush their logs as they write them, so a failed start shows its last words.
    env: { PYTHONUNBUFFERED: '1' },
    servedModel: spec.model,
    healthPath: spec.readyPath ?? null,
    notes,
  };
}

export const customAdapter: EngineAdapter = {
  kind: 'custom',
  names: { custom: [{ kind: 'custom', label: 'custom' }] },
  description: 'any OpenAI-compatible server started by `custom-command` ({port}, {model}, {host} filled in)',
  requiredInputs: ['custom-command'],
  labelInput: 'custom-name',
  needs: { model: true, python: false, gpu: true },
  tokenizer: 'model',
  dialect: OPENAI_DIALECT,
  // A server of any make: one that refuses stream_options is spoken to without it.
  dialectFallback: PLAIN_OPENAI_DIALECT,
  version: { from: 'server' },
  metrics: null,
  lifecycle: { type: 'managed', plan: async (spec, port) => customPlan(spec, port) },
};
