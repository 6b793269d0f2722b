/**
 * Profile change events (contract: contracts/profile-change.ts) and where they go: the Event Hub `profile-changes`
 * in Azure (partition key = customer id, so one customer's changes stay in order), an in-memory list locally and in
 * tests. Event ids are deterministic (UUID-shaped SHA-256 of what changed), so a retried sync or batch re-sends the
 * same id and a consumer can drop the repeat; the callers also keep an outbox so a retry re-sends only what was not
 * sent (traits-sync.ts).
 */
import { createHash } from "node:crypto";

import type { EventHubProducerClient } from "@azure/event-hubs";

import {
  type ChangeCause,
  type ChangeKind,
  type ChannelConsent,
  PROFILE_CHANGE_SCHEMA_VERSION,
  type ProfileChangeEvent,
  profileChangeViolations,
} from "../../../contracts";

export interface ChangePublisher {
  /** Sends the events; resolves when the broker accepted every one. */
  publish(events: readonly ProfileChangeEvent[]): Promise<void>;
}

/** A UUID (version 8, RFC 9562 "custom") from the SHA-256 of the parts: same parts, same id. */
export function deterministicUuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const SOURCE_OF: Record<ChangeCause, ProfileChangeEvent["source"]> = {
  batch_traits_sync: "c360-traits-sync",
  realtime_event: "c360-realtime",
  erasure: "c360-erasure",
};

export interface ChangeSpec {
  customerId: string;
  kind: ChangeKind;
  oldValue: string | null;
  newValue: string | null;
  cause: ChangeCause;
  asOf: string;
  occurredAt: string;
  /** What makes this change unique besides customer and kind: the load id, the applied event id, the request id. */
  causeId: string;
  loadId?: string;
  causeEventId?: string;
  requestId?: string;
  /**
   * The consent a trait change is published under, from activationConsent() (contracts/consent.ts): required for
   * every kind but `erased`, so no producer can publish a trait change without passing the consent gate.
   */
  consent?: ChannelConsent;
}

/** One change event; throws when it would break the contract (a producer never sends an invalid event). */
export function changeEvent(spec: ChangeSpec): ProfileChangeEvent {
  if (spec.kind !== "erased" && !spec.consent)
    throw new Error(
      `profile change event for ${spec.customerId}: a ${spec.kind} change is published only with its consent`,
    );
  const event: ProfileChangeEvent = {
    eventId: deterministicUuid(spec.cause, spec.customerId, spec.kind, spec.causeId),
    eventType: spec.kind === "erased" ? "customer.profile.erased" : "customer.profile.updated",
    schemaVersion: PROFILE_CHANGE_SCHEMA_VERSION,
    source: SOURCE_OF[spec.cause],
    occurredAt: spec.occurredAt,
    customerId: spec.customerId,
    payload: {
      kind: spec.kind,
      oldValue: spec.oldValue,
      newValue: spec.newValue,
      cause: spec.cause,
      asOf: spec.asOf,
      ...(spec.loadId ? { loadId: spec.loadId } : {}),
      ...(spec.causeEventId ? { causeEventId: spec.causeEventId } : {}),
      ...(spec.requestId ? { requestId: spec.requestId } : {}),
      ...(spec.consent ? { consent: spec.consent } : {}),
    },
  };
  const violations = profileChangeViolations(event);
  if (violations.length > 0)
    throw new Error(
      `profile change event for ${spec.customerId} breaks its contract: ${violations.join("; ")}`,
    );
  return event;
}

/** Event counts by kind (the run report's "change events by kind"). */
export function countByKind(events: readonly ProfileChangeEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.payload.kind] = (out[e.payload.kind] ?? 0) + 1;
  return out;
}

/** Azure: one producer for the hub, events batched per customer (partition key) up to the batch size limit. */
export class EventHubsChangePublisher implements ChangePublisher {
  constructor(private readonly producer: EventHubProducerClient) {}

  async publish(events: readonly ProfileChangeEvent[]): Promise<void> {
    const byCustomer = new Map<string, ProfileChangeEvent[]>();
    for (const e of events) {
      const list = byCustomer.get(e.customerId);
      if (list) list.push(e);
      else byCustomer.set(e.customerId, [e]);
    }
    for (const [partitionKey, group] of byCustomer) {
      let batch = await this.producer.createBatch({ partitionKey });
      for (const event of group) {
        const message = { body: event, messageId: event.eventId, contentType: "application/json" };
        if (batch.tryAdd(message)) continue;
        if (batch.count === 0)
          throw new Error(`change event ${event.eventId} is larger than an Event Hubs batch`);
        await this.producer.sendBatch(batch);
        batch = await this.producer.createBatch({ partitionKey });
        if (!batch.tryAdd(message))
          throw new Error(`change event ${event.eventId} is larger than an Event Hubs batch`);
      }
      if (batch.count > 0) await this.producer.sendBatch(batch);
    }
  }
}

/** Tests and `npm start`: the events in order of publishing. */
export class InMemoryChangePublisher implements ChangePublisher {
  readonly published: ProfileChangeEvent[] = [];

  async publish(events: readonly ProfileChangeEvent[]): Promise<void> {
    this.published.push(...events);
  }
}
