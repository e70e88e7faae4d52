import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, startManaged } from '../../src/engines/process.ts';
import { NotReadyError, waitReady } from '../../src/engines/ready.ts';

// waitReady against the engine STUB (test/fixtures/stubs/engine-stub.mjs) run as a real process.

const stub = join(import.meta.dirname, '..', 'fixtures', 'stubs', 'engine-stub.mjs');
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-ready-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function stubServer(label: string) {
  const port = await freePort();
  const proc = startManaged({
    command: stub,
    args: ['-m', 'vllm.entrypoints.cli.main', 'serve', 'stub-model', '--port', String(port)],
    logFile: join(dir, `${label}.log`),
  });
  return { proc, baseUrl: `http://127.0.0.1:${port}` };
}

describe('waitReady', () => {
  it('returns once health and a streamed completion both succeed', async () => {
    const { proc, baseUrl } = await stubServer('ok');
    try {
      await waitReady({ baseUrl, healthPath: '/health', model: 'stub-model', proc, deadline: Date.now() + 20_000, pollMs: 50 });
      assert.match(proc.tail(5), /Uvicorn running/);
    } finally {
      await proc.stop(2_000);
    }
  });

  it('gives up at once when the engine refuses the model (a 404 does not heal by waiting)', async () => {
    const { proc, baseUrl } = await stubServer('wrong-model');
    try {
      await assert.rejects(
        waitReady({ baseUrl, healthPath: '/health', model: 'other-model', proc, deadline: Date.now() + 20_000, pollMs: 50 }),
        (err: unknown) =>
          err instanceof NotReadyError &&
          err.reason === 'rejected' &&
          /chat: \/v1\/chat\/completions answered http 404: .*The model `other-model` does not exist/.test(err.message) &&
          /completions: \/v1\/completions answered http 404/.test(err.message),
      );
    } finally {
      await proc.stop(2_000);
    }
  });

  it('a deadline already passed: timeout naming the last problem seen', async () => {
    const { proc, baseUrl } = await stubServer('late');
    try {
      await assert.rejects(
        waitReady({ baseUrl, healthPath: '/health', model: 'stub-model', proc, deadline: Date.now() - 1 }),
        (err: unknown) => err instanceof NotReadyError && err.reason === 'timeout' && /last check: no answer yet/.test(err.message),
      );
    } finally {
      await proc.stop(2_000);
    }
  });
});
