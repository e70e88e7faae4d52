import type { EngineAdapter, EngineSelection } from './adapter.ts';
import { customAdapter } from './custom.ts';
import { openaiAdapter } from './openai.ts';
import { simAdapter } from './sim.ts';
import { transformersAdapter } from './transformers.ts';
import { vllmAdapter } from './vllm.ts';

// Every engine the action can measure, one adapter each. The order is the order of the usage text
// and the README table.

const ADAPTERS: readonly EngineAdapter[] = [vllmAdapter, transformersAdapter, openaiAdapter, customAdapter, simAdapter];

export function adapters(): readonly EngineAdapter[] {
  return ADAPTERS;
}

/** The adapter of a kind; throws naming the kinds there are. */
export function adapterFor(kind: string): EngineAdapter {
  const adapter = ADAPTERS.find((a) => a.kind === kind);
  if (!adapter) throw new Error(`unknown engine kind "${kind}"; expected one of ${ADAPTERS.map((a) => a.kind).join(', ')}`);
  return adapter;
}

/** Every name the `engines` input accepts. */
export function engineNames(): string[] {
  return ADAPTERS.flatMap((a) => Object.keys(a.names));
}

/** The selections an `engines` name stands for, or undefined for an unknown name. */
export function selectionsNamed(name: string): readonly EngineSelection[] | undefined {
  for (const a of ADAPTERS) if (Object.hasOwn(a.names, name)) return a.names[name];
  return undefined;
}
