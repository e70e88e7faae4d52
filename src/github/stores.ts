import { BranchBaselineStore, type BranchStoreOptions } from '../baseline/branch-store.ts';
import { FileBaselineStore } from '../baseline/file-store.ts';
import type { BaselineStore } from '../baseline/store.ts';
import type { ActionConfig } from '../config/inputs.ts';
import type { GitHubContext } from './context.ts';

// Where the action keeps its documents: the baseline history and, beside it in the same store, the
// gate log (src/dashboard/publish.ts).

/** Where the branch store keeps its documents for this repository (baseline, gate log). */
export function branchStoreOptions(config: ActionConfig, ctx: GitHubContext): BranchStoreOptions & { readonly path: string } {
  if (!ctx.repository) throw new Error('input "baseline-store": branch needs GITHUB_REPOSITORY (owner/name); use baseline-store: file outside GitHub Actions');
  if (!config.githubToken) throw new Error('input "github-token": required with baseline-store: branch (the baseline lives on a branch of this repository)');
  return { token: config.githubToken, owner: ctx.repository.owner, repo: ctx.repository.repo, branch: config.baselineBranch, path: config.baselinePath, apiUrl: process.env.GITHUB_API_URL };
}

export function baselineStoreFor(config: ActionConfig, ctx: GitHubContext): BaselineStore {
  return config.baselineStore === 'file' ? new FileBaselineStore(config.baselinePath) : new BranchBaselineStore(branchStoreOptions(config, ctx));
}
