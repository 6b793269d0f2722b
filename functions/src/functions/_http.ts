/** Adapts core replies to @azure/functions responses and keeps unexpected failures out of client answers. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { type Dependencies, getDependencies } from "../core/dependencies";
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

export const customerNotFound = (id: string): HttpResponseInit =>
  toResponse(problem(404, "customer-not-found", "Customer not found", `No profile for customer ${id}.`));

/**
 * The frame of every /customers/{id} endpoint: the id is checked (400 problem+json) before any
 * dependency is touched, and a dependency failure becomes a logged 503, never a 500 with internals.
 */
export async function forCustomer(
  request: HttpRequest,
  context: InvocationContext,
  handle: (id: string, deps: Dependencies) => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isValidCustomerId(id)) return toResponse(invalidCustomerId());
  try {
    return await handle(id, await getDependencies());
  } catch (error) {
    return serverFailure(context, error);
  }
}

/** GET of one view of a stored profile (the view may read more through the dependencies); 404 problem+json when absent. */
export function profileView(
  request: HttpRequest,
  context: InvocationContext,
  view: (profile: CustomerProfileDocument, deps: Dependencies) => unknown,
): Promise<HttpResponseInit> {
  return forCustomer(request, context, async (id, deps) => {
    const stored = await deps.store.read(id);
    return stored ? toResponse(json(200, await view(stored.doc, deps))) : customerNotFound(id);
  });
}
