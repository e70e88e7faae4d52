import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BranchDocStore, type BranchStoreOptions } from '../baseline/branch-store.ts';
import { FileDocStore } from '../baseline/file-store.ts';
import type { DocCodec } from '../baseline/store.ts';
import { parseGatesDoc, serializeGatesDoc, type GatesDoc } from './gates.ts';
import { DATA_DIR, isKeyFile, parseKeyFile } from './site.ts';
import type { KeyData } from './series.ts';

// The I/O edge of the dashboard: the gate log beside the baseline (same store kind, same branch),
// and the site in a folder or on a branch. Branch writes go through the baseline's branch store
// (contents API, blob-sha preconditions, retry on conflict), one file at a time: data files first,
// the page last, so a page never lists a data file that is not there yet; an unchanged file is not
// written at all, so a publish that adds nothing makes no commit.

export const GATES_CODEC: DocCodec<GatesDoc> = { what: 'gate log', parse: parseGatesDoc, serialize: serializeGatesDoc };
const TEXT_CODEC: DocCodec<string> = { what: 'dashboard file', parse: (text) => text, serialize: (text) => text };

/** The gate log's path beside the baseline history: baseline.json → baseline.gates.json. */
export function gatesPathFor(baselinePath: string): string {
  return baselinePath.endsWith('.json') ? `${baselinePath.slice(0, -'.json'.length)}.gates.json` : `${baselinePath}.gates.json`;
}

export type GatesStore = FileDocStore<GatesDoc> | BranchDocStore<GatesDoc>;

export function fileGatesStore(baselinePath: string): GatesStore {
  return new FileDocStore(gatesPathFor(baselinePath), GATES_CODEC);
}

export function branchGatesStore(opts: BranchStoreOptions & { readonly path: string }): GatesStore {
  return new BranchDocStore({ ...opts, path: gatesPathFor(opts.path), commitMessage: 'llm-perf-gate: log gate' }, GATES_CODEC);
}

/** Writes the site's files under `dir` (data files first, the page last). */
export function writeSiteFolder(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [path, text] of ordered(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** The key data already published in a site folder (none when the folder is new). */
export function readSiteFolder(dir: string): KeyData[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, DATA_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .map((n) => `${DATA_DIR}/${n}`)
    .filter(isKeyFile)
    .sort()
    .map((p) => parseKeyFile(readFileSync(join(dir, p), 'utf8'), join(dir, p)));
}

function ordered(files: ReadonlyMap<string, string>): [string, string][] {
  const rank = (p: string): number => (isKeyFile(p) ? 0 : p.startsWith(`${DATA_DIR}/`) ? 1 : 2);
  return [...files].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

export interface SiteBranch extends Omit<BranchStoreOptions, 'path' | 'commitMessage'> {
  /** Folder of the site on the branch ('' for the root). */
  readonly dir: string;
}

const at = (dir: string, path: string): string => (dir === '' ? path : `${dir.replace(/\/+$/, '')}/${path}`);

function fileStore(site: SiteBranch, path: string): BranchDocStore<string> {
  return new BranchDocStore({ ...site, path: at(site.dir, path), commitMessage: `llm-perf-gate: publish dashboard ${path}` }, TEXT_CODEC);
}

/** The key data published on the branch: the files the published index lists. */
export async function readSiteBranch(site: SiteBranch): Promise<KeyData[]> {
  const index = await fileStore(site, `${DATA_DIR}/index.js`).read();
  if (index === null) return [];
  const m = /^LPG\.index\(([\s\S]*)\);\s*$/.exec(index);
  let files: unknown;
  try {
    files = m ? (JSON.parse(m[1]) as { keys?: { file?: unknown }[] }).keys?.map((k) => k.file) : undefined;
  } catch {
    files = undefined;
  }
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && isKeyFile(`${DATA_DIR}/${f}`))) {
    throw new Error(`${site.owner}/${site.repo}@${site.branch}:${at(site.dir, `${DATA_DIR}/index.js`)}: not a dashboard index (expected LPG.index({... keys: [{ file }] ...}))`);
  }
  const out: KeyData[] = [];
  for (const f of files as string[]) {
    const store = fileStore(site, `${DATA_DIR}/${f}`);
    const text = await store.read();
    if (text !== null) out.push(parseKeyFile(text, store.location));
  }
  return out;
}

/** Writes the site to the branch, file by file, each with the branch store's commit-and-retry. Returns the files written. */
export async function publishSiteBranch(site: SiteBranch, files: ReadonlyMap<string, string>): Promise<number> {
  let written = 0;
  for (const [path, text] of ordered(files)) {
    const store = fileStore(site, path);
    let changed = false;
    await store.update((old) => {
      changed = old !== text;
      return text;
    });
    if (changed) written++;
  }
  return written;
}
