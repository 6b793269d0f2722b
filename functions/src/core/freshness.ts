/**
 * Data freshness that keeps being measured when ingestion stops. The Event Hub functions send the
 * data age with each batch (metrics.ts), so when no batch arrives no age is sent and the freshness
 * alert has nothing to fire on. Here:
 * - after each processed batch, the newest accepted event time of its partition is persisted in the
 *   lake's control zone, `control/freshness/<event hub>/<partition>.json` (one writer per partition:
 *   the Event Hubs trigger gives a partition to one instance at a time; a conditional write keeps the
 *   maximum if two overlap during a rebalance);
 * - a timer function (functions/reportDataFreshness.ts) reads them every five minutes and sends the
 *   age of the newest event across all partitions, so a stopped stream shows a rising age.
 *
 * Recording is best effort like the metrics themselves: a failure is a warning, never a failed batch.
 */
import type { InvocationContext } from "@azure/functions";

import { CUSTOM_METRICS } from "../../../contracts/metrics";
import { getDependencies } from "./dependencies";
import type { Lake } from "./lake";
import type { Metric, MetricSink } from "./metrics";
import { readBatchPositions } from "./positions";
import type { BatchSummary } from "./processor";
import type { StreamDefinition } from "./streams";

export const FRESHNESS_PREFIX = "freshness/";

export interface PartitionFreshness {
  eventHubName: string;
  partitionId: string;
  /** occurredAt of the newest event this partition has accepted (ISO 8601). */
  newestOccurredAt: string;
  batchId: string;
  recordedAt: string;
}

const pathOf = (eventHubName: string, partitionId: string) =>
  `${FRESHNESS_PREFIX}${eventHubName}/${partitionId}.json`;

function parse(text: string): PartitionFreshness | undefined {
  try {
    const value = JSON.parse(text) as Partial<PartitionFreshness>;
    return typeof value.newestOccurredAt === "string" && !Number.isNaN(Date.parse(value.newestOccurredAt))
      ? (value as PartitionFreshness)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Persists a partition's newest accepted event time if it is newer than the stored one. Returns
 * what is stored afterwards. Concurrent writers settle on the maximum (ETag-conditional writes).
 */
export async function recordNewestEvent(
  lake: Lake,
  entry: Omit<PartitionFreshness, "recordedAt">,
  now = new Date(),
): Promise<PartitionFreshness> {
  const path = pathOf(entry.eventHubName, entry.partitionId);
  const record: PartitionFreshness = { ...entry, recordedAt: now.toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await lake.readVersioned("control", path);
    const stored = current ? parse(current.text) : undefined;
    if (stored && Date.parse(stored.newestOccurredAt) >= Date.parse(entry.newestOccurredAt)) return stored;
    const written = current
      ? await lake.replaceIfUnchanged("control", path, JSON.stringify(record), current.etag)
      : await lake.writeOnce("control", path, JSON.stringify(record));
    if (written) return record;
  }
  throw new Error(`${path}: changed by another writer five times in a row`);
}

/** Every partition's record under control/freshness/ (unreadable ones are skipped). */
export async function readFreshness(lake: Lake): Promise<PartitionFreshness[]> {
  const out: PartitionFreshness[] = [];
  for (const path of await lake.list("control", FRESHNESS_PREFIX)) {
    const text = await lake.read("control", path);
    const record = text === undefined ? undefined : parse(text);
    if (record) out.push(record);
  }
  return out;
}

/** Age of the newest processed event at `now` (the data-age metric), or undefined when none is recorded. */
export function freshnessMetrics(records: readonly PartitionFreshness[], now: Date): Metric[] {
  if (records.length === 0) return [];
  const newest = Math.max(...records.map((r) => Date.parse(r.newestOccurredAt)));
  return [{ name: CUSTOM_METRICS.dataAgeSeconds, value: Math.max(0, (now.getTime() - newest) / 1000) }];
}

/** Reads the records and sends the data age; returns what was sent. Failures to send are warnings. */
export async function reportFreshness(
  lake: Lake,
  sink: MetricSink | undefined,
  now: Date,
  warn: (message: string) => void,
): Promise<{ metrics: Metric[]; records: PartitionFreshness[] }> {
  const records = await readFreshness(lake);
  const metrics = freshnessMetrics(records, now);
  if (metrics.length === 0)
    warn("no processed event recorded under control/freshness/ yet: no data age sent");
  else if (!sink)
    warn("no metrics sink configured (APPLICATIONINSIGHTS_CONNECTION_STRING): data age not sent");
  else {
    const newest = records.reduce((a, b) =>
      Date.parse(a.newestOccurredAt) >= Date.parse(b.newestOccurredAt) ? a : b,
    );
    try {
      await sink.track(metrics, {
        source: "freshness-timer",
        newestOccurredAt: newest.newestOccurredAt,
        newestPartition: `${newest.eventHubName}/${newest.partitionId}`,
      });
    } catch (error) {
      warn(`data age not sent: ${String(error)}`);
    }
  }
  return { metrics, records };
}

type BatchHandler = (messages: unknown[], context: InvocationContext) => Promise<BatchSummary>;

/**
 * Wraps an Event Hub batch handler (what src/index.ts registers): after a batch that accepted events,
 * the partition's newest event time is recorded. The handler's own result and errors are untouched.
 */
export function recordingFreshness(stream: StreamDefinition, handler: BatchHandler): BatchHandler {
  return async (messages, context) => {
    const summary = await handler(messages, context);
    if (summary.newestOccurredAt) {
      try {
        const batch = readBatchPositions(
          context.triggerMetadata,
          Array.isArray(messages) ? messages.length : 1,
          stream.hubName,
        );
        const { lake } = await getDependencies();
        await recordNewestEvent(lake, {
          eventHubName: batch.eventHubName,
          partitionId: batch.partitionId,
          newestOccurredAt: summary.newestOccurredAt,
          batchId: summary.batchId,
        });
      } catch (error) {
        context.warn(`freshness for ${summary.batchId} not recorded: ${String(error)}`);
      }
    }
    return summary;
  };
}
