/**
 * Event envelopes and the factory the generator draws events from. The builders live in their own
 * modules: customer profiles here, orders (orders.ts), behavioural sessions (sessions.ts) and support
 * interactions (support.ts). Each returns envelopes; the generator decides delivery and defects.
 */
import type { EventType, SourceSystem } from "../contracts";
import type { Catalog } from "./catalog";
import { type CustomerBook, customerId } from "./customers";
import { isoTime } from "./isotime";
import { buildOrder } from "./orders";
import type { Rng } from "./prng";
import { buildSession } from "./sessions";
import { buildSupport } from "./support";

export interface Envelope {
  eventId: string;
  eventType: EventType;
  schemaVersion: string;
  source: SourceSystem;
  occurredAt: string;
  customerId?: string;
  payload: Record<string, unknown>;
}

export interface Emitted {
  envelope: Envelope;
  occurredMs: number;
}

/** What the builders share: the random stream, master data, id sequences and the envelope maker. */
export interface EventContext {
  rng: Rng;
  customers: CustomerBook;
  catalog: Catalog;
  seq: { order: number; session: number; support: number };
  envelope(
    eventType: EventType,
    schemaVersion: string,
    source: SourceSystem,
    occurredMs: number,
    customer: string | undefined,
    payload: object,
  ): Emitted;
}

export class EventFactory {
  private readonly ctx: EventContext;

  constructor(rng: Rng, customers: CustomerBook, catalog: Catalog) {
    this.ctx = {
      rng,
      customers,
      catalog,
      seq: { order: 0, session: 0, support: 0 },
      envelope: (eventType, schemaVersion, source, occurredMs, customer, payload) => {
        // One object shape for every event; JSON.stringify leaves out a customerId that is undefined.
        const envelope: Envelope = {
          eventId: rng.uuid(),
          eventType,
          schemaVersion,
          source,
          occurredAt: isoTime(occurredMs),
          customerId: customer,
          payload: payload as Record<string, unknown>,
        };
        return { envelope, occurredMs };
      },
    };
  }

  /** A full CRM snapshot of customer `i` after `update` updates; 1 in 4 sources still send schema 1.0. */
  profile(i: number, update: number, at: number): Emitted {
    const payload = this.ctx.customers.profile(i, update) as Record<string, unknown>;
    const version = this.ctx.rng.bool(0.25) ? "1.0" : "1.1";
    if (version === "1.0") {
      delete payload.preferences;
      delete payload.externalIds;
    }
    return this.ctx.envelope("customer_profile", version, "crm", at, customerId(i), payload);
  }

  /** A profile held by a store's POS system (identity plants: generator/identity.ts). */
  posProfile(payload: Record<string, unknown>, id: string, at: number): Emitted {
    return this.ctx.envelope("customer_profile", "1.0", "pos", at, id, payload);
  }

  order(i: number, at: number): Emitted {
    return buildOrder(this.ctx, i, at);
  }

  session(start: number, budget: number, orderAllowed: boolean): { events: Emitted[]; order?: Emitted } {
    return buildSession(this.ctx, start, budget, orderAllowed);
  }

  support(i: number, at: number): Emitted {
    return buildSupport(this.ctx, i, at);
  }
}
