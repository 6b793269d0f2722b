/**
 * The outbound contract of the Event Hub `profile-changes`: one event per change of a tracked profile trait (value
 * tier, RFM segment, churn risk, lead tier), from the batch traits sync or the real-time path, and one per erasure,
 * so downstream systems (activation, marketing tools) can react or delete. Written with TypeBox like the inbound
 * contracts; `npm run contracts:build` renders it as `contracts/schemas/profile_change/1.0.json`.
 *
 * Version 1.1 adds `payload.consent` (per-channel marketing consent with its time), set on every
 * `customer.profile.updated` event: activation may use only the channels it names; a change of a customer without
 * marketing consent is not published at all (activationConsent() in contracts/consent.ts, docs/functions.md).
 *
 * `eventId` is deterministic (a UUID derived from what changed, for which customer, by which load or request), so a
 * retried sync or batch sends the same id again and consumers can drop a repeat by id.
 */
import { type Static, Type } from "@sinclair/typebox";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

export const PROFILE_CHANGE_SCHEMA_VERSION = "1.1";
export const PROFILE_CHANGE_HUB = "profile-changes";

/** The traits whose changes are published, and the erasure pseudo-trait. */
export const TRACKED_TRAITS = ["valueTier", "rfmSegment", "churnRisk", "leadTier"] as const;
export type TrackedTrait = (typeof TRACKED_TRAITS)[number];
export const CHANGE_KINDS = [...TRACKED_TRAITS, "erased"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const CHANGE_CAUSES = ["batch_traits_sync", "realtime_event", "erasure"] as const;
export type ChangeCause = (typeof CHANGE_CAUSES)[number];

const TraitValue = Type.Union([Type.String({ maxLength: 64 }), Type.Null()]);

/** The consent a trait change was published under (ChannelConsent in contracts/consent.ts). */
const EventConsent = Type.Object(
  {
    email: Type.Boolean(),
    sms: Type.Boolean(),
    push: Type.Boolean(),
    updatedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
      description: "when the consent statement took effect (null: not stated)",
    }),
  },
  {
    additionalProperties: false,
    description: "per-channel marketing consent: activation uses only the channels that are true",
  },
);

export const ProfileChangeEvent = Type.Object(
  {
    eventId: Type.String({
      format: "uuid",
      description: "deterministic: same change, same id (consumers dedupe)",
    }),
    eventType: Type.Union([
      Type.Literal("customer.profile.updated"),
      Type.Literal("customer.profile.erased"),
    ]),
    schemaVersion: Type.Literal(PROFILE_CHANGE_SCHEMA_VERSION),
    source: Type.Union([
      Type.Literal("c360-traits-sync"),
      Type.Literal("c360-realtime"),
      Type.Literal("c360-erasure"),
    ]),
    occurredAt: Type.String({
      format: "date-time",
      description: "when the change was made in the profile store",
    }),
    customerId: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "the canonical customer id (resolved customer key); for an erasure, the erased id",
    }),
    payload: Type.Object(
      {
        kind: Type.Union(CHANGE_KINDS.map((k) => Type.Literal(k))),
        oldValue: TraitValue,
        newValue: TraitValue,
        cause: Type.Union(CHANGE_CAUSES.map((c) => Type.Literal(c))),
        asOf: Type.String({ format: "date-time", description: "when the new value was computed" }),
        loadId: Type.Optional(
          Type.String({ maxLength: 128, description: "the gold load (batch traits sync)" }),
        ),
        causeEventId: Type.Optional(
          Type.String({ maxLength: 128, description: "the event applied (real-time)" }),
        ),
        requestId: Type.Optional(Type.String({ maxLength: 64, description: "the erasure request" })),
        consent: Type.Optional(EventConsent),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type ProfileChangeEvent = Static<typeof ProfileChangeEvent>;

let compiled: ValidateFunction | undefined;

/** The contract check a producer runs before sending: every violation as `<pointer> <message>`, empty when valid. */
export function profileChangeViolations(event: unknown): string[] {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv, ["uuid", "date-time"]);
    compiled = ajv.compile(ProfileChangeEvent);
  }
  if (compiled(event)) return [];
  return (compiled.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}
