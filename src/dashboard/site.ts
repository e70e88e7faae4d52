import type { BaselineDoc } from '../baseline/history.ts';
import { CHART_METRICS } from '../compare/series.ts';
import { mean } from '../compare/stats.ts';
import { isPlainObject } from '../config/schema-rules.ts';
import { ALL_METRICS } from '../metrics/catalog.ts';
import type { FingerprintDiff } from '../types.ts';
import { falseAlarmRates, type FalseAlarmRate, type GateRecord, type GatesDoc } from './gates.ts';
import { KEY_DATA_SCHEMA, keyData, keyFile, type KeyData, type KeyOptions } from './series.ts';
import { renderPage, type PageAssets } from './page.ts';

// The dashboard as files: index.html (uPlot, its CSS and the page's glue inlined) and data/*.js,
// one per baseline key plus an index. Data files are JSON wrapped in a call (`LPG.key({...})`)
// rather than .json: a page opened from disk (file://) may load scripts but not fetch files, and
// GitHub Pages serves both alike. Everything here is pure: reading the store and the published
// files, and writing them, sit in publish.ts and the commands.

export const INDEX_SCHEMA = 'llm-perf-gate/dashboard@1';
export const DATA_DIR = 'data';
const INDEX_FILE = 'index.js';
/** Gates listed on the page (the rates count every logged gate). */
const GATES_SHOWN = 200;

export interface OverviewRow {
  readonly file: string;
  readonly engine: string;
  readonly scenario: string;
  /** Headline metric → mean of the newest epoch's baseline runs ÷ the previous epoch's, or null with one epoch. */
  readonly epochChange: Readonly<Record<string, number | null>>;
  /** What changed at the newest fingerprint epoch ("engine.version 0.21.0 → 0.22.0"), empty with one epoch. */
  readonly since: string;
}

export interface RatioSeries {
  readonly vllm: string;
  readonly transformers: string;
  /** The jobs both engines ran in, oldest first. */
  readonly times: readonly string[];
  /** Per scenario and headline metric: vLLM ÷ Transformers of the jobs' run means, one per time (null where either has none). */
  readonly series: readonly { readonly scenario: string; readonly metric: string; readonly values: readonly (number | null)[] }[];
}

export interface SiteIndex {
  readonly schema: typeof INDEX_SCHEMA;
  readonly title: string;
  /** The newest run, gate or mark the site shows: it changes only when the content does, so an unchanged site is not rewritten. */
  readonly updatedAt: string;
  /** https://github.com/owner/repo, for links to commits and pull requests; null outside GitHub. */
  readonly repoUrl: string | null;
  readonly keys: readonly { readonly file: string; readonly key: string; readonly engine: string; readonly model: string; readonly gpu: string }[];
  readonly metrics: readonly { readonly name: string; readonly label: string; readonly unit: string; readonly higherIsBetter: boolean }[];
  readonly headline: readonly string[];
  readonly overview: readonly OverviewRow[];
  readonly ratios: readonly RatioSeries[];
  readonly gates: readonly GateRecord[];
  readonly falseAlarms: readonly FalseAlarmRate[];
}

export interface SiteInput extends KeyOptions {
  readonly history: number;
  readonly baseline: BaselineDoc | null;
  readonly gates: GatesDoc | null;
  /** Key data already published (read back from the site), merged so the dashboard outlives the baseline window. */
  readonly published: readonly KeyData[];
  readonly title: string;
  readonly repoUrl: string | null;
}

function overview(data: KeyData, file: string, history: number): OverviewRow[] {
  const epochs = data.epochs;
  const last = epochs.at(-1)!;
  const prev = epochs.at(-2);
  const windowMean = (xs: readonly (number | null)[], from: number, to: number): number | null => {
    const kept = xs.slice(Math.max(from, to - history), to).filter((x): x is number => x !== null);
    return kept.length ? mean(kept) : null;
  };
  return Object.entries(data.values).map(([scenario, metrics]) => {
    const epochChange: Record<string, number | null> = {};
    for (const m of CHART_METRICS) {
      const xs = metrics[m];
      const now = xs && windowMean(xs, last.start, xs.length);
      const before = xs && prev ? windowMean(xs, prev.start, last.start) : null;
      epochChange[m] = now && before ? Number((now / before).toPrecision(4)) : null;
    }
    return { file, engine: data.engine, scenario, epochChange, since: last.changes.map(describeChange).join(', ') };
  });
}

/** A fingerprint change in a few words: engine arguments by what was removed and added, the rest as before → after. */
function describeChange(c: FingerprintDiff): string {
  if (c.field !== 'engineArgs') return `${c.field} ${c.baseline} → ${c.current}`;
  const before = new Set(c.baseline.split(' '));
  const after = new Set(c.current.split(' '));
  return `engine arguments ${[...[...before].filter((a) => !after.has(a)).map((a) => `−${a}`), ...[...after].filter((a) => !before.has(a)).map((a) => `+${a}`)].join(' ')}`;
}

/** Job means (time and commit → mean of its runs) of one series. */
function jobMeans(data: KeyData, scenario: string, metric: string): Map<string, { t: string; value: number }> {
  const groups = new Map<string, { t: string; xs: number[] }>();
  const xs = data.values[scenario]?.[metric] ?? [];
  data.runs.forEach((r, i) => {
    const x = xs[i];
    if (x === null || x === undefined) return;
    const job = `${r.t}|${r.sha}`;
    const g = groups.get(job) ?? { t: r.t, xs: [] };
    g.xs.push(x);
    groups.set(job, g);
  });
  return new Map([...groups].map(([k, g]) => [k, { t: g.t, value: mean(g.xs) }]));
}

/** vLLM ÷ Transformers per job both ran in, for every pair of keys on the same model, scenarios and GPU. */
function ratios(keys: readonly KeyData[]): RatioSeries[] {
  const out: RatioSeries[] = [];
  const same = (a: KeyData, b: KeyData): boolean => a.model === b.model && a.scenarioSetHash === b.scenarioSetHash && a.gpu === b.gpu;
  const jobs = (k: KeyData): Map<string, string> => new Map(k.runs.map((r) => [`${r.t}|${r.sha}`, r.t]));
  for (const v of keys.filter((k) => /vllm/i.test(k.engine))) {
    for (const t of keys.filter((k) => /transformers/i.test(k.engine) && same(k, v))) {
      const theirs = jobs(t);
      const both = [...jobs(v)].filter(([job]) => theirs.has(job));
      if (both.length === 0) continue;
      const series = Object.keys(v.values).flatMap((scenario) =>
        CHART_METRICS.map((metric) => {
          const a = jobMeans(v, scenario, metric);
          const b = jobMeans(t, scenario, metric);
          const values = both.map(([job]) => {
            const x = a.get(job);
            const y = b.get(job);
            return x && y && y.value > 0 ? Number((x.value / y.value).toPrecision(4)) : null;
          });
          return { scenario, metric, values };
        }),
      );
      out.push({ vllm: v.engine, transformers: t.engine, times: both.map(([, time]) => time), series: series.filter((x) => x.values.some((y) => y !== null)) });
    }
  }
  return out;
}

const newest = (times: readonly string[]): string => times.filter((t) => t !== '').reduce((a, b) => (a === '' || Date.parse(b) > Date.parse(a) ? b : a), '');

/** Every file of the site, by path relative to its root. */
export function buildSite(input: SiteInput, assets: PageAssets): Map<string, string> {
  const entriesByKey = new Map<string, BaselineDoc['entries'][number][]>();
  for (const e of input.baseline?.entries ?? []) entriesByKey.set(e.key, [...(entriesByKey.get(e.key) ?? []), e]);
  const previous = new Map(input.published.map((d) => [d.key, d]));
  const keys = [...new Set([...previous.keys(), ...entriesByKey.keys()])].sort();
  const datas = keys.map((k) => keyData(entriesByKey.get(k) ?? [], previous.get(k) ?? null, input));
  const files = new Map<string, string>();
  const listed = datas.map((d) => ({ file: keyFile(d.key, d.engine), key: d.key, engine: d.engine, model: d.model, gpu: d.gpu }));
  datas.forEach((d, i) => files.set(`${DATA_DIR}/${listed[i].file}`, `LPG.key(${JSON.stringify(d)});\n`));
  const index: SiteIndex = {
    schema: INDEX_SCHEMA,
    title: input.title,
    updatedAt: newest([...datas.map((d) => d.runs.at(-1)?.t ?? ''), ...(input.gates?.gates ?? []).flatMap((g) => [g.createdAt, g.falseAlarm?.at ?? ''])]),
    repoUrl: input.repoUrl,
    keys: listed,
    metrics: ALL_METRICS.map((m) => ({ name: m.name, label: m.label, unit: m.unit, higherIsBetter: m.direction === 'higher-is-better' })),
    headline: CHART_METRICS,
    overview: datas.flatMap((d, i) => overview(d, listed[i].file, input.history)),
    ratios: ratios(datas),
    gates: (input.gates?.gates ?? []).slice(-GATES_SHOWN),
    falseAlarms: falseAlarmRates(input.gates),
  };
  files.set(`${DATA_DIR}/${INDEX_FILE}`, `LPG.index(${JSON.stringify(index)});\n`);
  files.set('index.html', renderPage(input.title, [`${DATA_DIR}/${INDEX_FILE}`, ...listed.map((k) => `${DATA_DIR}/${k.file}`)], assets));
  return files;
}

/** The key data of a published data file (`LPG.key({...});`), checked enough to merge; `source` names it in errors. */
export function parseKeyFile(text: string, source: string): KeyData {
  const m = /^LPG\.key\(([\s\S]*)\);\s*$/.exec(text);
  if (!m) throw new Error(`${source}: not a dashboard data file (expected LPG.key({...});)`);
  let data: unknown;
  try {
    data = JSON.parse(m[1]);
  } catch (err) {
    throw new Error(`${source}: not valid JSON inside LPG.key(...): ${(err as Error).message}`);
  }
  if (!isPlainObject(data) || data.schema !== KEY_DATA_SCHEMA) throw new Error(`${source}: schema is ${JSON.stringify(isPlainObject(data) ? data.schema : data)}, expected "${KEY_DATA_SCHEMA}" (written by another version of llm-perf-gate?)`);
  const d = data as unknown as KeyData;
  if (!Array.isArray(d.runs) || !Array.isArray(d.epochs) || d.epochs.length === 0 || !isPlainObject(d.values) || typeof d.key !== 'string') throw new Error(`${source}: expected runs, epochs (at least one), values and key`);
  d.runs.forEach((r, i) => {
    if (!isPlainObject(r) || typeof r.t !== 'string' || Number.isNaN(Date.parse(r.t))) throw new Error(`${source}: runs[${i}]: expected { t: ISO date, sha, ref }`);
  });
  d.epochs.forEach((e, i) => {
    if (!isPlainObject(e) || !Number.isInteger(e.start) || !isPlainObject(e.fingerprint) || !isPlainObject(e.fingerprint.engine) || !isPlainObject(e.fingerprint.model) || !Array.isArray(e.fingerprint.engineArgs)) throw new Error(`${source}: epochs[${i}]: expected { start, fingerprint, changes }`);
  });
  for (const [s, metrics] of Object.entries(d.values)) {
    for (const [metric, xs] of Object.entries(metrics)) {
      if (!Array.isArray(xs) || xs.length !== d.runs.length || !xs.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x)))) throw new Error(`${source}: values.${s}.${metric}: expected ${d.runs.length} numbers or nulls, one per run`);
    }
  }
  checkNested(source, 'below', d.below, (at) => Array.isArray(at) && at.every((i) => Number.isInteger(i) && i >= 0 && i < d.runs.length), `run indices below ${d.runs.length}`);
  checkNested(source, 'units', d.units, (unit) => typeof unit === 'string', 'a unit');
  return d;
}

/** An optional scenario → metric → leaf record of a data file, each leaf checked. */
function checkNested(source: string, name: string, value: unknown, ok: (leaf: unknown) => boolean, what: string): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) throw new Error(`${source}: ${name}: expected an object of scenarios`);
  for (const [s, metrics] of Object.entries(value)) {
    if (!isPlainObject(metrics)) throw new Error(`${source}: ${name}.${s}: expected an object of metrics`);
    for (const [m, leaf] of Object.entries(metrics)) if (!ok(leaf)) throw new Error(`${source}: ${name}.${s}.${m}: expected ${what}`);
  }
}

/** Whether a site path is a key's data file (what the next publish merges). */
export function isKeyFile(path: string): boolean {
  return path.startsWith(`${DATA_DIR}/`) && path.endsWith('.js') && path !== `${DATA_DIR}/${INDEX_FILE}`;
}
