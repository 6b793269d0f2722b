/**
 * Publishing accepted events to Event Hubs: one hub per event type, partition key = customer id
 * (anonymous behaviour: its anonymousId or eventId), sent in as few batches as the size limit
 * allows. `InMemoryPublisher` implements the same interface for tests and local runs (Event Hubs
 * has no Docker-free emulator).
 */
import type { EventHubProducerClient } from "@azure/event-hubs";

import type { AnyEvent } from "../../../contracts";
import { streamFor } from "./streams";

export interface EventPublisher {
  /** Publishes events (all already validated); resolves when every event is accepted by the broker. */
  publish(events: readonly AnyEvent[]): Promise<void>;
  close(): Promise<void>;
}

export function partitionKeyOf(event: AnyEvent): string {
  if (event.customerId) return event.customerId;
  if (event.eventType === "behavioral_event" && event.payload.anonymousId) return event.payload.anonymousId;
  return event.eventId;
}

/** Groups events by hub and partition key, keeping their order within each group. */
export function groupForPublishing(events: readonly AnyEvent[]): Map<string, Map<string, AnyEvent[]>> {
  const byHub = new Map<string, Map<string, AnyEvent[]>>();
  for (const event of events) {
    const hub = streamFor(event.eventType).hubName;
    let byKey = byHub.get(hub);
    if (!byKey) byHub.set(hub, (byKey = new Map()));
    const key = partitionKeyOf(event);
    const list = byKey.get(key);
    if (list) list.push(event);
    else byKey.set(key, [event]);
  }
  return byHub;
}

export class EventHubsPublisher implements EventPublisher {
  constructor(private readonly producerFor: (hubName: string) => EventHubProducerClient) {}

  async publish(events: readonly AnyEvent[]): Promise<void> {
    const sends: Array<Promise<void>> = [];
    for (const [hub, byKey] of groupForPublishing(events)) {
      const producer = this.producerFor(hub);
      for (const [partitionKey, group] of byKey) {
        sends.push(
          (async () => {
            let batch = await producer.createBatch({ partitionKey });
            for (const event of group) {
              if (batch.tryAdd({ body: event, contentType: "application/json" })) continue;
              if (batch.count === 0)
                throw new Error(`event ${event.eventId} is larger than an Event Hubs batch`);
              await producer.sendBatch(batch);
              batch = await producer.createBatch({ partitionKey });
              if (!batch.tryAdd({ body: event, contentType: "application/json" })) {
                throw new Error(`event ${event.eventId} is larger than an Event Hubs batch`);
              }
            }
            if (batch.count > 0) await producer.sendBatch(batch);
          })(),
        );
      }
    }
    await Promise.all(sends);
  }

  async close(): Promise<void> {}
}

export interface PublishedEvent {
  hubName: string;
  partitionKey: string;
  event: AnyEvent;
}

export class InMemoryPublisher implements EventPublisher {
  readonly published: PublishedEvent[] = [];
  /** Calls to publish() (each one a set of Event Hubs batches in Azure). */
  calls = 0;

  async publish(events: readonly AnyEvent[]): Promise<void> {
    this.calls++;
    for (const [hubName, byKey] of groupForPublishing(events)) {
      for (const [partitionKey, group] of byKey) {
        for (const event of group) this.published.push({ hubName, partitionKey, event });
      }
    }
  }

  async close(): Promise<void> {}
}
