import { escapeHtml } from '../report/escape.ts';

// The dashboard's one HTML page: uPlot's script and stylesheet, the page's stylesheet and its glue
// inlined (nothing is fetched from a CDN), then the data scripts, loaded as <script src> so that a
// page opened from disk works as well as one served by GitHub Pages.

export interface PageAssets {
  readonly uplotJs: string;
  readonly uplotCss: string;
  readonly css: string;
  readonly glueJs: string;
}

/** Inline script text cannot close its own element. */
const inlineScript = (js: string): string => `<script>${js.replace(/<\/(script)/gi, '<\\/$1')}</script>`;

export function renderPage(title: string, dataScripts: readonly string[], assets: PageAssets): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${assets.uplotCss}</style>`,
    `<style>${assets.css}</style>`,
    '</head><body>',
    `<header><h1>${escapeHtml(title)}</h1><div id="meta"></div><form id="filters"></form></header>`,
    '<main><section id="overview"></section><section id="false-alarms"></section><section id="ratios"></section><section id="charts"></section></main>',
    inlineScript('window.LPG = { data: { index: null, keys: [] }, index(d) { this.data.index = d; }, key(d) { this.data.keys.push(d); } };'),
    ...dataScripts.map((src) => `<script src="${escapeHtml(src)}"></script>`),
    inlineScript(assets.uplotJs),
    inlineScript(assets.glueJs),
    '</body></html>',
    '',
  ].join('\n');
}
