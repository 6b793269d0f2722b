/** GET /api/customers/{id}/export — everything held about the customer, machine-readable. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { exportCustomerData } from "../core/customers";
import { getDependencies } from "../core/dependencies";
import { invalidCustomerId, isValidCustomerId, json, problem } from "../core/http";
import { serverFailure, toResponse } from "./_http";

const notFound = (id: string) =>
  toResponse(problem(404, "customer-not-found", "Customer not found", `No profile for customer ${id}.`));

export async function exportCustomer(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = request.params.id;
  if (!isValidCustomerId(id)) return toResponse(invalidCustomerId());
  try {
    const deps = await getDependencies();
    const exported = await exportCustomerData(deps, id);
    if (
      !exported.profile &&
      exported.quarantinedEvents.length === 0 &&
      exported.erasureRequests.length === 0
    ) {
      return notFound(id);
    }
    return toResponse({
      ...json(200, exported),
      headers: {
        "content-type": "application/json",
        "content-disposition": `attachment; filename="customer-${id}.json"`,
      },
    });
  } catch (error) {
    return serverFailure(context, error);
  }
}
