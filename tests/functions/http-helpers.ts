/** Builds HttpRequests and InvocationContexts the way the Functions host hands them to handlers. */
import { HttpRequest, type HttpResponseInit, InvocationContext } from "@azure/functions";

export function request(
  method: string,
  path: string,
  options: {
    body?: string | Uint8Array;
    contentType?: string;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): HttpRequest {
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== undefined) headers["content-type"] = options.contentType;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? { string: options.body }
        : { bytes: options.body };
  return new HttpRequest({
    method,
    url: `http://localhost/api/${path}`,
    headers,
    body,
    params: options.params ?? {},
  });
}

export function context(functionName: string): InvocationContext {
  return new InvocationContext({ functionName, logHandler: () => {} });
}

export function bodyJson(response: HttpResponseInit): Record<string, unknown> {
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

export function contentType(response: HttpResponseInit): string {
  return String((response.headers as Record<string, string>)["content-type"]);
}

export function validCustomer(): Record<string, unknown> {
  return {
    customerId: "C000123",
    firstName: "  Ana ",
    lastName: "Silva",
    email: "  Ana.Silva@Example.COM ",
    phone: "(415) 555-2671",
    dateOfBirth: "1988-04-12",
    address: { line1: "1 Main St", city: "Springfield", countryCode: "US", postalCode: "12345" },
    customerSegment: "STANDARD",
    loyaltyTier: "GOLD",
    loyaltyPoints: 1200,
    registrationDate: "2024-03-01",
    status: "ACTIVE",
    consent: { email: true, sms: false },
  };
}
