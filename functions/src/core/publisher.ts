/**
 * Publishing accepted events to Event Hubs: one hub per event type, partition key = customer id
 * (anonymous behaviour: its anonymousId or eventId), sent in as few batches as the size limit
 * allows. `InMemoryPublisher` implements the same interface for tests and local runs (Event Hubs
 * has no Docker-free emulator).
 */
import type { EventHubProducerClient } from "@azure/event-hubs";

import { type AnyEvent, type BoundsCode, checkJsonBounds, type JsonLimits } from "../../../contracts";
import { streamFor } from "./streams";

/** Event Hubs (Standard and Premium): at most 1 MiB per event and per batch, AMQP framing included. */
export const EVENT_HUBS_MAX_MESSAGE_BYTES = 1024 * 1024;
/** Room kept for AMQP framing, the content type and the partition key annotation. */
export const AMQP_OVERHEAD_BYTES = 2048;
/** The largest serialized event body either publisher accepts. */
export const MAX_EVENT_BODY_BYTES = EVENT_HUBS_MAX_MESSAGE_BYTES - AMQP_OVERHEAD_BYTES;
/** Events per publish() call (one request of /api/events). */
export const MAX_EVENTS_PER_PUBLISH = 1000;

export interface PublishViolation {
  /** The event's index in the publish() call; -1 for the call as a whole. */
  index: number;
  /** `too_large`, or why the event cannot be serialized (`not_json`, `too_deep`). */
  code: BoundsCode | "too_many_events";
  detail: string;
}

/** Only the size and the ability to serialize (depth, JSON types) limit what is published. */
const PUBLISH_LIMITS: Partial<JsonLimits> = {
  maxBytes: MAX_EVENT_BODY_BYTES,
  maxStringLength: MAX_EVENT_BODY_BYTES,
  maxKeysPerObject: MAX_EVENT_BODY_BYTES,
  maxTotalKeys: MAX_EVENT_BODY_BYTES,
  maxItemsPerArray: MAX_EVENT_BODY_BYTES,
};

/**
 * The Event Hubs limits, checked for every event before anything is sent (so a call publishes
 * everything or nothing when its input is at fault): each event must serialize to JSON (checked
 * without recursion) within MAX_EVENT_BODY_BYTES. Shared by both publishers and /api/events.
 */
export function checkPublishable(events: readonly unknown[]): PublishViolation | undefined {
  if (events.length > MAX_EVENTS_PER_PUBLISH) {
    return {
      index: -1,
      code: "too_many_events",
      detail: `${events.length} events; at most ${MAX_EVENTS_PER_PUBLISH} are published at once`,
    };
  }
  for (let index = 0; index < events.length; index++) {
    const error = checkJsonBounds(events[index], PUBLISH_LIMITS);
    if (!error) continue;
    if (error.code === "too_large") {
      return {
        index,
        code: "too_large",
        detail: `event ${index} is larger than ${MAX_EVENT_BODY_BYTES} bytes serialized (the Event Hubs limit is ${EVENT_HUBS_MAX_MESSAGE_BYTES} bytes per event, framing included)`,
      };
    }
    return { index, code: error.code, detail: `event ${index} cannot be serialized: ${error.detail}` };
  }
  return undefined;
}

/** A publish() refused before sending anything because an event breaks the Event Hubs limits. */
export class PublishRejected extends Error {
  constructor(readonly violation: PublishViolation) {
    super(violation.detail);
    this.name = "PublishRejected";
  }
}

function assertPublishable(events: readonly unknown[]): void {
  const violation = checkPublishable(events);
  if (violation) throw new PublishRejected(violation);
}

export interface EventPublisher {
  /**
   * Publishes events (all already validated); resolves when every event is accepted by the broker.
   * Throws PublishRejected, having sent nothing, when an event breaks the Event Hubs limits.
   */
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
    assertPublishable(events);
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
    assertPublishable(events);
    for (const [hubName, byKey] of groupForPublishing(events)) {
      for (const [partitionKey, group] of byKey) {
        for (const event of group) this.published.push({ hubName, partitionKey, event });
      }
    }
  }

  async close(): Promise<void> {}
}
