import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import { readInputs, type ActionConfig } from '../config/inputs.ts';
import { readGitHubContext, type GitHubContext } from '../github/context.ts';
import { baselineStoreFor, branchStoreOptions } from '../github/stores.ts';
import { logSafe } from '../github/log-safe.ts';
import type { Comparison, RunResult } from '../types.ts';
import { logGate, parseWindow, renderSite, siteBytes } from './command.ts';
import { markFalseAlarm } from './gates.ts';
import { dashboardLinks, parseDashboardUrl } from './links.ts';
import { branchGatesStore, fileGatesStore, publishSiteBranch, readSiteBranch, readSiteFolder, writeSiteFolder, type GatesStore } from './publish.ts';

// The action's side of the dashboard: `mode: dashboard` (no engine is started: mark a labelled
// pull request's failed gate as a false alarm, render the history, write it to a folder and, unless
// dashboard-branch is empty, publish it to that branch), and after every judged job the gate log
// entry and the PR comment's links to the dashboard.

/** The inputs only the dashboard reads (readInputs reads the gate's), with action.yml's defaults. */
export const DASHBOARD_INPUT_DEFAULTS = Object.freeze({
  'dashboard-branch': 'gh-pages',
  'dashboard-dir': '',
  'dashboard-url': '',
  'dashboard-window': '500',
  'dashboard-title': '',
  'false-alarm-label': 'perf-false-alarm',
  'gate-log': 'trusted',
});

const GATE_LOG = ['trusted', 'all', 'off'] as const;

/** Which judged jobs go into the gate log: trusted events only (the default: a PR writes nothing), every job, or none. */
function gateLogPolicy(): (typeof GATE_LOG)[number] {
  const v = input('gate-log');
  if (!(GATE_LOG as readonly string[]).includes(v)) throw new Error(`input "gate-log": expected one of ${GATE_LOG.join(', ')}, got "${v}"`);
  return v as (typeof GATE_LOG)[number];
}

type DashboardInput = keyof typeof DASHBOARD_INPUT_DEFAULTS;

/** A dashboard input as given, trimmed, or its default when empty. */
function input(name: DashboardInput): string {
  return core.getInput(name).trim() || DASHBOARD_INPUT_DEFAULTS[name];
}

function gatesStoreFor(config: ActionConfig, ctx: GitHubContext): GatesStore {
  return config.baselineStore === 'file' ? fileGatesStore(config.baselinePath) : branchGatesStore(branchStoreOptions(config, ctx));
}

/**
 * After a judged job: the gate goes into the log beside the baseline (a failure here is a warning:
 * the verdict stands), and the report for the comment gains links to the dashboard's cells.
 */
export async function afterGate(config: ActionConfig, ctx: GitHubContext, run: RunResult, comparison: Comparison | null, report: string): Promise<string> {
  if (!comparison) return report;
  // Pull requests write nothing to the store unless the workflow asks (gate-log: all); a fork's
  // pull request has a read-only token whatever it asks.
  const policy = gateLogPolicy();
  if (policy === 'all' ? !ctx.pullRequest?.fromFork : policy === 'trusted' && ctx.trustedForBaseline) {
    try {
      if (await logGate(gatesStoreFor(config, ctx), run, comparison, { pr: ctx.pullRequest?.number ?? null, reportUrl: ctx.runUrl })) core.info('gate log: this gate was logged beside the baseline');
    } catch (err) {
      const message = (err as Error).message;
      // A read-only token (permissions: contents: read, the usual PR workflow) is a choice, not a fault.
      if (/HTTP 403/.test(message)) core.info(logSafe(`gate log: not written, the token cannot write ${config.baselineBranch} (give the job contents: write to log pull-request gates for the dashboard)`));
      else core.warning(logSafe(`the gate could not be logged (a false-alarm mark for it will not find it): ${message}`));
    }
  }
  const url = dashboardUrl();
  return url ? report + dashboardLinks(comparison, url) : report;
}

/** The dashboard-url input, checked. */
export function dashboardUrl(): string | null {
  return parseDashboardUrl(input('dashboard-url'), 'input "dashboard-url"');
}

/** The inputs a gate reads after measuring, checked before it (a typo must not cost GPU time). */
export function checkDashboardInputs(): void {
  dashboardUrl();
  gateLogPolicy();
}

/** The label a `pull_request: labeled` event added, and who added it; null for any other event. */
function addedLabel(): { label: string; sender: string } | null {
  const file = process.env.GITHUB_EVENT_PATH;
  if (!file) return null;
  const p = JSON.parse(readFileSync(file, 'utf8')) as { action?: unknown; label?: { name?: unknown }; sender?: { login?: unknown } };
  if (p.action !== 'labeled' || typeof p.label?.name !== 'string') return null;
  return { label: p.label.name, sender: typeof p.sender?.login === 'string' ? p.sender.login : 'unknown' };
}

export async function runDashboardStep(): Promise<void> {
  // The gate's own inputs (store, window, tolerances) are read as a gate would; no engine is started.
  const config = readInputs((name) => (name === 'mode' ? 'pr' : name === 'engines' ? 'sim' : core.getInput(name)));
  const ctx = readGitHubContext();
  const gatesStore = gatesStoreFor(config, ctx);
  const label = input('false-alarm-label');
  const pr = ctx.pullRequest;
  const added = addedLabel();
  if (pr && added?.label === label) {
    try {
      await gatesStore.update((doc) => markFalseAlarm(doc, { pr: pr.number }, { at: new Date().toISOString(), by: added.sender, note: `label ${label}` }));
      core.info(`gate log: pull request #${pr.number}'s failed gate is marked a false alarm (label ${label}); the baseline is unchanged`);
    } catch (err) {
      // No logged failed gate (gate-log: trusted, or the gate passed) is a warning: the label did nothing.
      core.warning(logSafe(`pull request #${pr.number} was labelled ${label}, but: ${(err as Error).message}`));
    }
  }
  // An empty dashboard-branch (given as '' in the workflow) arrives as '': the folder only.
  const branch = core.getInput('dashboard-branch').trim();
  const site = branch && ctx.repository ? { ...branchStoreOptions(config, ctx), branch, dir: input('dashboard-dir') } : null;
  const outDir = `${config.resultsDir}/dashboard`;
  const published = site ? await readSiteBranch(site) : readSiteFolder(outDir);
  const files = renderSite(
    config,
    { baseline: await baselineStoreFor(config, ctx).read(), gates: await gatesStore.read(), published },
    {
      title: input('dashboard-title') || `${ctx.repository ? `${ctx.repository.owner}/${ctx.repository.repo}` : 'llm-perf-gate'}: serving performance history`,
      repoUrl: ctx.repository ? `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${ctx.repository.owner}/${ctx.repository.repo}` : null,
      window: parseWindow(input('dashboard-window'), 'input "dashboard-window"'),
    },
  );
  writeSiteFolder(outDir, files);
  core.setOutput('dashboard-path', `${outDir}/index.html`);
  core.info(`dashboard: ${outDir}/index.html (${files.size} files, ${(siteBytes(files) / 1024).toFixed(0)} KiB)`);
  if (site) {
    const written = await publishSiteBranch(site, files);
    core.info(`dashboard: ${written} of ${files.size} files changed on branch ${site.branch}${site.dir ? ` under ${site.dir}/` : ''}`);
  }
}
