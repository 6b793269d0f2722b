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

/**
 * A POST whose body is a stream of `totalBytes` bytes (`fill`), produced only as the handler
 * pulls it, with no Content-Length unless given: `pulled()` tells how many bytes were produced.
 */
export function streamingRequest(
  path: string,
  options: {
    totalBytes: number;
    chunkBytes?: number;
    fill?: number;
    contentType?: string;
    headers?: Record<string, string>;
  },
): { request: HttpRequest; pulled: () => number } {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  let produced = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (produced >= options.totalBytes) {
          controller.close();
          return;
        }
        const size = Math.min(chunkBytes, options.totalBytes - produced);
        produced += size;
        controller.enqueue(new Uint8Array(size).fill(options.fill ?? 0x20));
      },
    },
    { highWaterMark: 0 },
  );
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== undefined) headers["content-type"] = options.contentType;
  const url = `http://localhost/api/${path}`;
  const nativeRequest = new Request(url, {
    method: "POST",
    body: stream,
    headers,
    duplex: "half",
  } as RequestInit);
  const request = new HttpRequest({ method: "POST", url, headers, params: {}, nativeRequest } as never);
  return { request, pulled: () => produced };
}

export function problemOf(response: HttpResponseInit): {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ pointer: string; code: string; message: string }>;
  [key: string]: unknown;
} {
  expect(contentType(response)).toBe("application/problem+json");
  const body = bodyJson(response) as ReturnType<typeof problemOf>;
  expect(body.status).toBe(response.status);
  expect(body.type).toMatch(/^https:\/\/c360\.dev\/problems\/[a-z-]+$/);
  expect(body.title.length).toBeGreaterThan(0);
  expect(typeof body.detail).toBe("string");
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}
