/** POST /api/customers/validate — a customer record through the one validation of every door. */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

import { validateCustomer as validate } from "../core/customer-validation";
import { checkContentType, json, parseJson, problem, readBody, toProblemErrors } from "../core/http";
import { recordOptionsFromSettings } from "../core/validate-record";
import { toResponse } from "./_http";

export const MAX_CUSTOMER_BYTES = 64 * 1024;

const isJson = (type: string) =>
  type === "application/json" || /^application\/[a-z0-9.+-]*\+json$/.test(type);

export async function validateCustomer(
  request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> {
  const refused = checkContentType(request.headers.get("content-type"), isJson, ["application/json"]);
  if (refused) return toResponse(refused);
  const body = await readBody(request, MAX_CUSTOMER_BYTES);
  if (!body.ok) return toResponse(body.reply);
  const parsed = parseJson(body.text, { maxBytes: MAX_CUSTOMER_BYTES });
  if (!parsed.ok) return toResponse(parsed.reply);
  const result = validate(parsed.value, recordOptionsFromSettings());
  if (!result.valid) {
    const first = result.errors[0];
    return toResponse(
      problem(
        400,
        "validation-failed",
        "The customer record is invalid",
        `${result.errors.length} field(s) failed validation (first: ${first.pointer.length > 200 ? first.pointer.slice(0, 200) + "…" : first.pointer || "/"} ${first.code}).`,
        { errors: toProblemErrors(result.errors) },
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
