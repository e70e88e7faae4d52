import { setTimeout as sleep } from 'node:timers/promises';

// GitHub answers a busy moment with 502/503/504, a secondary rate limit with 429 or 403 and a
// Retry-After, a spent primary limit with 403 and x-ratelimit-remaining: 0. Each of those passes;
// a job must not lose its comment or its baseline to one of them. Waits honour Retry-After (or the
// limit's reset) when it is short enough, else the error stands and is named for what it is.

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** First back-off; doubled each try, with jitter. */
  readonly baseDelayMs: number;
  /** The longest single wait, Retry-After included; a longer one is not waited for. */
  readonly maxWaitMs: number;
}

export const GITHUB_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000, maxWaitMs: 60_000 };

/** The status and headers of a failed answer, however the client shaped it. */
export interface Answer {
  readonly status: number;
  header(name: string): string | null;
  readonly message?: string;
}

/** A 403 or 429 that is a rate limit, not a missing permission. */
export function isRateLimit(answer: Answer): boolean {
  if (answer.status === 429) return true;
  if (answer.status !== 403) return false;
  return answer.header('x-ratelimit-remaining') === '0' || answer.header('retry-after') !== null || /rate limit/i.test(answer.message ?? '');
}

/** How long the server asked us to wait (Retry-After seconds or date, or the limit's reset), in ms; null if it did not say. */
export function requestedWaitMs(answer: Answer, now = Date.now()): number | null {
  const after = answer.header('retry-after');
  if (after !== null) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(after);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const reset = Number(answer.header('x-ratelimit-reset'));
  if (answer.header('x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return null;
}

/** The wait before try `attempt + 1`, or null when this answer is not worth another try. */
export function retryDelayMs(answer: Answer, attempt: number, policy: RetryPolicy): number | null {
  const transient = answer.status >= 500 || isRateLimit(answer);
  if (!transient || attempt >= policy.attempts) return null;
  const asked = requestedWaitMs(answer);
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
  const wait = Math.max(asked ?? 0, backoff);
  return wait <= policy.maxWaitMs ? wait : null;
}

/**
 * Runs `fn` until it succeeds or fails for good. `answerOf` reads a failure as an HTTP answer
 * (null: not an HTTP failure, never retried). The operation must be safe to repeat.
 */
export async function withRetries<T>(fn: () => Promise<T>, answerOf: (err: unknown) => Answer | null, policy: RetryPolicy = GITHUB_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const answer = answerOf(err);
      const delay = answer === null ? null : retryDelayMs(answer, attempt, policy);
      if (delay === null) throw err;
      await sleep(delay);
    }
  }
}

/** An Octokit RequestError as an Answer. */
export function octokitAnswer(err: unknown): Answer | null {
  const e = err as { status?: unknown; message?: unknown; response?: { headers?: Record<string, unknown> } };
  if (typeof e?.status !== 'number') return null;
  const headers = e.response?.headers ?? {};
  return {
    status: e.status,
    message: typeof e.message === 'string' ? e.message : undefined,
    header: (name) => {
      const v = headers[name] ?? headers[name.toLowerCase()];
      return v === undefined || v === null ? null : String(v);
    },
  };
}
