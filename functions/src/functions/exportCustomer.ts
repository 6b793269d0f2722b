/** GET /api/customers/{id}/export — everything held about the customer, machine-readable. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { exportCustomerData } from "../core/customers";
import { json } from "../core/http";
import { customerNotFound, forCustomer, toResponse } from "./_http";

export function exportCustomer(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return forCustomer(request, context, async (id, deps) => {
    const exported = await exportCustomerData(deps, id);
    if (
      !exported.profile &&
      exported.quarantinedEvents.length === 0 &&
      exported.erasureRequests.length === 0
    ) {
      return customerNotFound(id);
    }
    return toResponse({
      ...json(200, exported),
      headers: {
        "content-type": "application/json",
        "content-disposition": `attachment; filename="customer-${id}.json"`,
      },
    });
  });
}
