/** POST /api/customers/validate — a customer record checked against the contract and business rules. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { validateCustomer as validate } from "../core/customer-validation";
import {
  json,
  mediaType,
  parseJson,
  problem,
  readBody,
  toProblemErrors,
  unsupportedMediaType,
} from "../core/http";
import { toResponse } from "./_http";

export const MAX_CUSTOMER_BYTES = 64 * 1024;

export async function validateCustomer(
  request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const type = mediaType(request.headers.get("content-type"));
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]*\+json$/.test(type)) {
    return toResponse(unsupportedMediaType(["application/json"]));
  }
  const body = await readBody(
    request.headers.get("content-length"),
    () => request.arrayBuffer(),
    MAX_CUSTOMER_BYTES,
  );
  if (!body.ok) return toResponse(body.reply);
  const parsed = parseJson(body.text);
  if (!parsed.ok) return toResponse(parsed.reply);
  const result = validate(parsed.value);
  if (!result.valid) {
    return toResponse(
      problem(
        400,
        "validation-failed",
        "The customer record is invalid",
        `${result.errors.length} field(s) failed validation.`,
        {
          errors: toProblemErrors(result.errors),
        },
      ),
    );
  }
  return toResponse(
    json(200, {
      valid: true,
      record: result.record,
      warnings: result.warnings.map(({ pointer, code, message }) => ({ pointer, code, message })),
    }),
  );
}
