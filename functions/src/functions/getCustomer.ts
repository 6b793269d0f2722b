/** GET /api/customers/{id} — the profile (without internal bookkeeping). */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { publicProfile } from "../core/customers";
import { getDependencies } from "../core/dependencies";
import { invalidCustomerId, isValidCustomerId, json, problem } from "../core/http";
import { serverFailure, toResponse } from "./_http";

const notFound = (id: string) =>
  toResponse(problem(404, "customer-not-found", "Customer not found", `No profile for customer ${id}.`));

export async function getCustomer(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isValidCustomerId(id)) return toResponse(invalidCustomerId());
  try {
    const { store } = await getDependencies();
    const stored = await store.read(id);
    return stored ? toResponse(json(200, publicProfile(stored.doc))) : notFound(id);
  } catch (error) {
    return serverFailure(context, error);
  }
}
