import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withFileLock, type LockOptions } from './file-lock.ts';
import type { BaselineDoc } from './history.ts';
import { BASELINE_CODEC, type BaselineStore, type DocCodec } from './store.ts';

// The baseline as a JSON file (local runs, or a file restored from a cache). A write goes to a
// temporary file in the same folder, is flushed, then renamed over the old one: rename is atomic
// within a file system, so a crash leaves either the old document or the new one, never half.
// Updates through one store object run one at a time, and across processes under a lock file
// (`PATH.lock`), so concurrent writers on one machine lose nothing. The same store keeps other
// documents (the gate log) through their own codec.

export class FileDocStore<T> {
  readonly path: string;
  readonly location: string;
  readonly #lock: LockOptions;
  readonly #codec: DocCodec<T>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, codec: DocCodec<T>, lock: LockOptions = {}) {
    this.path = path;
    this.location = path;
    this.#lock = lock;
    this.#codec = codec;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${this.path}: cannot read the ${this.#codec.what}: ${(err as Error).message}`);
    }
    return this.#codec.parse(text, this.path);
  }

  update(fn: (doc: T | null) => T): Promise<void> {
    const next = this.#queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await withFileLock(`${this.path}.lock`, () => this.#apply(fn), this.#lock);
    });
    this.#queue = next.catch(() => undefined);
    return next;
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
      throw new Error(`${this.path}: the ${this.#codec.what} could not be written after the run: ${(err as Error).message}`);
    } finally {
      await rm(probe, { force: true }).catch(() => {});
    }
  }

  async #apply(fn: (doc: T | null) => T): Promise<void> {
    const text = this.#codec.serialize(fn(await this.read()));
    // Never write what could not be read back.
    this.#codec.parse(text, `${this.path} (about to be written)`);
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
      throw new Error(`${this.path}: cannot write the ${this.#codec.what}: ${(err as Error).message}`);
    }
  }
}

export class FileBaselineStore extends FileDocStore<BaselineDoc> implements BaselineStore {
  constructor(path: string, lock: LockOptions = {}) {
    super(path, BASELINE_CODEC, lock);
  }
}
