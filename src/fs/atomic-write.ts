import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { forget, removeOnExit } from './exit-cleanup.ts';

// A file is replaced whole or not at all: the content goes to a temporary file in the same folder
// (rename is atomic only within one file system), is flushed, then renamed over the target. A full
// disk or a crash leaves the old file (or none), never a truncated one, and every error names the
// file it was for.

/** `.NAME.PID.RANDOM.tmp` beside `path`: hidden, and the writer's pid tells a leftover's owner. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether `name` (a file name in the folder of `path`) is one of tempPathFor(path)'s. */
export function isTempOf(path: string, name: string): boolean {
  const prefix = `.${basename(path)}.`;
  return name.startsWith(prefix) && /^\d+\.[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length));
}

function failure(path: string, err: unknown): Error {
  return new Error(`${path}: cannot write: ${(err as Error).message}`, { cause: err });
}

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = tempPathFor(path);
  removeOnExit(tmp);
  try {
    // Created synchronously: an exit while a create is still in flight would otherwise remove the
    // name before the file exists, and the file would appear after it.
    closeSync(openSync(tmp, 'wx'));
    const fh = await open(tmp, 'r+');
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw failure(path, err);
  } finally {
    forget(tmp);
  }
}

export function writeFileAtomicSync(path: string, data: string): void {
  const tmp = tempPathFor(path);
  removeOnExit(tmp);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      const buf = Buffer.from(data, 'utf8');
      for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw failure(path, err);
  } finally {
    forget(tmp);
  }
}
