import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { adapterFor, adapters, engineNames, selectionsNamed } from '../../src/engines/registry.ts';
import { parseEngines } from '../../src/plan.ts';

const src = resolve(import.meta.dirname, '..', '..', 'src');

describe('engine registry', () => {
  it('every name the engines input accepts selects engines of the adapter that declares it, with labels unique across adapters', () => {
    const labels = new Map<string, string>();
    for (const adapter of adapters()) {
      for (const [name, selections] of Object.entries(adapter.names)) {
        assert.deepEqual(selectionsNamed(name), selections);
        for (const s of selections) {
          assert.equal(s.kind, adapter.kind, `${name} selects ${s.label} of kind ${s.kind}, declared by ${adapter.kind}`);
          const owner = labels.get(s.label);
          assert.ok(owner === undefined || owner === adapter.kind, `label ${s.label} is declared by ${owner} and ${adapter.kind}`);
          labels.set(s.label, adapter.kind);
        }
      }
    }
    assert.equal(new Set(engineNames()).size, engineNames().length, 'an engines name is declared twice');
  });

  it('parses engine lists through the registry and names the accepted names on a typo', () => {
    assert.deepEqual(parseEngines('sim, vllm').map((e) => e.label), ['sim-vllm', 'sim-transformers', 'vllm']);
    assert.throws(() => parseEngines('vlm'), new RegExp(`unknown engine "vlm"; expected a comma-separated list of ${engineNames().join(', ')}`));
    assert.throws(() => adapterFor('tgi'), /unknown engine kind "tgi"; expected one of vllm, /);
  });

  it('src/ has no import cycle (the engines used to import each other in a loop)', () => {
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(src, f));
    const edges = new Map<string, string[]>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+\.ts)'/gms)]
        // Type-only imports vanish at run time but still couple the modules: they count too.
        .map((m) => resolve(dirname(file), m[1]));
      edges.set(file, targets);
    }
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        const cycle = stack.slice(stack.indexOf(file)).concat(file).map((f) => f.slice(src.length + 1));
        assert.fail(`import cycle: ${cycle.join(' → ')}`);
      }
      state.set(file, 'open');
      stack.push(file);
      for (const next of edges.get(file) ?? []) visit(next);
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) visit(file);
    assert.ok(edges.size > 50);
  });
});
