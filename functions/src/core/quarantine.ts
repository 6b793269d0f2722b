/**
 * Quarantine records: what Event Hubs lacks (it has no dead-letter queue). Every rejected event is
 * kept with its reason, the rules it broke and its position in the hub, so it can be inspected,
 * fixed and replayed. Files: `quarantine/realtime/<stream>/ingest_date=YYYY-MM-DD/<batch id>.jsonl`.
 */
import { reasonCode, UNPARSEABLE_CODE } from "../../../contracts";
import type { EventPosition } from "./positions";

/** Reasons beyond the contract's violation codes. */
export const QUARANTINE_CODES = {
  unparseable: UNPARSEABLE_CODE,
  wrongStream: "wrong_stream",
  processingFailed: "processing_failed",
  /** The host's retry policy gave up on a batch (a dependency was down too long); replay after the fix. */
  retriesExhausted: "retries_exhausted",
} as const;

export interface QuarantineViolation {
  pointer: string;
  code: string;
  message: string;
}

export interface QuarantineRecord {
  stage: "realtime";
  stream: string;
  /** Of the errors' codes, the first in ERROR_CODES order (reasonCode: the batch quarantine's reason too); all of
   * them are in `violations`. */
  reason: string;
  violations: QuarantineViolation[];
  position: EventPosition & { eventHubName: string };
  eventId?: string;
  customerId?: string;
  /** The event as received: parsed JSON when it parsed, else its text (whole, never truncated); null when its
   * bytes are not UTF-8 (then they are in `eventBase64`). */
  event: unknown;
  eventBase64?: string;
}

/** What is kept of a rejected message: the parsed event, or its raw text or bytes. */
export type QuarantinedBody =
  | { parsed: unknown }
  /** The text as received, and `value` when it parsed (within the bounds): the record's ids are read from it. */
  | { text: string; value?: unknown }
  | { base64: string };

/** The JSON object a body holds, for its ids: the parsed value, or the parsed value of the text as received. */
function objectOf(body: QuarantinedBody): Record<string, unknown> | undefined {
  const value = "parsed" in body ? body.parsed : "text" in body ? body.value : undefined;
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function quarantineRecord(
  stream: string,
  eventHubName: string,
  position: EventPosition,
  violations: QuarantineViolation[],
  body: QuarantinedBody,
): QuarantineRecord {
  const event = "parsed" in body ? body.parsed : "text" in body ? body.text : null;
  const obj = objectOf(body);
  const record: QuarantineRecord = {
    stage: "realtime",
    stream,
    reason: reasonCode(violations.map((v) => v.code)) ?? QUARANTINE_CODES.processingFailed,
    violations,
    position: { eventHubName, ...position },
    event,
  };
  if ("base64" in body) record.eventBase64 = body.base64;
  if (typeof obj?.eventId === "string") record.eventId = obj.eventId;
  if (typeof obj?.customerId === "string") record.customerId = obj.customerId;
  return record;
}
