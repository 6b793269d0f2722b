/**
 * HTTP plumbing without @azure/functions: body limits, content types, strict UTF-8 and JSON
 * parsing, and RFC 9457 problem details. Handlers adapt these to HttpResponseInit.
 */
import { type BoundsError, type JsonLimits, parseJsonBounded, type Violation } from "../../../contracts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
export const PROBLEM_BASE = "https://c360.dev/problems/";

export interface ProblemError {
  pointer: string;
  code: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: ProblemError[];
  [extension: string]: unknown;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function problem(
  status: number,
  slug: string,
  title: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): Reply {
  const body: Problem = {
    type: PROBLEM_BASE + slug,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...extensions,
  };
  return { status, headers: { "content-type": PROBLEM_CONTENT_TYPE }, body: JSON.stringify(body) };
}

export function json(status: number, value: unknown): Reply {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

export function toProblemErrors(violations: readonly Violation[]): ProblemError[] {
  return violations
    .filter((v) => v.severity === "error")
    .map(({ pointer, code, message }) => ({ pointer, code, message }));
}

/** The media type of a Content-Type header, lower-cased without parameters. */
export function mediaType(header: string | null | undefined): string {
  return (header ?? "").split(";")[0].trim().toLowerCase();
}

export type BodyResult = { ok: true; text: string } | { ok: false; reply: Reply };

/** Reads a body as strict UTF-8 within a size limit (Content-Length checked first, then the bytes read). */
export async function readBody(
  contentLength: string | null,
  arrayBuffer: () => Promise<ArrayBuffer>,
  maxBytes: number,
): Promise<BodyResult> {
  const tooLarge = () =>
    problem(413, "payload-too-large", "Payload too large", `The body must be at most ${maxBytes} bytes.`);
  if (contentLength !== null && /^\d+$/.test(contentLength.trim()) && Number(contentLength) > maxBytes) {
    return { ok: false, reply: tooLarge() };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await arrayBuffer());
  } catch {
    return {
      ok: false,
      reply: problem(400, "unreadable-body", "Unreadable body", "The request body could not be read."),
    };
  }
  if (bytes.byteLength > maxBytes) return { ok: false, reply: tooLarge() };
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return {
      ok: false,
      reply: problem(400, "invalid-encoding", "Invalid encoding", "The body is not valid UTF-8."),
    };
  }
}

export type ParseResult = { ok: true; value: unknown } | { ok: false; reply: Reply };

/** Parses JSON within the bounds (contracts/bounds.ts), checked before JSON.parse walks it. */
export function parseJson(text: string, limits?: Partial<JsonLimits>): ParseResult {
  const parsed = parseJsonBounded(text, limits);
  if (parsed.ok) return parsed;
  return { ok: false, reply: boundsProblem(parsed.error) };
}

/** A bounds violation as a problem: 413 for size, 400 for malformed JSON or a structural limit. */
export function boundsProblem(error: BoundsError, pointerPrefix = ""): Reply {
  const errors = [{ pointer: pointerPrefix + error.pointer, code: error.code, message: error.detail }];
  if (error.code === "malformed_json") {
    return problem(400, "malformed-json", "Malformed JSON", `The body is ${error.detail}`, { errors });
  }
  if (error.code === "too_large") {
    return problem(413, "payload-too-large", "Payload too large", `The body is too large: ${error.detail}.`, {
      errors,
    });
  }
  return problem(
    400,
    "json-limits-exceeded",
    "JSON limits exceeded",
    `The body exceeds a limit: ${error.detail}.`,
    {
      errors,
    },
  );
}

export function unsupportedMediaType(allowed: readonly string[]): Reply {
  return problem(
    415,
    "unsupported-media-type",
    "Unsupported media type",
    `Content-Type must be one of: ${allowed.join(", ")}.`,
  );
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export function isValidCustomerId(id: string | undefined): id is string {
  return typeof id === "string" && ID_PATTERN.test(id);
}

export function invalidCustomerId(): Reply {
  return problem(400, "invalid-customer-id", "Invalid customer id", undefined, {
    errors: [
      {
        pointer: "/customerId",
        code: "invalid_identifier",
        message: "must be 1-64 letters, digits, _ . : -",
      },
    ],
  });
}
