/**
 * The frame of the privacy endpoints (erase, export): the caller must be a signed-in privacy operator
 * (core/privacy-access.ts), and every request — allowed, refused or failed — leaves an audit record in the control
 * zone (who, when, the customer as a hash, what was removed or exported). The wrapped handlers stay as they are.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { getDependencies } from "../core/dependencies";
import { problem } from "../core/http";
import {
  auditRecord,
  decidePrivacyAccess,
  operationCounts,
  type Principal,
  privacyAccessConfig,
  type PrivacyOperation,
  writePrivacyAudit,
} from "../core/privacy-access";
import { serverFailure, toResponse } from "./_http";

function refusal(status: 401 | 403 | 503, reason: string): HttpResponseInit {
  const [slug, title] =
    status === 401
      ? ["unauthenticated", "Sign-in required"]
      : status === 403
        ? ["forbidden", "Privacy operator role required"]
        : ["privacy-auth-unavailable", "Caller cannot be identified"];
  const response = toResponse(problem(status, slug, title, reason));
  if (status === 401) response.headers = { ...response.headers, "www-authenticate": "Bearer" };
  return response;
}

function bodyOf(response: HttpResponseInit): unknown {
  try {
    return typeof response.body === "string" ? JSON.parse(response.body) : undefined;
  } catch {
    return undefined;
  }
}

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export function privacyOperation(operation: PrivacyOperation, handler: Handler): Handler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const customerId = request.params.id ?? "";
    const decision = decidePrivacyAccess(request.headers, privacyAccessConfig());
    let response: HttpResponseInit;
    let principal: Principal | undefined;
    if (decision.allowed) {
      principal = decision.principal;
      response = await handler(request, context);
    } else {
      principal = decision.principal;
      response = refusal(decision.status, decision.reason);
    }
    const status = response.status ?? 200;
    const counts = status >= 200 && status < 300 ? operationCounts(operation, bodyOf(response)) : {};
    try {
      const { lake } = await getDependencies();
      await writePrivacyAudit(lake, auditRecord(operation, customerId, status, principal, counts));
    } catch (error) {
      // No privacy operation is answered without its audit record (an export's data is withheld).
      return serverFailure(context, error);
    }
    return response;
  };
}
