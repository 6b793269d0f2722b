/**
 * Where each event of a batch sits in its hub partition, read from the Event Hubs trigger's
 * metadata (`cardinality: "many"`: arrays parallel to the batch). Property casing differs between
 * host versions (`partitionContext.partitionId` vs `PartitionContext.PartitionId`); both are read.
 */
export interface EventPosition {
  partitionId: string;
  sequenceNumber: number;
  offset: string;
  enqueuedTimeUtc: string;
}

export interface BatchPositions {
  eventHubName: string;
  partitionId: string;
  positions: EventPosition[];
}

type Metadata = Record<string, unknown> | undefined;

function pick(obj: Metadata, ...names: string[]): unknown {
  if (!obj) return undefined;
  for (const name of names) if (obj[name] !== undefined) return obj[name];
  return undefined;
}

function arrayOf(obj: Metadata, ...names: string[]): unknown[] {
  const v = pick(obj, ...names);
  return Array.isArray(v) ? v : [];
}

export function readBatchPositions(
  triggerMetadata: Metadata,
  count: number,
  fallbackHub: string,
  now: Date = new Date(),
): BatchPositions {
  const partitionContext = pick(triggerMetadata, "partitionContext", "PartitionContext") as Metadata;
  const partitionId = String(pick(partitionContext, "partitionId", "PartitionId") ?? "0");
  const eventHubName = String(pick(partitionContext, "eventHubName", "EventHubName") ?? fallbackHub);
  const seqs = arrayOf(triggerMetadata, "sequenceNumberArray", "SequenceNumberArray");
  const offsets = arrayOf(triggerMetadata, "offsetArray", "OffsetArray");
  const times = arrayOf(triggerMetadata, "enqueuedTimeUtcArray", "EnqueuedTimeUtcArray");
  const positions: EventPosition[] = [];
  for (let i = 0; i < count; i++) {
    const seq = Number(seqs[i]);
    const enqueued = times[i] !== undefined ? new Date(String(times[i])) : now;
    positions.push({
      partitionId,
      sequenceNumber: Number.isFinite(seq) ? seq : i,
      offset: offsets[i] !== undefined ? String(offsets[i]) : String(i),
      enqueuedTimeUtc: Number.isNaN(enqueued.getTime()) ? now.toISOString() : enqueued.toISOString(),
    });
  }
  return { eventHubName, partitionId, positions };
}

/** Metadata as the Event Hubs trigger hands it to a `cardinality: "many"` function (used by the local driver). */
export function triggerMetadataFor(
  eventHubName: string,
  partitionId: string,
  positions: ReadonlyArray<Omit<EventPosition, "partitionId"> & { partitionKey?: string }>,
  consumerGroup = "$Default",
): Record<string, unknown> {
  return {
    partitionContext: { eventHubName, partitionId, consumerGroup, fullyQualifiedNamespace: "local" },
    sequenceNumberArray: positions.map((p) => p.sequenceNumber),
    offsetArray: positions.map((p) => p.offset),
    enqueuedTimeUtcArray: positions.map((p) => p.enqueuedTimeUtc),
    partitionKeyArray: positions.map((p) => p.partitionKey ?? null),
    propertiesArray: positions.map(() => ({})),
    systemPropertiesArray: positions.map((p) => ({
      SequenceNumber: p.sequenceNumber,
      Offset: p.offset,
      EnqueuedTimeUtc: p.enqueuedTimeUtc,
      PartitionKey: p.partitionKey ?? null,
    })),
  };
}
