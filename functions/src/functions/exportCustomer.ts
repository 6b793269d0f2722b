/**
 * POST /api/customers/{id}/export — a person's data export, as a job: the request is recorded in the control zone
 * and answered 202 with the job id and its status URL (GET …/export/{jobId}, getCustomerExport.ts). The batch
 * path's export step writes the person's lake data (landing, bronze, silver, gold, quarantine) for the job; the
 * status read adds what Cosmos holds and answers the whole document.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { json } from "../core/http";
import { requestPersonExport } from "../core/person-export";
import { forCustomer, toResponse } from "./_http";

export const exportStatusUrl = (id: string, jobId: string): string =>
  `/api/customers/${encodeURIComponent(id)}/export/${jobId}`;

export function exportCustomer(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return forCustomer(request, context, async (id, deps) => {
    const accepted = await requestPersonExport(deps.lake, id);
    const statusUrl = exportStatusUrl(id, accepted.jobId);
    const reply = json(202, { ...accepted, statusUrl });
    return toResponse({ ...reply, headers: { ...reply.headers, location: statusUrl } });
  });
}
