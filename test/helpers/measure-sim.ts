// measure() on the simulated engine with everything a test or benchmark does not vary fixed: no
// warm-up, no warm start, a throw-away log folder, the sim's own model name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePromptBook } from '../../src/load/prompt-book.ts';
import { loadTokenizer } from '../../src/load/tokenizer.ts';
import { measure } from '../../src/measure.ts';
import { makePlan, parseEngines } from '../../src/plan.ts';
import type { RunResult, ScenarioSet } from '../../src/types.ts';

export interface SimMeasurement {
  readonly scenarios: ScenarioSet;
  /** 'sim-vllm', 'sim-transformers' or 'sim'. */
  readonly engines: string;
  /** Engine starts; each measures `repetitionsPerRun` repetitions. */
  readonly runs: number;
  readonly repetitionsPerRun: number;
  readonly simArgs: readonly string[];
  readonly seed?: number;
  readonly warning?: (message: string) => void;
}

export async function measureOnSim(m: SimMeasurement): Promise<RunResult> {
  const repetitions = m.runs * m.repetitionsPerRun;
  const plan = makePlan({ engines: parseEngines(m.engines), scenarios: m.scenarios, repetitions, seed: m.seed ?? 1 });
  const logDir = mkdtempSync(join(tmpdir(), 'measure-sim-'));
  try {
    return await measure({
      plan,
      scenarios: m.scenarios,
      model: 'sim-qwen',
      prompts: await makePromptBook(m.scenarios.scenarios, repetitions, await loadTokenizer()),
      python: 'python3',
      dtype: 'auto',
      engineArgs: { sim: [...m.simArgs] },
      startupTimeoutS: 60,
      warmupRepetitions: 0,
      warmStart: false,
      runs: m.runs,
      logDir,
      keepRecords: false,
      actionVersion: 'test',
      source: { sha: null, ref: null, event: 'test' },
      hooks: { info: () => {}, warning: m.warning ?? (() => {}) },
    });
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}
