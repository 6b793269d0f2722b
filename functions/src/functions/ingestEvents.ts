/**
 * POST /api/events — a batch of envelopes (JSON array or NDJSON), published whole or not at all:
 * content type and charset, body read with a limit, JSON bounds, the one record validation and
 * the Event Hubs limits all pass before the first event is sent.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { getDependencies } from "../core/dependencies";
import { checkContentType, json, problem, readBody } from "../core/http";
import { itemsOf, MAX_EVENTS_BYTES, planIngest } from "../core/ingest";
import { PublishRejected } from "../core/publisher";
import { recordOptionsFromSettings } from "../core/validate-record";
import { serverFailure, toResponse } from "./_http";

export { MAX_EVENTS_BYTES };
const NDJSON_TYPES = new Set([
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "application/x-jsonlines",
]);

export async function ingestEvents(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const header = request.headers.get("content-type");
  const refused = checkContentType(header, (type) => type === "application/json" || NDJSON_TYPES.has(type), [
    "application/json",
    "application/x-ndjson",
  ]);
  if (refused) return toResponse(refused);
  const body = await readBody(request, MAX_EVENTS_BYTES);
  if (!body.ok) return toResponse(body.reply);
  const items = itemsOf(
    body.text,
    header !== null && NDJSON_TYPES.has(header.split(";")[0].trim().toLowerCase()),
  );
  if (!items.ok) return toResponse(items.reply);
  const plan = planIngest(items.items, recordOptionsFromSettings());
  if (!plan.ok) return toResponse(plan.reply);
  try {
    const { publisher } = await getDependencies();
    await publisher.publish(plan.events);
  } catch (error) {
    if (error instanceof PublishRejected) {
      // planIngest checks the same limits first; this is the publisher's own guard agreeing.
      return toResponse(
        problem(413, "event-too-large", "Event exceeds the Event Hubs limits", error.message, {
          errors: [
            {
              pointer: `/${Math.max(0, error.violation.index)}`,
              code: error.violation.code,
              message: error.message,
            },
          ],
        }),
      );
    }
    return serverFailure(context, error);
  }
  return toResponse(json(202, { accepted: plan.events.length, rejected: 0, results: plan.results }));
}
