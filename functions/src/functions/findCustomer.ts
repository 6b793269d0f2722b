/**
 * GET /api/customers?email=… | ?phone=… | ?externalId=… — the unified profile of the customer an identifier
 * belongs to, answered from the identifier index (one point read) and the customer's partition, never a scan.
 * Exactly one query parameter; the email and phone are normalized as the pipeline normalizes them.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { getDependencies } from "../core/dependencies";
import { isValidCustomerId, json, problem } from "../core/http";
import { type IdentifierKind, normalizeIdentifier } from "../core/identity-index";
import { readUnifiedProfile } from "../core/unified-profile";
import { serverFailure, toResponse } from "./_http";

const PARAMETERS: Record<string, IdentifierKind> = { email: "email", phone: "phone", externalId: "id" };
const CODES: Record<IdentifierKind, string> = {
  email: "invalid_email",
  phone: "invalid_phone",
  id: "invalid_identifier",
};

const badLookup = (pointer: string, code: string, message: string): HttpResponseInit =>
  toResponse(
    problem(400, "invalid-lookup", "Invalid lookup", "Give exactly one of email, phone or externalId.", {
      errors: [{ pointer, code, message }],
    }),
  );

export async function findCustomer(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const given = Object.keys(PARAMETERS).filter((p) => request.query.has(p));
  if (given.length !== 1)
    return badLookup(
      "/query",
      "invalid_lookup",
      `exactly one of email, phone, externalId (got ${given.length})`,
    );
  const parameter = given[0]!;
  const kind = PARAMETERS[parameter]!;
  const raw = request.query.get(parameter) ?? "";
  const value = normalizeIdentifier(kind, raw);
  if (value === undefined || (kind === "id" && !isValidCustomerId(value)))
    return badLookup(`/query/${parameter}`, CODES[kind], `is not a valid ${parameter}`);
  try {
    const profile = await readUnifiedProfile(await getDependencies(), kind, value);
    return profile
      ? toResponse(json(200, profile))
      : toResponse(
          problem(404, "customer-not-found", "Customer not found", `No customer with that ${parameter}.`),
        );
  } catch (error) {
    return serverFailure(context, error);
  }
}
