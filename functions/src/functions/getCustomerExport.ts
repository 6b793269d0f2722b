/**
 * GET /api/customers/{id}/export/{jobId} — the status of a person's data export job (exportCustomer.ts): 202 while
 * the export step has not run, then 200 with the whole document as an attachment; 404 for a job that is not this
 * customer's, or a complete export that found nothing held in any store; 503 when the export step failed the job.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { json, problem } from "../core/http";
import { personExportStatus } from "../core/person-export";
import { customerNotFound, forCustomer, toResponse } from "./_http";
import { exportStatusUrl } from "./exportCustomer";

/** Seconds a client waits before asking again: the export step runs with the batch pipeline. */
export const EXPORT_RETRY_AFTER_SECONDS = 900;

export function getCustomerExport(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return forCustomer(request, context, async (id, deps) => {
    const jobId = request.params.jobId ?? "";
    const job = await personExportStatus(deps, id, jobId);
    if (job.status === "unknown")
      return toResponse(
        problem(
          404,
          "export-not-found",
          "Export job not found",
          `No export job ${jobId} for customer ${id}.`,
        ),
      );
    if (job.status === "pending") {
      const reply = json(202, { ...job, statusUrl: exportStatusUrl(id, job.jobId) });
      return toResponse({
        ...reply,
        headers: { ...reply.headers, "retry-after": String(EXPORT_RETRY_AFTER_SECONDS) },
      });
    }
    if (job.status === "failed")
      return toResponse(
        problem(503, "export-failed", "Export job failed", `Export job ${job.jobId} failed: ${job.error}`),
      );
    const held =
      Object.values(job.cosmos).some((items) => items.length > 0) ||
      Object.values(job.lake).some((rows) => rows.length > 0);
    if (!held) return customerNotFound(id);
    return toResponse({
      ...json(200, job),
      headers: {
        "content-type": "application/json",
        "content-disposition": `attachment; filename="customer-${id}-export-${job.jobId}.json"`,
      },
    });
  });
}
