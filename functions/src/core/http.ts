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

/** An RFC 9457 problem: every one has a detail (what was wrong, for the client to act on). */
export function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Reply {
  const body: Problem = { type: PROBLEM_BASE + slug, title, status, detail, ...extensions };
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

/** The charset parameter of a Content-Type header, lower-cased and unquoted; undefined when absent. */
export function charsetOf(header: string | null | undefined): string | undefined {
  for (const parameter of (header ?? "").split(";").slice(1)) {
    const eq = parameter.indexOf("=");
    if (eq < 0) continue;
    if (parameter.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    return parameter
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
  }
  return undefined;
}

const UTF8_NAMES = new Set(["utf-8", "utf8"]);

export function unsupportedMediaType(allowed: readonly string[]): Reply {
  return problem(
    415,
    "unsupported-media-type",
    "Unsupported media type",
    `Content-Type must be one of: ${allowed.join(", ")} (UTF-8).`,
  );
}

export function unsupportedCharset(what: string): Reply {
  return problem(
    415,
    "unsupported-charset",
    "Unsupported charset",
    `${what}; the body must be UTF-8 (RFC 8259), with no charset parameter or charset=utf-8.`,
  );
}

/**
 * Content negotiation of a request body: the media type must be accepted and the charset, when
 * declared, must be UTF-8 (JSON is UTF-8 only; anything else is 415, never guessed).
 */
export function checkContentType(
  header: string | null,
  accepts: (mediaType: string) => boolean,
  allowed: readonly string[],
): Reply | undefined {
  if (!accepts(mediaType(header))) return unsupportedMediaType(allowed);
  const charset = charsetOf(header);
  if (charset !== undefined && !UTF8_NAMES.has(charset))
    return unsupportedCharset(`charset=${charset} was declared`);
  return undefined;
}

/** What readBody needs of a request: its headers and its body stream. */
export interface BodySource {
  headers: { get(name: string): string | null };
  /** A web ReadableStream (structurally: Node's stream/web and the DOM type both fit). */
  body: { getReader(): BodyReader } | null;
}

interface BodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

export type BodyResult = { ok: true; text: string } | { ok: false; reply: Reply };

function tooLarge(maxBytes: number): Reply {
  return problem(
    413,
    "payload-too-large",
    "Payload too large",
    `The body must be at most ${maxBytes} bytes.`,
  );
}

/**
 * Reads a body as strict UTF-8 within a size limit. A Content-Length over the limit is refused
 * before reading; without one (or with a false one) the stream is read chunk by chunk and
 * cancelled as soon as the limit is passed, so an oversized body is never held whole.
 * UTF-16/32 (by byte-order mark, or by NUL bytes at the start: RFC 4627 §3) is 415.
 */
export async function readBody(request: BodySource, maxBytes: number): Promise<BodyResult> {
  const contentLength = request.headers.get("content-length");
  if (contentLength !== null && /^\d+$/.test(contentLength.trim()) && Number(contentLength) > maxBytes) {
    return { ok: false, reply: tooLarge(maxBytes) };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || !value) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          return { ok: false, reply: tooLarge(maxBytes) };
        }
        chunks.push(value);
      }
    } catch {
      return {
        ok: false,
        reply: problem(400, "unreadable-body", "Unreadable body", "The request body could not be read."),
      };
    } finally {
      reader.releaseLock();
    }
  }
  const bytes = Buffer.concat(chunks, total);
  const utf16or32 =
    (bytes.length >= 2 &&
      ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) ||
    (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0)) ||
    (bytes.length >= 4 && (bytes[2] === 0 || bytes[3] === 0));
  if (utf16or32) return { ok: false, reply: unsupportedCharset("The body is UTF-16 or UTF-32") };
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

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export function isValidCustomerId(id: string | undefined): id is string {
  return typeof id === "string" && ID_PATTERN.test(id);
}

export function invalidCustomerId(): Reply {
  return problem(
    400,
    "invalid-customer-id",
    "Invalid customer id",
    "The customer id in the path must be 1-64 letters, digits, _ . : - starting with a letter or digit.",
    {
      errors: [
        {
          pointer: "/customerId",
          code: "invalid_identifier",
          message: "must be 1-64 letters, digits, _ . : -",
        },
      ],
    },
  );
}
