import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot, runningBundled } from '../paths.ts';
import type { PageAssets } from './page.ts';

// What the page inlines: uPlot (MIT; its minified IIFE build and stylesheet) and the page's own
// glue and stylesheet. From src/ they are read where they live; the bundled action has no
// node_modules, so the build copies the four files into dist/dashboard/.

function assetPath(name: string): string {
  if (runningBundled()) return join(packageRoot(), 'dist', 'dashboard', name);
  if (name.startsWith('uPlot')) return fileURLToPath(import.meta.resolve(`uplot/dist/${name}`));
  return fileURLToPath(new URL(`./client/${name}`, import.meta.url));
}

export function loadPageAssets(): PageAssets {
  const read = (name: string): string => {
    try {
      return readFileSync(assetPath(name), 'utf8');
    } catch (err) {
      throw new Error(`dashboard: cannot read ${assetPath(name)} (part of llm-perf-gate's install): ${(err as Error).message}`);
    }
  };
  return { uplotJs: read('uPlot.iife.min.js'), uplotCss: read('uPlot.min.css'), css: read('dashboard.css'), glueJs: read('dashboard.js') };
}
