import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes one block into `dir` and removes it: a folder that cannot be written, or a disk already
 * full, shows now rather than after the measurement. Throws the file system's error as it is.
 */
export async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, `.llm-perf-gate.${process.pid}.${randomBytes(6).toString('hex')}.probe`);
  try {
    const fh = await open(probe, 'wx');
    try {
      await fh.writeFile(Buffer.alloc(4096));
    } finally {
      await fh.close();
    }
  } finally {
    await rm(probe, { force: true }).catch(() => {});
  }
}
