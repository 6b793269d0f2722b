/**
 * `POST /api/events`: a batch of envelopes as a JSON array or NDJSON, parsed within the JSON
 * bounds, every event through the one validation (`validateRecord`) and the Event Hubs limits
 * (`checkPublishable`). **All or nothing**: the request is published only when every event
 * passes; otherwise nothing is published and the answer names every failing event by index.
 */
import {
  type AnyEvent,
  type BoundsError,
  DEFAULT_JSON_LIMITS,
  type JsonLimits,
  parseJsonBounded,
} from "../../../contracts";
import { boundsProblem, problem, type ProblemError, type Reply, toProblemErrors } from "./http";
import { checkPublishable, MAX_EVENTS_PER_PUBLISH } from "./publisher";
import { type RecordOptions, validateRecord } from "./validate-record";

export const MAX_EVENTS_PER_REQUEST = MAX_EVENTS_PER_PUBLISH;
/** A request body: room for several events near the 1 MiB Event Hubs limit. */
export const MAX_EVENTS_BYTES = 4 * 1024 * 1024;
/** Bounds of a whole JSON-array body (each event is then bounded by DEFAULT_JSON_LIMITS). */
export const EVENTS_BODY_LIMITS: Partial<JsonLimits> = {
  maxBytes: MAX_EVENTS_BYTES,
  maxTotalKeys: MAX_EVENTS_PER_REQUEST * DEFAULT_JSON_LIMITS.maxKeysPerObject,
};

export interface EventResult {
  index: number;
  eventId?: string;
  status: "accepted" | "rejected";
  errors?: ProblemError[];
}

export type IngestPlan =
  { ok: true; events: AnyEvent[]; results: EventResult[] } | { ok: false; reply: Reply };

/** A line that failed the bounds or JSON: a rejected item, so the other lines still get results. */
export class UnparseableLine {
  constructor(readonly error: BoundsError) {}
}

/** Splits NDJSON into items, each line parsed within the per-record bounds; at most `max + 1` items. */
export function parseNdjson(text: string, max = MAX_EVENTS_PER_REQUEST): unknown[] {
  const items: unknown[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    if (items.length > max) break;
    const parsed = parseJsonBounded(line);
    items.push(parsed.ok ? parsed.value : new UnparseableLine(parsed.error));
  }
  return items;
}

const shownPointer = (pointer: string) =>
  pointer === "" ? "/" : pointer.length > 200 ? pointer.slice(0, 200) + "…" : pointer;

const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** The event id, echoed only when it is a well-formed id (never arbitrary client text). */
function eventIdOf(item: unknown): string | undefined {
  const id = typeof item === "object" && item !== null ? (item as { eventId?: unknown }).eventId : undefined;
  return typeof id === "string" && EVENT_ID.test(id) ? id : undefined;
}

function resultOf(item: unknown, index: number, options: RecordOptions): EventResult {
  const eventId = eventIdOf(item);
  const base = { index, ...(eventId ? { eventId } : {}) };
  if (item instanceof UnparseableLine) {
    const { pointer, code, detail } = item.error;
    return { ...base, status: "rejected", errors: [{ pointer, code, message: detail }] };
  }
  const validation = validateRecord("event", item, options);
  if (!validation.valid) return { ...base, status: "rejected", errors: toProblemErrors(validation.errors) };
  return { ...base, status: "accepted" };
}

/** Events from the body text: a JSON array, or NDJSON (one event per line). */
export function itemsOf(
  text: string,
  ndjson: boolean,
): { ok: true; items: unknown[] } | { ok: false; reply: Reply } {
  if (ndjson) return { ok: true, items: parseNdjson(text) };
  const parsed = parseJsonBounded(text, EVENTS_BODY_LIMITS);
  if (!parsed.ok) return { ok: false, reply: boundsProblem(parsed.error) };
  if (!Array.isArray(parsed.value)) {
    return {
      ok: false,
      reply: problem(
        400,
        "not-an-array",
        "Expected an array of events",
        "Send a JSON array of event envelopes, or NDJSON.",
        {
          errors: [{ pointer: "", code: "wrong_type", message: "must be an array of events" }],
        },
      ),
    };
  }
  return { ok: true, items: parsed.value };
}

/** The verdict on a whole request: every event valid and publishable, or a problem naming each failure. */
export function planIngest(items: readonly unknown[], options: RecordOptions = {}): IngestPlan {
  if (items.length === 0) {
    return { ok: false, reply: problem(400, "empty-batch", "Empty batch", "Send at least one event.") };
  }
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    return {
      ok: false,
      reply: problem(
        413,
        "too-many-events",
        "Too many events",
        `At most ${MAX_EVENTS_PER_REQUEST} events per request.`,
      ),
    };
  }
  const results = items.map((item, index) => resultOf(item, index, options));
  const rejected = results.filter((r) => r.status === "rejected");
  if (rejected.length > 0) {
    const first = rejected[0];
    const firstError = first.errors?.[0];
    const detail =
      `${rejected.length} of ${items.length} event(s) failed validation (first: event ${first.index}` +
      (firstError ? `, ${shownPointer(firstError.pointer)} ${firstError.code}` : "") +
      "); nothing was published: a request is published whole or not at all.";
    const errors = rejected.flatMap((r) =>
      (r.errors ?? []).map((e) => ({ ...e, pointer: `/${r.index}${e.pointer}` })),
    );
    return {
      ok: false,
      reply: problem(400, "validation-failed", "Events failed validation", detail, {
        accepted: 0,
        rejected: rejected.length,
        errors,
        results,
      }),
    };
  }
  const violation = checkPublishable(items);
  if (violation) {
    return {
      ok: false,
      reply: problem(
        violation.code === "too_large" ? 413 : 400,
        violation.code === "too_large" ? "event-too-large" : "event-not-serializable",
        violation.code === "too_large" ? "Event exceeds the Event Hubs limits" : "Event cannot be serialized",
        `${violation.detail}; nothing was published.`,
        {
          errors: [
            { pointer: `/${Math.max(0, violation.index)}`, code: violation.code, message: violation.detail },
          ],
        },
      ),
    };
  }
  return { ok: true, events: items as AnyEvent[], results };
}
