/** GET /api/customers/{id}/segments — value segment, CRM tiers and preferred categories. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { segmentsOf } from "../core/customers";
import { personStatement } from "../core/person-consent";
import { profileView } from "./_http";

export function getCustomerSegments(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  // Consent is the person's: the latest statement among the profiles of their source ids (person-consent.ts).
  return profileView(request, context, async (doc, deps) =>
    segmentsOf(doc, await personStatement(deps, doc)),
  );
}
