/** Adapts core replies to @azure/functions responses and keeps unexpected failures out of client answers. */
import type { HttpResponseInit, InvocationContext } from "@azure/functions";

import { problem, type Reply } from "../core/http";

export function toResponse(reply: Reply): HttpResponseInit {
  return { status: reply.status, headers: reply.headers, body: reply.body };
}

/** A server-side failure (a dependency down): logged, answered 503 problem+json without internals. */
export function serverFailure(context: InvocationContext, error: unknown): HttpResponseInit {
  context.error(error);
  return toResponse(
    problem(503, "service-unavailable", "Service unavailable", "A dependency failed; retry later.", {
      invocationId: context.invocationId,
    }),
  );
}
