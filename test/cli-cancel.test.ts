import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.ts';

// Ctrl-C on `llm-perf-gate run` must not leave the engine server behind: servers run in process
// groups of their own, so the terminal's SIGINT never reaches them by itself.

const LONG = `version: 1
scenarios:
  - name: long-decode
    description: Long answers, one at a time, so the run is mid-measurement for a while.
    input: 16
    output: 400
    requests: 20
    load: {concurrency: 1}
    seed: 3
    slo: {ttft-ms: 5000}
`;

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

test('SIGINT stops the engine server group, and the run ends as a failed, partial run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-cancel-'));
  try {
    writeFileSync(join(dir, 'long.yml'), LONG);
    const child = spawn(process.execPath, [join(packageRoot(), 'src', 'cli.ts'), 'run', '--engines', 'sim-vllm', '--scenarios', join(dir, 'long.yml'), '--repetitions', '2', '--warmup-repetitions', '0', '--out', join(dir, 'out')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let port = 0;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && !/long-decode \d+\/20 requests/.test(out); ) await new Promise((r) => setTimeout(r, 100));
    // The last server started (the warm restart) is the one being measured.
    port = Number([...out.matchAll(/at http:\/\/127\.0\.0\.1:(\d+)/g)].at(-1)?.[1] ?? 0);
    assert.ok(port > 0 && (await listening(port)), `the run reached the measurement with its server up\n${out}`);

    const sent = Date.now();
    child.kill('SIGINT');
    while ((await listening(port)) && Date.now() - sent < 7_500) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await listening(port), false, `the sim server still answers ${Date.now() - sent} ms after SIGINT`);
    const code = await exited;
    assert.equal(code, 3, `a cancelled run fails like a failed gate (exit 3), not as an error\n${out}`);
    assert.match(out, /received SIGINT: stopping 1 engine server group/);
    assert.match(out, /cancelled/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
