import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { groupAlive, killGroup, WATCHDOG_GRACE_MS } from '../../src/engines/process.ts';
import { packageRoot } from '../../src/paths.ts';

// Engines never outlive the process that started them, however it dies: a SIGKILL runs no handler
// of ours, so the server group must be stopped by something the kernel tells (a closed pipe).

const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-orphan-'));
const strays: number[] = [];
after(async () => {
  for (const g of strays) await killGroup(g, 500).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor<T>(probe: () => T | undefined | false, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

describe('a SIGKILLed starter', () => {
  it('leaves no engine group behind, even one that ignores SIGTERM and forked a worker', async () => {
    // The starter: a process that starts a managed group (a leader ignoring SIGTERM, with a forked
    // worker), prints its pgid, and waits to be killed.
    const starter = join(dir, 'starter.ts');
    const processTs = join(packageRoot(), 'src', 'engines', 'process.ts');
    writeFileSync(
      starter,
      `import { startManaged } from ${JSON.stringify(processTs)};
const stubborn = "process.on('SIGTERM', () => {}); require('node:child_process').spawn(process.execPath, ['-e', 'process.on(\\"SIGTERM\\", () => {}); setInterval(() => {}, 1000)'], { stdio: 'ignore' }); setInterval(() => {}, 1000);";
const proc = startManaged({ command: process.execPath, args: ['-e', stubborn], logFile: ${JSON.stringify(join(dir, 'stubborn.log'))} });
process.stdout.write(proc.pid + '\\n');
setInterval(() => {}, 1000);
`,
    );
    const child = spawn(process.execPath, [starter], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const pgid = await waitFor(() => Number(out.trim()) || false, 'the starter to print its group', 10_000);
    strays.push(pgid);
    // The worker has forked: two members in the group.
    await sleep(300);
    assert.ok(groupAlive(pgid));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await waitFor(() => !groupAlive(pgid), `group ${pgid} to be gone`, WATCHDOG_GRACE_MS + 3_000);
    const goneMs = Date.now() - killedAt;
    // It ignored SIGTERM, so only the watchdog's SIGKILL after its grace can have ended it.
    assert.ok(goneMs >= WATCHDOG_GRACE_MS - 200, `gone after ${goneMs} ms`);
  });
});
