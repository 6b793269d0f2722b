/**
 * The Event Hub–triggered functions (`cardinality: "many"`), one per stream. Each is a thin adapter
 * over processBatch: it logs, and rethrows what must fail the invocation (a batch that could not
 * complete), so the host's retry policy redelivers it.
 */
import type { InvocationContext } from "@azure/functions";

import { getDependencies } from "../core/dependencies";
import { emitBatchMetrics } from "../core/metrics";
import { type BatchSummary, emptyBatchSummary, processBatch, quarantineBatch } from "../core/processor";
import type { StreamDefinition } from "../core/streams";

export type EventHubBatchHandler = (messages: unknown[], context: InvocationContext) => Promise<BatchSummary>;

function emptySummary(parked: number): BatchSummary {
  return {
    ...emptyBatchSummary("", parked),
    quarantined: parked,
    quarantinedByCode: { retries_exhausted: parked },
    quarantineFiles: 1,
  };
}

export function eventHubHandler(stream: StreamDefinition): EventHubBatchHandler {
  return async (messages, context) => {
    const deps = await getDependencies();
    try {
      const summary = await processBatch(
        stream,
        Array.isArray(messages) ? messages : [messages],
        context.triggerMetadata,
        {
          ...deps,
          log: (m) => context.warn(m),
        },
      );
      context.log(
        `${summary.batchId}: ${summary.accepted} accepted, ${summary.quarantined} quarantined, ` +
          `${summary.duplicates} duplicates, ${summary.profilesWritten} profiles written`,
      );
      await emitBatchMetrics(deps.metrics, summary, stream.eventType, (m) => context.warn(m));
      return summary;
    } catch (error) {
      context.error(error);
      const retry = context.retryContext;
      if (retry && retry.maxRetryCount >= 0 && retry.retryCount >= retry.maxRetryCount) {
        // Last attempt: park the batch rather than let the checkpoint skip it.
        const parked = await quarantineBatch(stream, messages, context.triggerMetadata, deps, error);
        context.warn(`retries exhausted: ${parked} event(s) parked in quarantine as retries_exhausted`);
        return emptySummary(parked);
      }
      throw error;
    }
  };
}
