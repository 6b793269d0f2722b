/**
 * The Event Hub–triggered functions (`cardinality: "many"`), one per stream. Each is a thin adapter
 * over processBatch: it logs, and rethrows what must fail the invocation (a batch that could not
 * complete), so the host's retry policy redelivers it.
 */
import type { InvocationContext } from "@azure/functions";

import { getDependencies } from "../core/dependencies";
import { type BatchSummary, processBatch } from "../core/processor";
import type { StreamDefinition } from "../core/streams";

export type EventHubBatchHandler = (messages: unknown[], context: InvocationContext) => Promise<BatchSummary>;

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
      return summary;
    } catch (error) {
      context.error(error);
      throw error;
    }
  };
}
