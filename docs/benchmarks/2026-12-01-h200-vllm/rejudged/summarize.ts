// Prints what a comparison.json says: the gate, the engine's verdict, the cells by reading, the
// regressions and the cells the benchmark README tabulates. Usage: node summarize.ts FILE...
import { readFileSync } from 'node:fs';

interface Metric { scenario: string; metric: string; ratio: number | null; ci: [number, number] | null; verdict: string; why?: string | null }
interface Engine { engine: string; verdict: string; baselineRuns: number; fingerprintDiffs: unknown[]; metrics: Metric[] }

const TABLE: [string, string][] = [
  ['all scenarios', 'output_throughput'], ['single-stream', 'output_throughput'], ['all scenarios', 'tpot_p50'],
  ['poisson', 'tpot_p50'], ['single-stream', 'e2el_p50'], ['poisson', 'itl_p95'], ['all scenarios', 'itl_p95'], ['all scenarios', 'ttft_p95'],
];
const pct = (x: number): string => `${x >= 1 ? '+' : '−'}${Math.abs((x - 1) * 100).toFixed(1)}%`;

for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { gate: { passed: boolean; verdict: string }; engines: Engine[] };
  const vllm = doc.engines.find((e) => e.engine === 'vllm');
  console.log(`== ${file}: gate ${doc.gate.passed ? 'passed' : 'failed'} (${doc.gate.verdict})`);
  if (!vllm) continue;
  const counts = new Map<string, number>();
  for (const m of vllm.metrics) {
    const k = m.why ? `${m.verdict} (${m.why})` : m.verdict;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  console.log(`vllm: ${vllm.verdict}, history ${vllm.baselineRuns} runs, ${vllm.metrics.length} cells, fingerprint diffs ${vllm.fingerprintDiffs.length}`);
  console.log(`  by reading: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const m of vllm.metrics.filter((x) => x.verdict === 'regression')) {
    console.log(`  regression: ${m.scenario} ${m.metric} ${pct(m.ratio!)} [${pct(m.ci![0])}, ${pct(m.ci![1])}]`);
  }
  for (const [scenario, metric] of TABLE) {
    const m = vllm.metrics.find((x) => x.scenario === scenario && x.metric === metric);
    if (m?.ratio != null) console.log(`  cell ${scenario} ${metric}: ${pct(m.ratio)} [${m.ci ? `${pct(m.ci[0])}, ${pct(m.ci[1])}` : '–'}] ${m.verdict}${m.why ? ` (${m.why})` : ''}`);
  }
}
