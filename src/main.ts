import * as core from '@actions/core';

export async function run(): Promise<void> {
  try {
    core.info(`llm-perf-gate ${new URL(import.meta.url).pathname}`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
