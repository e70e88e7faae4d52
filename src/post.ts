import * as core from '@actions/core';
import { killGroup } from './engines/process.ts';
import { PGID_STATE } from './state.ts';

// Post step: runs even when the main step failed or was cancelled, and kills any engine server
// group the main step recorded, so a crashed job never leaves a model holding the GPU.

const POST_GRACE_MS = 10_000;

export async function post(): Promise<void> {
  try {
    const raw = core.getState(PGID_STATE);
    const pgids = raw ? (JSON.parse(raw) as number[]) : [];
    for (const pgid of pgids) {
      const outcome = await killGroup(pgid, POST_GRACE_MS);
      if (outcome !== 'not-running') core.warning(`post: engine server group ${pgid} was still running: ${outcome}`);
    }
  } catch (err) {
    core.warning(`post: cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

void post();
