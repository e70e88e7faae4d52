import { parseBaselineDoc, serializeBaselineDoc, type BaselineDoc } from './history.ts';

/** How a store reads and writes one kind of document; `what` names it in messages ("baseline"). */
export interface DocCodec<T> {
  readonly what: string;
  /** Parses strictly; `source` (a path, or repository@branch:path) starts every error. */
  parse(text: string, source: string): T;
  serialize(doc: T): string;
}

export const BASELINE_CODEC: DocCodec<BaselineDoc> = { what: 'baseline', parse: parseBaselineDoc, serialize: serializeBaselineDoc };

/**
 * Where the baseline document lives. `update` reads the current document (null when there is
 * none yet), applies `fn` and writes the result so that no concurrent writer's update is lost; a
 * document that cannot be read makes both methods throw rather than start afresh.
 */
export interface BaselineStore {
  /** Where the document is, for messages (a path, or repository:branch:path). */
  readonly location: string;
  read(): Promise<BaselineDoc | null>;
  update(fn: (doc: BaselineDoc | null) => BaselineDoc): Promise<void>;
  /**
   * Whether a baseline was ever recorded in this store (read when the document is absent): a store
   * that was written and now has no document points at a mistyped path or branch, or a deleted file.
   */
  everWritten(): Promise<boolean>;
  /** Throws, naming the place and the cause, when a later update could not be written (run before measuring). */
  checkWritable?(): Promise<void>;
}
