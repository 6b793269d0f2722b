/** GET /api/customers/{id}/segments — value segment, CRM tiers and preferred categories. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { segmentsOf } from "../core/customers";
import { getDependencies } from "../core/dependencies";
import { invalidCustomerId, isValidCustomerId, json, problem } from "../core/http";
import { serverFailure, toResponse } from "./_http";

const notFound = (id: string) =>
  toResponse(problem(404, "customer-not-found", "Customer not found", `No profile for customer ${id}.`));

export async function getCustomerSegments(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isValidCustomerId(id)) return toResponse(invalidCustomerId());
  try {
    const { store } = await getDependencies();
    const stored = await store.read(id);
    return stored ? toResponse(json(200, segmentsOf(stored.doc))) : notFound(id);
  } catch (error) {
    return serverFailure(context, error);
  }
}
