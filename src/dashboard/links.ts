import { escapeInline } from '../report/escape.ts';
import type { Comparison } from '../types.ts';

// The PR comment's way into the dashboard: a link per cell the report names (regressions,
// improvements, change points), each opening the page filtered to that engine × scenario × metric.
// Pure: the report's markdown plus these lines is what the comment posts.

/** Most cells linked one by one; past that, the page itself. */
const MOST_LINKS = 12;

export function cellUrl(base: string, engine: string, scenario: string, metric: string): string {
  const hash = new URLSearchParams({ engine, scenario, metric }).toString();
  return `${base.replace(/#.*$/, '')}#${hash}`;
}

/** Checks the dashboard-url input: an http(s) URL of the published page. */
export function parseDashboardUrl(raw: string, input: string): string | null {
  const v = raw.trim();
  if (v === '') return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`${input}: expected the URL of the published dashboard (https://OWNER.github.io/REPO/), got "${v}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`${input}: expected an http(s) URL, got "${v}"`);
  return u.href;
}

/** Markdown linking every cell the comparison names to its chart on the dashboard at `base`. */
export function dashboardLinks(comparison: Comparison, base: string): string {
  const cells = new Map<string, [string, string, string]>();
  for (const e of comparison.engines) {
    for (const m of e.metrics) if (m.verdict === 'regression' || m.verdict === 'improvement') cells.set(`${e.engine}/${m.scenario}/${m.metric}`, [e.engine, m.scenario, m.metric]);
  }
  for (const c of comparison.changePoints) cells.set(`${c.engine}/${c.scenario}/${c.metric}`, [c.engine, c.scenario, c.metric]);
  const shown = [...cells.entries()].slice(0, MOST_LINKS).map(([label, [e, s, m]]) => `[${escapeInline(label)}](<${cellUrl(base, e, s, m)}>)`);
  const more = cells.size > MOST_LINKS ? ` and ${cells.size - MOST_LINKS} more` : '';
  const lead = `\n\n📈 [History dashboard](<${base}>)`;
  return shown.length ? `${lead}: ${shown.join(' · ')}${more}\n` : `${lead}\n`;
}
