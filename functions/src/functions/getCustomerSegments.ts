/** GET /api/customers/{id}/segments — value segment, CRM tiers and preferred categories. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { segmentsOf } from "../core/customers";
import { profileView } from "./_http";

export function getCustomerSegments(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return profileView(request, context, segmentsOf);
}
