import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BRANCH_WRITE_DEFAULTS, BranchDocStore, type BranchStoreOptions } from '../baseline/branch-store.ts';
import { FileDocStore } from '../baseline/file-store.ts';
import type { DocCodec } from '../baseline/store.ts';
import { GitBranch } from '../github/git-commit.ts';
import { apiRoot, RepoApi } from '../github/repo-api.ts';
import { GITHUB_RETRY } from '../github/retry.ts';
import { parseGatesDoc, serializeGatesDoc, type GatesDoc } from './gates.ts';
import { DATA_DIR, isKeyFile, parseKeyFile } from './site.ts';
import type { KeyData } from './series.ts';

// The I/O edge of the dashboard: the gate log beside the baseline (same store kind, same branch),
// and the site in a folder or on a branch. The site goes to its branch as one commit (Git Data API,
// github/git-commit.ts): a reader never sees a page without its data, a publish that fails midway
// leaves the branch as it was, an unchanged file is not written, and a publish that adds nothing
// makes no commit. What was published is read from one commit too.

export const GATES_CODEC: DocCodec<GatesDoc> = { what: 'gate log', parse: parseGatesDoc, serialize: serializeGatesDoc };

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

export interface SiteBranch extends Omit<BranchStoreOptions, 'path' | 'commitMessage' | 'branch'> {
  readonly branch: string;
  /** Folder of the site on the branch ('' for the root). */
  readonly dir: string;
}

const folder = (dir: string): string => dir.replace(/\/+$/, '');
const at = (dir: string, path: string): string => (folder(dir) === '' ? path : `${folder(dir)}/${path}`);

function gitBranch(site: SiteBranch): GitBranch {
  const retry = site.retry ?? GITHUB_RETRY;
  const api = new RepoApi({
    owner: site.owner,
    repo: site.repo,
    token: site.token,
    apiUrl: apiRoot(site.apiUrl),
    retry,
    location: `${site.owner}/${site.repo}@${site.branch}${folder(site.dir) ? `:${folder(site.dir)}` : ''}`,
  });
  return new GitBranch(api, { branch: site.branch, maxAttempts: site.maxAttempts ?? BRANCH_WRITE_DEFAULTS.maxAttempts, retryDelayMs: site.retryDelayMs ?? BRANCH_WRITE_DEFAULTS.retryDelayMs, retry });
}

/** The key data published on the branch: the files the published index lists, all from the branch's head commit. */
export async function readSiteBranch(site: SiteBranch): Promise<KeyData[]> {
  const git = gitBranch(site);
  const published = await git.files(folder(site.dir));
  const indexPath = at(site.dir, `${DATA_DIR}/index.js`);
  const indexSha = published?.blobs.get(indexPath);
  if (!published || indexSha === undefined) return [];
  const index = (await git.readBlob(indexSha)).toString('utf8');
  const m = /^LPG\.index\(([\s\S]*)\);\s*$/.exec(index);
  let files: unknown;
  try {
    files = m ? (JSON.parse(m[1]) as { keys?: { file?: unknown }[] }).keys?.map((k) => k.file) : undefined;
  } catch {
    files = undefined;
  }
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && isKeyFile(`${DATA_DIR}/${f}`))) {
    throw new Error(`${site.owner}/${site.repo}@${site.branch}:${indexPath}: not a dashboard index (expected LPG.index({... keys: [{ file }] ...}))`);
  }
  const out: KeyData[] = [];
  for (const f of files as string[]) {
    const path = at(site.dir, `${DATA_DIR}/${f}`);
    const sha = published.blobs.get(path);
    if (sha !== undefined) out.push(parseKeyFile((await git.readBlob(sha)).toString('utf8'), `${site.owner}/${site.repo}@${site.branch}:${path}`));
  }
  return out;
}

/** Writes the site to the branch as one commit of the files that changed. Returns how many changed (0: no commit). */
export async function publishSiteBranch(site: SiteBranch, files: ReadonlyMap<string, string>): Promise<number> {
  const bytes = new Map([...files].map(([path, text]) => [at(site.dir, path), Buffer.from(text, 'utf8')]));
  return gitBranch(site).commit(bytes, 'llm-perf-gate: publish dashboard');
}
