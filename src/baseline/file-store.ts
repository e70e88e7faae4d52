import { access, lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isTempOf, writeFileAtomic } from '../fs/atomic-write.ts';
import { probeWritable } from '../fs/probe.ts';
import { withFileLock, type LockOptions } from './file-lock.ts';
import type { BaselineDoc } from './history.ts';
import { BASELINE_CODEC, type BaselineStore, type DocCodec } from './store.ts';

// The baseline as a JSON file (local runs, or a file restored from a cache). A write goes to a
// temporary file in the same folder, is flushed, then renamed over the old one: rename is atomic
// within a file system, so a crash leaves either the old document or the new one, never half.
// Updates through one store object run one at a time, and across processes under a lock file
// (`PATH.lock`), so concurrent writers on one machine lose nothing. The same store keeps other
// documents (the gate log) through their own codec. A path that is a symlink (a history shared
// between checkouts) is followed: the real file is locked and replaced, never the link by a
// regular file of its own. The first write also leaves a marker in the folder (HISTORY_MARKER): a
// gate that later finds no document beside it knows the baseline went missing (a mistyped file
// name, a deleted file) rather than was never recorded.

/** The file a baseline folder keeps once a baseline has been recorded in it. */
export const HISTORY_MARKER = '.llm-perf-gate-history';

const MARKER_TEXT =
  'llm-perf-gate has recorded baselines in this folder. Keep this file with them (commit or cache the\n' +
  'folder): with missing-baseline auto, a gate that finds this marker and no baseline fails.\n';

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
      const real = await realTarget(this.path);
      await mkdir(dirname(real), { recursive: true });
      await withFileLock(`${real}.lock`, () => this.#apply(real, fn), this.#lock);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async checkWritable(): Promise<void> {
    try {
      const real = await realTarget(this.path);
      await mkdir(dirname(real), { recursive: true });
      await probeWritable(dirname(real));
    } catch (err) {
      throw new Error(`${this.path}: the ${this.#codec.what} could not be written after the run: ${(err as Error).message}`);
    }
  }

  async #apply(real: string, fn: (doc: T | null) => T): Promise<void> {
    // Under the lock only the holder writes temporary files: any there are a killed writer's.
    for (const name of await readdir(dirname(real))) if (isTempOf(real, name)) await rm(join(dirname(real), name), { force: true });
    const text = this.#codec.serialize(fn(await this.read()));
    // Never write what could not be read back.
    this.#codec.parse(text, `${this.path} (about to be written)`);
    try {
      await writeFileAtomic(real, text);
    } catch (err) {
      throw new Error(`${this.path}: cannot write the ${this.#codec.what}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
    }
  }
}

/** The baseline history; only its writes leave the folder's marker (the gate log beside it does not). */
export class FileBaselineStore extends FileDocStore<BaselineDoc> implements BaselineStore {
  constructor(path: string, lock: LockOptions = {}) {
    super(path, BASELINE_CODEC, lock);
  }

  override async update(fn: (doc: BaselineDoc | null) => BaselineDoc): Promise<void> {
    await super.update(fn);
    await writeFile(this.#marker(), MARKER_TEXT, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw new Error(`${this.path}: the baseline was written, but not its folder's history marker ${HISTORY_MARKER}: ${err.message}`);
    });
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
}

/** The file a path names once every symlink on the way is followed; the path itself when it is none (or does not exist yet). */
async function realTarget(path: string): Promise<string> {
  let at = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const st = await lstat(at).catch(() => null);
    if (!st?.isSymbolicLink()) return at;
    at = resolve(dirname(at), await readlink(at));
  }
  throw new Error(`${path}: too many levels of symbolic links`);
}
