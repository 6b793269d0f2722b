/**
 * A stand-in for Event Hubs on a machine without it: partitions by partition key (customer id),
 * assigns per-partition sequence numbers, offsets and enqueued times, and delivers batches to the
 * SAME handler functions the Functions host invokes, with the trigger metadata it would pass
 * (`cardinality: "many"`). Not a mock of our code: the handlers, Cosmos and the lake all run for real.
 */
import { InvocationContext } from "@azure/functions";

import type { AnyEvent } from "../../../contracts";
import { triggerMetadataFor } from "../core/positions";
import type { BatchSummary } from "../core/processor";
import { partitionKeyOf } from "../core/publisher";
import { isEventType, type StreamDefinition, streamFor, STREAMS } from "../core/streams";
import { processBehavioralEvents } from "../functions/processBehavioralEvents";
import { processCustomerProfiles } from "../functions/processCustomerProfiles";
import { processOrders } from "../functions/processOrders";
import { processProducts } from "../functions/processProducts";
import { processSupportInteractions } from "../functions/processSupportInteractions";

export const HANDLERS: Record<
  string,
  (messages: unknown[], context: InvocationContext) => Promise<BatchSummary>
> = {
  processCustomerProfiles,
  processOrders,
  processBehavioralEvents,
  processSupportInteractions,
  processProducts,
};

/** Stable string hash → partition (Event Hubs uses its own hash; any stable one keeps a key on one partition). */
export function partitionFor(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

export interface HubMessage {
  body: unknown;
  sequenceNumber: number;
  offset: string;
  enqueuedTimeUtc: string;
  partitionKey: string;
}

export interface Delivery {
  stream: StreamDefinition;
  partitionId: string;
  messages: HubMessage[];
}

/** Where a raw line goes: by its eventType when it names one, else (unparseable, unknown type) the behavioural hub. */
export function routeOf(body: unknown): { stream: StreamDefinition; key: string } {
  const obj = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : undefined;
  const stream = isEventType(obj?.eventType) ? streamFor(obj.eventType) : streamFor("behavioral_event");
  let key: string;
  if (obj && isEventType(obj.eventType) && typeof obj.eventId === "string") {
    key = partitionKeyOf(obj as unknown as AnyEvent);
  } else {
    key =
      typeof obj?.customerId === "string"
        ? obj.customerId
        : typeof body === "string"
          ? body.slice(0, 64)
          : "unroutable";
  }
  return { stream, key };
}

export class LocalEventHub {
  private readonly logs = new Map<string, HubMessage[]>();
  private readonly offsets = new Map<string, number>();

  constructor(
    readonly partitions: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private logOf(hub: string, partition: string): HubMessage[] {
    const key = `${hub}/${partition}`;
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    return log;
  }

  /** Appends events (objects or raw text lines) to their hub partitions, as a producer's send would. */
  send(bodies: Iterable<unknown>): void {
    for (const body of bodies) {
      const { stream, key } = routeOf(body);
      const partition = String(partitionFor(key, this.partitions));
      const log = this.logOf(stream.hubName, partition);
      const logKey = `${stream.hubName}/${partition}`;
      const offset = this.offsets.get(logKey) ?? 0;
      const size = typeof body === "string" ? body.length : JSON.stringify(body).length;
      this.offsets.set(logKey, offset + size);
      log.push({
        body,
        sequenceNumber: log.length,
        offset: String(offset),
        enqueuedTimeUtc: this.clock().toISOString(),
        partitionKey: key,
      });
    }
  }

  /** Every (hub, partition) with its messages in sequence order. */
  partitionsWithMessages(): Array<{ stream: StreamDefinition; partitionId: string; messages: HubMessage[] }> {
    const out: Array<{ stream: StreamDefinition; partitionId: string; messages: HubMessage[] }> = [];
    for (const stream of STREAMS) {
      for (let p = 0; p < this.partitions; p++) {
        const messages = this.logs.get(`${stream.hubName}/${p}`);
        if (messages?.length) out.push({ stream, partitionId: String(p), messages });
      }
    }
    return out;
  }

  /** Cuts each partition's log into batches of at most `batchSize`, as the trigger delivers them. */
  batches(batchSize: number): Delivery[][] {
    return this.partitionsWithMessages().map(({ stream, partitionId, messages }) => {
      const deliveries: Delivery[] = [];
      for (let i = 0; i < messages.length; i += batchSize) {
        deliveries.push({ stream, partitionId, messages: messages.slice(i, i + batchSize) });
      }
      return deliveries;
    });
  }
}

/** Invokes the registered handler for a delivery exactly as the Event Hubs trigger would. */
export function deliver(delivery: Delivery, options: { quiet?: boolean } = {}): Promise<BatchSummary> {
  const { stream, partitionId, messages } = delivery;
  const context = new InvocationContext({
    functionName: stream.functionName,
    invocationId: `${stream.hubName}-${partitionId}-${messages[0]?.sequenceNumber ?? 0}`,
    triggerMetadata: triggerMetadataFor(stream.hubName, partitionId, messages),
    ...(options.quiet === false ? {} : { logHandler: () => {} }),
  });
  return HANDLERS[stream.functionName](
    messages.map((m) => m.body),
    context,
  );
}
