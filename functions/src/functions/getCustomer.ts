/**
 * GET /api/customers/{id} — the unified profile: any source id of a resolved customer's cluster answers with the
 * canonical customer's real-time fields and batch traits (unified-profile.ts).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { json } from "../core/http";
import { readUnifiedProfile } from "../core/unified-profile";
import { customerNotFound, forCustomer, toResponse } from "./_http";

export function getCustomer(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return forCustomer(request, context, async (id, deps) => {
    const profile = await readUnifiedProfile(deps, "id", id);
    return profile ? toResponse(json(200, profile)) : customerNotFound(id);
  });
}
