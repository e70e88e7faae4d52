import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Where a Hugging Face hub id lives in the local cache (nothing is ever downloaded here), with
// huggingface_hub's precedence: HF_HUB_CACHE, else $HF_HOME/hub, else
// ${XDG_CACHE_HOME:-~/.cache}/huggingface/hub.

export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  return join(env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface'), 'hub');
}

/** Snapshot folders of a cached hub repo: the one refs/main names first, then the others, newest first. */
export function hubSnapshots(id: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const repo = join(hubCacheDir(env), `models--${id.split('/').join('--')}`);
  const snapshots = join(repo, 'snapshots');
  const found: string[] = [];
  const refMain = join(repo, 'refs', 'main');
  if (existsSync(refMain)) found.push(join(snapshots, readFileSync(refMain, 'utf8').trim()));
  if (existsSync(snapshots)) {
    const others = readdirSync(snapshots)
      .map((d) => join(snapshots, d))
      .filter((p) => !found.includes(p))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    found.push(...others);
  }
  return found;
}
