import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { collectFingerprint } from '../../src/baseline/fingerprint.ts';
import { startEngine } from '../../src/engines/engine.ts';
import { groupAlive } from '../../src/engines/process.ts';
import { packageRoot } from '../../src/paths.ts';
import { transformersPython } from '../helpers/engine-envs.ts';
import { runCliAgainstRealEngine } from '../helpers/cli-e2e.ts';

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
