// Renders report markdown the way GitHub shows it, for tests that look at the result: GFM by
// `marked`, ```mermaid fences drawn by Mermaid (from node_modules, injected into the page, so
// nothing is fetched), in headless Chromium driven by playwright-core. Chromium is Debian's
// package (.ci/run installs it); playwright's own browser downloads are not used.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const require = createRequire(import.meta.url);
const MERMAID = require.resolve('mermaid/dist/mermaid.min.js');

const STYLE = `
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; max-width: 900px; margin: 16px auto; padding: 0 16px; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
h3 { font-size: 1.25em; }
table { border-collapse: collapse; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
code { background: #818b981f; border-radius: 6px; padding: .2em .4em; font-size: 85%; }
pre code { background: none; padding: 0; }
pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; }
blockquote { border-left: .25em solid #d1d9e0; color: #59636e; margin: 0; padding: 0 1em; }
summary { cursor: pointer; }
details { margin: 8px 0; }
`;

/** GFM → HTML, with mermaid fences as <pre class="mermaid"> for Mermaid to draw, as GitHub does. */
export function toHtml(markdown: string): string {
  const body = (marked.parse(markdown, { gfm: true, async: false }) as string).replace(
    /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    (_m, code: string) => `<pre class="mermaid">${code}</pre>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export interface Rendered {
  /** Charts Mermaid drew (an <svg> each) and the ones it could not parse. */
  readonly charts: number;
  readonly chartErrors: readonly string[];
  /** The text of every chart's x-axis labels, chart by chart. */
  readonly xLabels: readonly (readonly string[])[];
  readonly tables: number;
  readonly collapsed: number;
  /** Text a reviewer sees before opening anything. */
  readonly visibleText: string;
  /** Requests the page tried to make (all refused): none is expected. */
  readonly requests: readonly string[];
}

export interface Screenshots {
  /** The first screen, every block closed: what a reviewer sees on opening the page. */
  readonly firstScreen: string;
  /** The whole page with every block open and every chart drawn. */
  readonly fullPage: string;
  /** The first chart alone, at full size. */
  readonly chart: string;
}

/** Renders `markdown` and takes the screenshots named in `png`. */
export async function renderScreenshots(markdown: string, png: Screenshots): Promise<Rendered> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const profile = mkdtempSync(join(tmpdir(), 'report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1000, height: 900 },
  });
  try {
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setContent(toHtml(markdown), { waitUntil: 'load' });
    await page.screenshot({ path: png.firstScreen });
    // Browser-side code is passed as text: this project type-checks for Node, without the DOM's types.
    const visibleText = (await page.evaluate('document.body.innerText')) as string;
    // Open every block before Mermaid draws: it measures text, which a closed block does not lay out.
    await page.evaluate(`document.querySelectorAll('details').forEach((d) => d.setAttribute('open', ''))`);
    await page.addScriptTag({ content: readFileSync(MERMAID, 'utf8') });
    const chartErrors = (await page.evaluate(`(async () => {
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      const errors = [];
      for (const el of document.querySelectorAll('pre.mermaid')) {
        try { await mermaid.run({ nodes: [el] }); } catch (err) { errors.push(String(err)); }
      }
      return errors;
    })()`)) as string[];
    const result = (await page.evaluate(`({
      charts: document.querySelectorAll('pre.mermaid svg').length,
      xLabels: [...document.querySelectorAll('pre.mermaid svg')].map((svg) => [...svg.querySelectorAll('.bottom-axis text')].map((t) => t.textContent ?? '')),
      tables: document.querySelectorAll('table').length,
      collapsed: document.querySelectorAll('details').length,
    })`)) as Pick<Rendered, 'charts' | 'xLabels' | 'tables' | 'collapsed'>;
    await page.screenshot({ path: png.fullPage, fullPage: true });
    if (result.charts > 0) await page.locator('pre.mermaid').first().screenshot({ path: png.chart });
    return { ...result, chartErrors, visibleText, requests };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
