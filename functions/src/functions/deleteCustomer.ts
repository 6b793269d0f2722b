/** DELETE /api/customers/{id} — erasure: an erasure record in the lake's control zone, then the profile replaced by a tombstone. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { eraseCustomer } from "../core/customers";
import { json } from "../core/http";
import { forCustomer, toResponse } from "./_http";

export function deleteCustomer(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return forCustomer(request, context, async (id, deps) =>
    toResponse(json(202, await eraseCustomer(deps, id))),
  );
}
