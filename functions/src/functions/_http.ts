/** Adapts core replies to @azure/functions responses and keeps unexpected failures out of client answers. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { getDependencies } from "../core/dependencies";
import { invalidCustomerId, isValidCustomerId, json, problem, type Reply } from "../core/http";
import type { CustomerProfileDocument } from "../core/profile";

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

/** GET of one view of a stored profile: validates the id, answers 404 problem+json when absent. */
export async function profileView(
  request: HttpRequest,
  context: InvocationContext,
  view: (profile: CustomerProfileDocument) => unknown,
): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isValidCustomerId(id)) return toResponse(invalidCustomerId());
  try {
    const { store } = await getDependencies();
    const stored = await store.read(id);
    if (!stored) {
      return toResponse(
        problem(404, "customer-not-found", "Customer not found", `No profile for customer ${id}.`),
      );
    }
    return toResponse(json(200, view(stored.doc)));
  } catch (error) {
    return serverFailure(context, error);
  }
}
