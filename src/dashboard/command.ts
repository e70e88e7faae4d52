import { FileBaselineStore } from '../baseline/file-store.ts';
import type { ActionConfig } from '../config/inputs.ts';
import { EXIT } from '../exit.ts';
import type { Comparison, RunResult } from '../types.ts';
import { loadPageAssets } from './assets.ts';
import { appendGate, describeTarget, gateRecord, markFalseAlarm, type FalseAlarmMark, type GatesDoc, type MarkTarget } from './gates.ts';
import { fileGatesStore, readSiteFolder, writeSiteFolder, type GatesStore } from './publish.ts';
import { DEFAULT_DASHBOARD_WINDOW } from './series.ts';
import { buildSite, type SiteInput } from './site.ts';
import type { BaselineDoc } from '../baseline/history.ts';
import type { KeyData } from './series.ts';

// The dashboard's two doors share this: the CLI (`dashboard`, `mark-false-alarm`) and the action
// (mode: dashboard, and the gate log written after each judged job).

export interface SiteSources {
  readonly baseline: BaselineDoc | null;
  readonly gates: GatesDoc | null;
  readonly published: readonly KeyData[];
}

export interface DashboardSettings {
  readonly title: string;
  readonly repoUrl: string | null;
  readonly window: number;
}

/** The site's files from what the stores hold and what was published before. */
export function renderSite(config: Pick<ActionConfig, 'history' | 'tolerances'>, sources: SiteSources, settings: DashboardSettings): Map<string, string> {
  const input: SiteInput = { ...sources, ...settings, history: config.history, tolerances: config.tolerances, seed: 1 };
  return buildSite(input, loadPageAssets());
}

/** Size of the site in bytes. */
export const siteBytes = (files: ReadonlyMap<string, string>): number => [...files.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);

/** Judged gates (not baseline recordings) go into the log; returns whether one was logged. */
export async function logGate(store: GatesStore, run: RunResult, comparison: Comparison, where: { pr: number | null; reportUrl: string | null }): Promise<boolean> {
  if (comparison.mode === 'baseline') return false;
  await store.update((doc) => appendGate(doc, gateRecord(run, comparison, where)));
  return true;
}

export function parseWindow(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === '') return DEFAULT_DASHBOARD_WINDOW;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 2 || n > 100_000) throw new Error(`${name}: expected a whole number of runs from 2 to 100000, got "${raw}"`);
  return n;
}

export async function dashboardCommand(config: ActionConfig, opts: { baselinePath: string; outDir: string } & DashboardSettings): Promise<number> {
  const baseline = await new FileBaselineStore(opts.baselinePath).read();
  const gates = await fileGatesStore(opts.baselinePath).read();
  if (baseline === null) console.error(`dashboard: ${opts.baselinePath} does not exist yet: the page shows only what was published in ${opts.outDir} before`);
  const files = renderSite(config, { baseline, gates, published: readSiteFolder(opts.outDir) }, opts);
  writeSiteFolder(opts.outDir, files);
  console.log(`dashboard: ${opts.outDir}/index.html (${files.size} files, ${(siteBytes(files) / 1024).toFixed(0)} KiB)`);
  return EXIT.pass;
}

export async function markFalseAlarmCommand(opts: { baselinePath: string; target: MarkTarget; mark: FalseAlarmMark }): Promise<number> {
  const store = fileGatesStore(opts.baselinePath);
  await store.update((doc) => markFalseAlarm(doc, opts.target, opts.mark));
  console.log(`gate log: ${store.location}: marked ${describeTarget(opts.target)} as a false alarm (the baseline history is unchanged)`);
  return EXIT.pass;
}
