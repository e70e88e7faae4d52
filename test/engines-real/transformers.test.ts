import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { collectFingerprint } from '../../src/baseline/fingerprint.ts';
import { startEngine } from '../../src/engines/engine.ts';
import { groupAlive } from '../../src/engines/process.ts';
import { packageRoot } from '../../src/paths.ts';
import type { RunResult } from '../../src/types.ts';
import { transformersPython } from '../helpers/engine-envs.ts';
import { runCliAgainstRealEngine, runShowingProgress } from '../helpers/cli-e2e.ts';

// A real `transformers serve` on the CPU, serving the tiny random-weight Qwen2 model that
// scripts/setup-engines.sh builds (its output is meaningless text; its token counts are real).

const root = packageRoot();
const python = transformersPython;
const model = join(root, '.models', 'tiny-qwen2');
const logDir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-real-'));
after(() => rmSync(logDir, { recursive: true, force: true }));

describe('transformers serve (real engine, tiny model)', () => {
  it('starts through startEngine, streams exactly max_tokens, stops with its process group gone', async () => {
    assert.ok(
      existsSync(python) && existsSync(join(model, 'config.json')),
      `the engine environment is missing (${python} and ${model}): run scripts/setup-engines.sh first`,
    );
    const spec = {
      kind: 'transformers',
      label: 'transformers',
      model,
      python,
      dtype: 'float32',
      extraArgs: [],
      startupTimeoutS: 300,
      logDir,
    } as const;
    const engine = await startEngine(spec, { nvidiaSmi: join(logDir, 'no-nvidia-smi') });
    try {
      assert.equal(engine.servedModel, model);
      assert.equal(engine.metricsUrl, null);
      assert.ok(engine.startupS > 0);

      const maxTokens = 12;
      const res = await fetch(`${engine.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: engine.servedModel,
          messages: [{ role: 'user', content: 'Count to ten.' }],
          max_tokens: maxTokens,
          stream: true,
          stream_options: { include_usage: true },
        }),
      });
      assert.equal(res.status, 200);
      const chunks = (await res.text())
        .split('\n')
        .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
        .map((l) => JSON.parse(l.slice(6)) as { choices: { delta?: { content?: string } }[]; usage?: { completion_tokens: number } });
      const usage = chunks.findLast((c) => c.usage)?.usage;
      assert.equal(usage?.completion_tokens, maxTokens);
      assert.ok(chunks.some((c) => (c.choices[0]?.delta?.content ?? '') !== ''), 'no generated text streamed');

      const fp = await collectFingerprint({ kind: 'transformers', python, model, engineArgs: engine.launchArgs, actionVersion: 'test' });
      assert.match(fp.engine.version, /^5\./);
      assert.match(fp.torch ?? '', /^2\./);
      assert.match(fp.model.configHash ?? '', /^[0-9a-f]{64}$/);
      assert.match(fp.model.tokenizerHash ?? '', /^[0-9a-f]{64}$/);
      assert.deepEqual(fp.engineArgs, ['dtype=float32']);
      assert.equal(engine.failure(), null);
    } finally {
      await engine.stop();
    }
    assert.equal(groupAlive(engine.proc.pid), false);
  });
});

describe('the CLI end to end against a real transformers serve', () => {
  it('measures the smoke scenarios with exact token counts, TTFT < E2EL and no failures', async () => {
    const result = await runCliAgainstRealEngine('transformers', python, model);
    assert.equal(result.engines[0].fingerprint.engine.name, 'transformers');
  });
});

describe('capacity search and trace replay against a real transformers serve', () => {
  it('finds a capacity within the search bounds and replays a trace at its times with its lengths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-capacity-'));
    try {
      // Three requests of a Mooncake trace (times in ms), and a concurrency search with a loose SLO.
      writeFileSync(join(dir, 'trace.jsonl'), ['{"timestamp": 0, "input_length": 40, "output_length": 6, "hash_ids": []}', '{"timestamp": 400, "input_length": 24, "output_length": 4, "hash_ids": []}', '{"timestamp": 900, "input_length": 60, "output_length": 5, "hash_ids": []}'].join('\n'));
      writeFileSync(
        join(dir, 'scenarios.yml'),
        `version: 1
defaults: {timeout-s: 60, slo: {ttft-ms: 20000}}
scenarios:
  - name: clients
    description: The most clients within a loose TTFT SLO.
    input: 32
    output: 4
    requests: 4
    load: {capacity: {over: concurrency, start: 1, max: 4, resolution: 0.5}}
    seed: 1
  - name: replay
    description: A three-request trace.
    load: {trace: trace.jsonl}
    seed: 2
`,
      );
      const out = join(dir, 'out');
      await runShowingProgress('transformers', [join(root, 'src', 'cli.ts'), 'run', '--engines', 'transformers', '--model', model, '--python', python, '--scenarios', join(dir, 'scenarios.yml'), '--repetitions', '2', '--runs', '1', '--warmup-repetitions', '0', '--records', '--out', out], process.env);
      const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult;
      const e = result.engines[0];
      assert.equal(e.status, 'ok', e.error ?? '');
      for (const rep of e.repetitions) {
        const c = rep.scenarios.find((s) => s.scenario === 'clients')!.capacity!;
        assert.ok(c.capacity !== null && c.capacity >= 1 && c.capacity <= 4, JSON.stringify(c));
        assert.ok(c.probes.length >= 1 && c.probes.every((p) => p.load >= 1 && p.load <= 4));
      }
      const replayed = e.records!.filter((r) => r.scenario === 'replay');
      assert.equal(replayed.length, 6);
      for (const r of replayed) {
        assert.ok(r.ok, r.error ?? '');
        assert.equal(r.scheduledMs, [0, 400, 900][r.index]);
        assert.ok(r.sendMs >= r.scheduledMs!, `request ${r.index} sent at ${r.sendMs} ms, due at ${r.scheduledMs} ms`);
        assert.equal(r.promptTokens, [40, 24, 60][r.index]);
        assert.equal(r.maxTokens, [6, 4, 5][r.index]);
      }
      assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /\*\*Capacity at SLO\*\*, clients/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
