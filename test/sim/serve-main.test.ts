// `sim-serve` as its own process: one line on stdout, serves, and exits cleanly on SIGTERM.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const entry = new URL('../../src/engines/sim/server.ts', import.meta.url).href;

function simServe(args: readonly string[]) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `import { simServeMain } from ${JSON.stringify(entry)}; await simServeMain(process.argv.slice(1));`, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

test('sim-serve prints exactly one line, serves, and exits 0 on SIGTERM', async (t) => {
  const proc = simServe(['--port', '0', '--slowdown', '0.05']);
  t.after(() => proc.child.kill('SIGKILL'));
  while (!proc.stdout().includes('\n')) {
    const [code] = await Promise.race([proc.exited, once(proc.child.stdout, 'data').then(() => [undefined])]);
    assert.equal(code, undefined, `sim-serve exited early: ${proc.stderr()}`);
  }
  const match = /^sim listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(proc.stdout());
  assert.ok(match, `stdout: ${JSON.stringify(proc.stdout())}`);
  const url = match[1];
  assert.equal((await fetch(`${url}/health`)).status, 200);
  const res = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'hi', max_tokens: 3 }) });
  assert.equal(((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens, 3);

  proc.child.kill('SIGTERM');
  const [code, signal] = await proc.exited;
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.equal(proc.stdout(), `sim listening on ${url}\n`, 'nothing else on stdout');
});

test('sim-serve with a bad flag fails and names the flag', async () => {
  const proc = simServe(['--profile', 'tgi']);
  const [code] = await proc.exited;
  assert.notEqual(code, 0);
  assert.match(proc.stderr(), /--profile "tgi" is invalid: expected vllm or transformers/);
  assert.equal(proc.stdout(), '');
});

test('sim-serve on a port in use fails and names the address', async (t) => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const proc = simServe(['--port', String(port)]);
  const [code] = await proc.exited;
  assert.notEqual(code, 0);
  assert.match(proc.stderr(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: listen EADDRINUSE`));
});
