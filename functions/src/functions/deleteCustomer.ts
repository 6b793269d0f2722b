/** DELETE /api/customers/{id} — erasure: an erasure record in the lake's control zone, then the profile removed. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { eraseCustomer } from "../core/customers";
import { getDependencies } from "../core/dependencies";
import { invalidCustomerId, isValidCustomerId, json } from "../core/http";
import { serverFailure, toResponse } from "./_http";

export async function deleteCustomer(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isValidCustomerId(id)) return toResponse(invalidCustomerId());
  try {
    const deps = await getDependencies();
    return toResponse(json(202, await eraseCustomer(deps, id)));
  } catch (error) {
    return serverFailure(context, error);
  }
}
