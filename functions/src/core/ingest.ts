/**
 * `POST /api/events`: a batch of envelopes as a JSON array or NDJSON, validated one by one.
 * Valid events are published; every event gets a result (accepted, or rejected with its errors).
 */
import { type AnyEvent, type BoundsError, type JsonLimits, parseJsonBounded } from "../../../contracts";
import type { ProblemError } from "./http";
import { toProblemErrors } from "./http";
import { type RecordOptions, validateRecord } from "./validate-record";

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

/** Splits NDJSON into items, each line parsed within the JSON bounds; a bad line becomes a rejected item. */
export function parseNdjson(text: string, limits?: Partial<JsonLimits>): unknown[] {
  const items: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const parsed = parseJsonBounded(line, limits);
    items.push(parsed.ok ? parsed.value : new UnparseableLine(parsed.error));
  }
  return items;
}

export class UnparseableLine {
  constructor(readonly error: BoundsError) {}
}

export function planIngest(items: readonly unknown[], options: RecordOptions = {}): IngestPlan {
  const accepted: AnyEvent[] = [];
  const results: EventResult[] = items.map((item, index) => {
    if (item instanceof UnparseableLine) {
      return {
        index,
        status: "rejected",
        errors: [{ pointer: item.error.pointer, code: item.error.code, message: item.error.detail }],
      };
    }
    const validation = validateRecord("event", item, options);
    const eventId =
      typeof item === "object" && item !== null && typeof (item as { eventId?: unknown }).eventId === "string"
        ? (item as { eventId: string }).eventId.slice(0, 64)
        : undefined;
    if (!validation.valid) {
      return {
        index,
        ...(eventId ? { eventId } : {}),
        status: "rejected",
        errors: toProblemErrors(validation.errors),
      };
    }
    accepted.push(item as AnyEvent);
    return { index, eventId, status: "accepted" };
  });
  return { accepted, results };
}
