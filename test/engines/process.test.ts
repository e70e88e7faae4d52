import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { freePort, groupAlive, killGroup, startManaged, tailFile } from '../../src/engines/process.ts';

const stubs = join(import.meta.dirname, '..', 'fixtures', 'stubs');
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-process-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); /proc says whether it is one.
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('startManaged / stop', () => {
  it('kills the whole group, grandchild included, and reports the stop as requested', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    let spawned = 0;
    const proc = startManaged({
      command: join(stubs, 'group-with-grandchild.sh'),
      args: [pidFile],
      logFile: join(dir, 'group.log'),
      onSpawn: (pid) => (spawned = pid),
    });
    assert.equal(spawned, proc.pid);
    await waitFor(() => proc.tail(5).includes('started grandchild'), 'the grandchild to start');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pidAlive(grandchild));
    assert.ok(proc.running());

    const exit = await proc.stop(5_000);
    assert.equal(exit.requested, true);
    assert.equal(proc.running(), false);
    assert.equal(groupAlive(proc.pid), false);
    assert.equal(pidAlive(grandchild), false, 'the grandchild outlived the stop');
  });

  it('stops a helper the launcher started with setsid (its own session and group) along with the server', async () => {
    const pidFile = join(dir, 'escaped.pid');
    // The helper ignores SIGTERM too, so the grace and SIGKILL apply to it as to the group.
    const proc = startManaged({
      command: 'bash',
      args: ['-c', `setsid bash -c 'trap "" TERM; echo $$ > ${pidFile}; while :; do sleep 1; done' >/dev/null 2>&1 & echo launched; exec sleep 1000`],
      logFile: join(dir, 'setsid.log'),
    });
    await waitFor(() => proc.tail(5).includes('launched') && readFileSync(pidFile, { encoding: 'utf8', flag: 'a+' }).trim() !== '', 'the helper to start');
    const helper = Number(readFileSync(pidFile, 'utf8'));
    const sid = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[3]);
    assert.notEqual(sid(helper), sid(proc.pid), 'the helper left the server\'s session and group');
    await proc.stop(500);
    assert.equal(groupAlive(proc.pid), false);
    assert.equal(pidAlive(helper), false, 'the escaped helper outlived the stop');
  });

  it('sends SIGKILL to a child that ignores SIGTERM once the grace period is over', async () => {
    const proc = startManaged({ command: join(stubs, 'ignore-term.sh'), args: [], logFile: join(dir, 'ignore.log') });
    await waitFor(() => proc.tail(1).includes('ignoring SIGTERM'), 'the trap to be set');
    const outcome = await killGroup(proc.pid, 300);
    assert.equal(outcome, 'killed');
    const exit = await proc.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(groupAlive(proc.pid), false);
  });

  it('ends with SIGTERM alone when the group obeys it', async () => {
    const proc = startManaged({ command: 'sleep', args: ['1000'], logFile: join(dir, 'sleep.log') });
    assert.equal(await killGroup(proc.pid, 5_000), 'terminated');
    assert.equal((await proc.exited).signal, 'SIGTERM');
    assert.equal(await killGroup(proc.pid, 100), 'not-running');
  });

  it('flags an exit it did not ask for (an engine dying on its own)', async () => {
    const proc = startManaged({ command: 'bash', args: ['-c', 'echo bye; exit 7'], logFile: join(dir, 'exit7.log') });
    const exit = await proc.exited;
    assert.deepEqual({ code: exit.code, requested: exit.requested, spawnError: exit.spawnError }, { code: 7, requested: false, spawnError: null });
    assert.equal(proc.tail(1), 'bye');
  });

  it('reports a command that cannot be started as an exit with the reason, not a throw', async () => {
    const proc = startManaged({ command: join(dir, 'no-such-program'), args: [], logFile: join(dir, 'missing.log') });
    const exit = await proc.exited;
    assert.match(exit.spawnError ?? '', /ENOENT/);
    assert.equal(proc.running(), false);
    assert.equal((await proc.stop(10)).spawnError, exit.spawnError);
  });

  it('appends stdout and stderr to the log file and tails its last lines', async () => {
    const log = join(dir, 'chatty.log');
    const proc = startManaged({ command: join(stubs, 'chatty.sh'), args: ['20000'], logFile: log });
    await proc.exited;
    assert.equal(proc.tail(3), 'line 19998\nline 19999\nline 20000');
    assert.equal(tailFile(log, 1), 'line 20000');
    assert.equal(readFileSync(log, 'utf8').split('\n').filter(Boolean).length, 20_000);
    assert.equal(tailFile(join(dir, 'absent.log'), 5), '');
  });
});

describe('killGroup', () => {
  it('refuses a group id that would signal everything', async () => {
    await assert.rejects(killGroup(0), /invalid process group id 0/);
    await assert.rejects(killGroup(1), /invalid process group id 1/);
  });
});

describe('freePort', () => {
  it('returns a port that can then be bound on 127.0.0.1', async () => {
    const port = await freePort();
    assert.ok(port > 0 && port < 65536);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
