/**
 * DELETE /api/customers/{id} — erasure (core/customers.ts eraseCustomer): 202 with what was erased; 404
 * when nothing at all is held about the id (nothing is stored for it either, so DELETEs of made-up ids
 * cannot grow storage); a repeated DELETE of an erased customer answers the existing erasure.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { eraseCustomer } from "../core/customers";
import { json, problem } from "../core/http";
import { forCustomer, toResponse } from "./_http";

export function deleteCustomer(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return forCustomer(request, context, async (id, deps) => {
    const erased = await eraseCustomer(deps, id);
    if (!erased.held) {
      return toResponse(
        problem(
          404,
          "customer-not-found",
          "Customer not found",
          `Nothing is held about customer ${id} (no profile, no erasure, no quarantined record); nothing was stored.`,
        ),
      );
    }
    return toResponse(json(202, erased));
  });
}
