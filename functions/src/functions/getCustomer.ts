/** GET /api/customers/{id} — the profile (without internal bookkeeping). */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { publicProfile } from "../core/customers";
import { profileView } from "./_http";

export function getCustomer(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return profileView(request, context, publicProfile);
}
