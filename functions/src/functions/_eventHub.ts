/**
 * The Event Hub–triggered functions (`cardinality: "many"`), one per stream. Each is a thin adapter
 * over processBatch: it logs, and rethrows what must fail the invocation (a dependency failure), so
 * the host's retry policy (indefinite: see src/index.ts) redelivers the batch and the partition waits.
 *
 * Should a finite retry policy be configured, its last retry must not end while any event of the batch
 * is neither applied nor parked, because the host checkpoints past the batch as soon as that invocation
 * ends, returned or thrown. So on the last retry the handler parks the batch in quarantine
 * (`retries_exhausted`) and, while even that fails (the lake is down too), keeps the invocation open,
 * retrying the batch or the parking with capped backoff until one of them succeeds.
 */
import type { InvocationContext } from "@azure/functions";

import { type Dependencies, getDependencies } from "../core/dependencies";
import { emitBatchMetrics } from "../core/metrics";
import { type BatchSummary, emptyBatchSummary, processBatch, quarantineBatch } from "../core/processor";
import { sleep } from "../core/retry";
import type { StreamDefinition } from "../core/streams";

export type EventHubBatchHandler = (messages: unknown[], context: InvocationContext) => Promise<BatchSummary>;

/** Backoff between rounds while the last retry holds a batch nothing could take (defaults: 1 s doubling to 1 min). */
export const DEFAULT_HOLD = { baseDelayMs: 1000, maxDelayMs: 60_000 };

function parkedSummary(parked: number): BatchSummary {
  return {
    ...emptyBatchSummary("", parked),
    quarantined: parked,
    quarantinedByCode: { retries_exhausted: parked },
    quarantineFiles: 1,
  };
}

const isLastRetry = (context: InvocationContext) => {
  const retry = context.retryContext;
  return retry !== undefined && retry.maxRetryCount >= 0 && retry.retryCount >= retry.maxRetryCount;
};

export function eventHubHandler(stream: StreamDefinition): EventHubBatchHandler {
  return async (input, context) => {
    const deps = await getDependencies();
    const messages = Array.isArray(input) ? input : [input];
    const run = async () => {
      const summary = await processBatch(stream, messages, context.triggerMetadata, {
        ...deps,
        log: (m) => context.warn(m),
      });
      context.log(
        `${summary.batchId}: ${summary.accepted} accepted, ${summary.quarantined} quarantined, ` +
          `${summary.duplicates} duplicates, ${summary.profilesWritten} profiles written`,
      );
      await emitBatchMetrics(deps.metrics, summary, stream.eventType, (m) => context.warn(m));
      return summary;
    };
    try {
      return await run();
    } catch (error) {
      context.error(error);
      if (!isLastRetry(context)) throw error;
      return holdUntilSafe(stream, messages, context, deps, run, error);
    }
  };
}

/** The last retry: park the batch, or process it, whichever succeeds first; never end before one has. */
async function holdUntilSafe(
  stream: StreamDefinition,
  messages: unknown[],
  context: InvocationContext,
  deps: Dependencies,
  run: () => Promise<BatchSummary>,
  firstError: unknown,
): Promise<BatchSummary> {
  const hold = deps.hold ?? DEFAULT_HOLD;
  let cause = firstError;
  for (let round = 0; ; round++) {
    try {
      const parked = await quarantineBatch(stream, messages, context.triggerMetadata, deps, cause);
      context.warn(`retries exhausted: ${parked} event(s) parked in quarantine as retries_exhausted`);
      return parkedSummary(parked);
    } catch (error) {
      context.error(`last retry: parking failed too (${String(error)}); holding the batch`);
    }
    await sleep(Math.min(hold.maxDelayMs, hold.baseDelayMs * 2 ** Math.min(round, 20)));
    try {
      return await run();
    } catch (error) {
      cause = error;
    }
  }
}
