/**
 * Bounded retry with exponential backoff and jitter for transient failures (throttling, timeouts,
 * dropped connections). The Cosmos SDK already retries 429s itself (honouring x-ms-retry-after-ms);
 * this wraps whole operations so that what still fails afterwards is retried a few more times and
 * then surfaces, failing the invocation so the host's retry policy redelivers the batch.
 */
export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Called before each wait (for logs and metrics). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5000 };

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "TimeoutError",
  "REQUEST_SEND_ERROR",
]);
const TRANSIENT_STATUS = new Set([408, 429, 449, 500, 502, 503, 504]);

export function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.statusCode === "number") return e.statusCode;
  if (typeof e?.code === "number") return e.code;
  return undefined;
}

/** Throttling, timeouts, server-side hiccups and network resets: worth retrying. */
export function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  const e = error as { code?: unknown; name?: unknown } | undefined;
  if (typeof e?.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return true;
  return false;
}

/** Retry-after hint (ms) from a Cosmos / Storage error, if present. */
function retryAfterMs(error: unknown): number | undefined {
  const e = error as { retryAfterInMs?: unknown; retryAfterInMilliseconds?: unknown } | undefined;
  const v = e?.retryAfterInMs ?? e?.retryAfterInMilliseconds;
  return typeof v === "number" && v >= 0 ? v : undefined;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(
  operation: () => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
  transient: (error: unknown) => boolean = isTransient,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= options.attempts || !transient(error)) throw error;
      const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(retryAfterMs(error) ?? 0, backoff / 2 + Math.random() * (backoff / 2));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
