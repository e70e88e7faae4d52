// Renders a report.md the way GitHub shows it and writes screenshots to look at:
//   npm run render:report -- .out/demo/report.md [OUT_DIR]
// (first screen with every block closed, the whole page opened, and the first chart).

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderScreenshots } from '../test/helpers/render-html.ts';

const [file, outDir = '.out/render'] = process.argv.slice(2);
if (!file) {
  console.error('usage: npm run render:report -- REPORT.md [OUT_DIR]');
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
const png = { firstScreen: join(outDir, 'first-screen.png'), fullPage: join(outDir, 'full.png'), chart: join(outDir, 'chart.png') };
const r = await renderScreenshots(readFileSync(file, 'utf8'), png);
console.log(`${r.charts} charts drawn${r.chartErrors.length ? `, ${r.chartErrors.length} failed: ${r.chartErrors.join('; ')}` : ''}; ${r.tables} tables; ${r.collapsed} collapsed blocks`);
console.log(Object.values(png).join('\n'));
if (r.chartErrors.length) process.exit(1);
