/** The event streams the real-time path consumes: one Event Hub per event type, partitioned by customer id. */
import type { EventType } from "../../../contracts";

export interface StreamDefinition {
  eventType: EventType;
  /** Event Hub name (documented in docs/functions.md; the infra component creates exactly these). */
  hubName: string;
  /** Name the trigger function is registered under. */
  functionName: string;
  /** Whether accepted events update the Cosmos DB profile (products are reference data only). */
  updatesProfile: boolean;
}

export const STREAMS: readonly StreamDefinition[] = [
  {
    eventType: "customer_profile",
    hubName: "customer-profile",
    functionName: "processCustomerProfiles",
    updatesProfile: true,
  },
  { eventType: "order", hubName: "order", functionName: "processOrders", updatesProfile: true },
  {
    eventType: "behavioral_event",
    hubName: "behavioral-event",
    functionName: "processBehavioralEvents",
    updatesProfile: true,
  },
  {
    eventType: "support_interaction",
    hubName: "support-interaction",
    functionName: "processSupportInteractions",
    updatesProfile: true,
  },
  { eventType: "product", hubName: "product", functionName: "processProducts", updatesProfile: false },
];

export function streamFor(eventType: EventType): StreamDefinition {
  const stream = STREAMS.find((s) => s.eventType === eventType);
  if (!stream) throw new Error(`no stream for event type ${eventType}`);
  return stream;
}

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && STREAMS.some((s) => s.eventType === value);
}
