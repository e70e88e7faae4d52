import { randomUUID } from 'node:crypto';
import { access, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withFileLock, type LockOptions } from './file-lock.ts';
import { parseBaselineDoc, serializeBaselineDoc, type BaselineDoc } from './history.ts';
import type { BaselineStore } from './store.ts';

// The baseline as a JSON file (local runs, or a file restored from a cache). A write goes to a
// temporary file in the same folder, is flushed, then renamed over the old one: rename is atomic
// within a file system, so a crash leaves either the old document or the new one, never half.
// Updates through one store object run one at a time, and across processes under a lock file
// (`PATH.lock`), so concurrent writers on one machine lose nothing. The first write also leaves a
// marker in the folder (HISTORY_MARKER): a gate that later finds no document beside it knows the
// baseline went missing (a mistyped file name, a deleted file) rather than was never recorded.

/** The file a baseline folder keeps once a baseline has been recorded in it. */
export const HISTORY_MARKER = '.llm-perf-gate-history';

const MARKER_TEXT =
  'llm-perf-gate has recorded baselines in this folder. Keep this file with them (commit or cache the\n' +
  'folder): with missing-baseline auto, a gate that finds this marker and no baseline fails.\n';

export class FileBaselineStore implements BaselineStore {
  readonly path: string;
  readonly location: string;
  readonly #lock: LockOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, lock: LockOptions = {}) {
    this.path = path;
    this.location = path;
    this.#lock = lock;
  }

  async read(): Promise<BaselineDoc | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${this.path}: cannot read the baseline: ${(err as Error).message}`);
    }
    return parseBaselineDoc(text, this.path);
  }

  update(fn: (doc: BaselineDoc | null) => BaselineDoc): Promise<void> {
    const next = this.#queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await withFileLock(`${this.path}.lock`, () => this.#apply(fn), this.#lock);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async everWritten(): Promise<boolean> {
    return access(this.#marker()).then(
      () => true,
      () => false,
    );
  }

  #marker(): string {
    return join(dirname(this.path), HISTORY_MARKER);
  }

  async checkWritable(): Promise<void> {
    const probe = join(dirname(this.path), `.${basename(this.path)}.${randomUUID()}.probe`);
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const fh = await open(probe, 'wx');
      try {
        // One block, so a full disk shows now rather than after the measurement.
        await fh.writeFile(Buffer.alloc(4096));
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw new Error(`${this.path}: the baseline could not be written after the run: ${(err as Error).message}`);
    } finally {
      await rm(probe, { force: true }).catch(() => {});
    }
  }

  async #apply(fn: (doc: BaselineDoc | null) => BaselineDoc): Promise<void> {
    const text = serializeBaselineDoc(fn(await this.read()));
    // Never write what could not be read back.
    parseBaselineDoc(text, `${this.path} (about to be written)`);
    const tmp = join(dirname(this.path), `.${basename(this.path)}.${randomUUID()}.tmp`);
    try {
      const fh = await open(tmp, 'wx');
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new Error(`${this.path}: cannot write the baseline: ${(err as Error).message}`);
    }
    await writeFile(this.#marker(), MARKER_TEXT, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw new Error(`${this.path}: the baseline was written, but not its folder's history marker ${HISTORY_MARKER}: ${err.message}`);
    });
  }
}
