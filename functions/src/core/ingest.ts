/**
 * `POST /api/events`: a batch of envelopes as a JSON array or NDJSON, validated one by one.
 * Valid events are published; every event gets a result (accepted, or rejected with its errors).
 */
import { type AnyEvent, validateEvent } from "../../../contracts";
import type { ProblemError } from "./http";
import { toProblemErrors } from "./http";

export const MAX_EVENTS_PER_REQUEST = 1000;

export interface EventResult {
  index: number;
  eventId?: string;
  status: "accepted" | "rejected";
  errors?: ProblemError[];
}

export interface IngestPlan {
  accepted: AnyEvent[];
  results: EventResult[];
}

export type ParsedBatch =
  { ok: true; items: unknown[] } | { ok: false; detail: string; errors?: ProblemError[] };

/** Splits NDJSON into items; a line that is not JSON becomes a rejected item, not a failed request. */
export function parseNdjson(text: string): unknown[] {
  const items: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    try {
      items.push(JSON.parse(line) as unknown);
    } catch {
      items.push(new UnparseableLine());
    }
  }
  return items;
}

export class UnparseableLine {}

export function planIngest(items: readonly unknown[]): IngestPlan {
  const accepted: AnyEvent[] = [];
  const results: EventResult[] = items.map((item, index) => {
    if (item instanceof UnparseableLine) {
      return {
        index,
        status: "rejected",
        errors: [{ pointer: "", code: "malformed_json", message: "this line is not valid JSON" }],
      };
    }
    const validation = validateEvent(item);
    const eventId =
      typeof item === "object" && item !== null && typeof (item as { eventId?: unknown }).eventId === "string"
        ? (item as { eventId: string }).eventId.slice(0, 64)
        : undefined;
    if (!validation.valid) {
      return {
        index,
        ...(eventId ? { eventId } : {}),
        status: "rejected",
        errors: toProblemErrors(validation.violations),
      };
    }
    accepted.push(item as AnyEvent);
    return { index, eventId, status: "accepted" };
  });
  return { accepted, results };
}
