/** POST /api/events — validate a batch of envelopes (JSON array or NDJSON) and publish the valid ones. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { getDependencies } from "../core/dependencies";
import { json, mediaType, parseJson, problem, readBody, unsupportedMediaType } from "../core/http";
import { MAX_EVENTS_PER_REQUEST, parseNdjson, planIngest } from "../core/ingest";
import { serverFailure, toResponse } from "./_http";

export const MAX_EVENTS_BYTES = 1024 * 1024;
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
  const type = mediaType(request.headers.get("content-type"));
  const ndjson = NDJSON_TYPES.has(type);
  if (!ndjson && type !== "application/json") {
    return toResponse(unsupportedMediaType(["application/json", "application/x-ndjson"]));
  }
  const body = await readBody(
    request.headers.get("content-length"),
    () => request.arrayBuffer(),
    MAX_EVENTS_BYTES,
  );
  if (!body.ok) return toResponse(body.reply);
  let items: unknown[];
  if (ndjson) {
    items = parseNdjson(body.text);
  } else {
    const parsed = parseJson(body.text);
    if (!parsed.ok) return toResponse(parsed.reply);
    if (!Array.isArray(parsed.value)) {
      return toResponse(
        problem(
          400,
          "not-an-array",
          "Expected an array of events",
          "Send a JSON array of event envelopes, or NDJSON.",
          {
            errors: [{ pointer: "", code: "wrong_type", message: "must be an array of events" }],
          },
        ),
      );
    }
    items = parsed.value;
  }
  if (items.length === 0) {
    return toResponse(problem(400, "empty-batch", "Empty batch", "Send at least one event."));
  }
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    return toResponse(
      problem(
        413,
        "too-many-events",
        "Too many events",
        `At most ${MAX_EVENTS_PER_REQUEST} events per request.`,
      ),
    );
  }
  const plan = planIngest(items);
  const rejected = items.length - plan.accepted.length;
  if (plan.accepted.length === 0) {
    return toResponse(
      problem(400, "validation-failed", "No event is valid", `${rejected} event(s) failed validation.`, {
        results: plan.results,
      }),
    );
  }
  try {
    const { publisher } = await getDependencies();
    await publisher.publish(plan.accepted);
  } catch (error) {
    return serverFailure(context, error);
  }
  return toResponse(json(202, { accepted: plan.accepted.length, rejected, results: plan.results }));
}
