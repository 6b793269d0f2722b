/**
 * The contracts' JSON Schemas (contracts/schemas, the documents the real-time validator compiles) rendered into
 * portable SQL: for a record, the codes of the violations the validator reports, comma-separated ('' when none).
 * The batch path quarantines by these codes (one generated `@expect drop <code>` rule per code a model can see),
 * so a record the real-time path rejects is rejected here under the code the validator gives it.
 *
 * Rendered, per schema node (JSON null is `wrong_type` for every typed node; codes via keywordCode, the
 * validator's own mapping of keyword + `errorCode` annotation):
 * - object: `required` (missing_required_field), each property, nested objects through a map of their fields;
 * - string: enum, minLength/maxLength (code points in both engines, as Ajv counts), pattern, format (date,
 *   date-time as ajv-formats checks them, email by the contracts' normalizeEmail rule);
 * - number/integer: not a number (wrong_type), a fraction for an integer (wrong_type), minimum/maximum;
 * - boolean: not true/false (wrong_type); array: not an array (wrong_type), minItems/maxItems.
 *
 * Not rendered (documented in docs/pipeline.md): the items of arrays (order lines, preference lists: portable SQL
 * has no lambda both engines read alike); `patternProperties` (externalIds); a JSON string holding a number or a
 * number where a string belongs (the parse into a map of text cannot tell "5" from 5); the phone format, which needs
 * the normalization CTEs (silver.customers adds its code itself); the record rules of contracts/record-rules.ts
 * (control characters, visible names, timestamps in the future) and the customer age rules.
 */
import { allSchemaDocuments } from "../contracts/json-schema";
import { CUSTOMER_REQUIRED } from "../contracts/schemas";
import { keywordCode } from "../contracts/validator";
import { EVENT_TYPES } from "../contracts/vocabulary";
import { emailNormalizedSql, emailValidSql } from "./rules";

type Node = Record<string, unknown>;

/** One check: when `cond` is TRUE the record has a violation with `code`. */
export interface Term {
  cond: string;
  code: string;
}

/** How a relation exposes an object's fields: the value as text (NULL when absent or JSON null), the key's presence. */
export interface Fields {
  value: (field: string) => string;
  present: (field: string) => string;
}

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** The fields of a map of text (from_json(..., 'MAP<STRING, STRING>')). */
export const mapFields = (map: string): Fields => ({
  value: (f) => `${map}[${lit(f)}]`,
  present: (f) => `array_contains(map_keys(${map}), ${lit(f)})`,
});

// ---------------------------------------------------------------------------------------------------------------
// Patterns: JavaScript (the validator) → a regex both Java (Spark) and RE2 (DuckDB) read alike.

/**
 * JavaScript's `\s` (WhiteSpace and LineTerminator) for a bracket expression. U+2028/U+2029 (line and paragraph
 * separators) are left out: written into a model they would break lines for some readers; a name of nothing but
 * them and blanks is the one value this leaves to the real-time path.
 */
const JS_WHITESPACE = "\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff";

/** A SQL string expression for `s`: a literal, with control characters and U+00A0 spelled chr(n) (both engines). */
export function sqlText(s: string): string {
  const parts: string[] = [];
  let run = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || code === 0xa0) {
      if (run) parts.push(lit(run));
      run = "";
      parts.push(`chr(${code})`);
    } else run += ch;
  }
  if (run || parts.length === 0) parts.push(lit(run));
  return parts.join(" || ");
}

/**
 * A JavaScript pattern (no flags) as a portable SQL condition on `value`. Escapes become bracket expressions (the
 * models hold no backslash: Spark unescapes literals); a trailing `$` is matched against a sentinel appended to the
 * value, because Java's `$` also matches before a final line break where JavaScript's does not.
 */
export function patternSql(value: string, pattern: string): string {
  let p = pattern
    .replaceAll("\\.", "[.]")
    .replaceAll("\\d", "[0-9]")
    .replaceAll("\\S", `[^${JS_WHITESPACE}]`)
    .replaceAll("\\s", `[${JS_WHITESPACE}]`);
  if (p.includes("\\")) throw new Error(`pattern needs a portable spelling: ${pattern}`);
  if (p.endsWith("$")) {
    p = p.slice(0, -1);
    const body = p.startsWith("^") ? `^(?:${p.slice(1)})` : `(?:${p})`;
    return `regexp_like(${value} || '#', ${sqlText(`${body}#$`)})`;
  }
  return `regexp_like(${value}, ${sqlText(p)})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Formats, as the validator's Ajv formats check them.

/**
 * ajv-formats' full `date-time` (a time zone required): hour 00–23, minute and second 00–59 (a leap second is
 * `invalid_timestamp` by the record rules either way), an offset of at most 23:59, and a real calendar date. The
 * separator is T, t or a space (JavaScript's other blanks between date and time are not rendered).
 */
function dateTimeValidSql(v: string): string {
  const shape = patternSql(
    v,
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)$",
  );
  return `(${shape} AND TRY_CAST(substring(${v}, 1, 10) AS DATE) IS NOT NULL)`;
}

/** ajv-formats' `date`: YYYY-MM-DD and a real calendar date. */
function dateValidSql(v: string): string {
  return `(${patternSql(v, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")} AND TRY_CAST(${v} AS DATE) IS NOT NULL)`;
}

const FORMATS: Record<string, ((v: string) => string) | undefined> = {
  "date-time": dateTimeValidSql,
  date: dateValidSql,
  email: (v) => emailValidSql(emailNormalizedSql(v)),
};

// ---------------------------------------------------------------------------------------------------------------
// Schema nodes → terms.

export interface RenderOptions {
  /** Formats whose check the model adds itself (silver.customers: phone, after its normalization CTEs). */
  skipFormats?: readonly string[];
}

const num = (v: string): string => `TRY_CAST(${v} AS DOUBLE)`;

/** The violations of one value (`v`: its text, NULL when absent or JSON null; `present`: its key is there). */
function valueTerms(s: Node, v: string, present: string, options: RenderOptions): Term[] {
  const code = (keyword: string) => keywordCode(keyword, s.errorCode as string | undefined);
  const out: Term[] = [];
  // Value checks apply to a value that is there (absent and JSON null have their own codes).
  const when = (cond: string, keyword: string) =>
    out.push({ cond: `${v} IS NOT NULL AND ${cond}`, code: code(keyword) });
  if (s.type !== undefined) {
    // JSON null: the wrong type, and not one of an enum's values either (Ajv reports both).
    out.push({ cond: `${present} AND ${v} IS NULL`, code: code("type") });
    if (Array.isArray(s.enum)) out.push({ cond: `${present} AND ${v} IS NULL`, code: code("enum") });
  }
  if (Array.isArray(s.enum)) when(`${v} NOT IN (${(s.enum as string[]).map(lit).join(", ")})`, "enum");
  if (s.const !== undefined) when(`${v} <> ${lit(String(s.const))}`, "const");
  switch (s.type) {
    case "string": {
      if (typeof s.minLength === "number") when(`length(${v}) < ${s.minLength}`, "minLength");
      if (typeof s.maxLength === "number") when(`length(${v}) > ${s.maxLength}`, "maxLength");
      if (typeof s.pattern === "string") when(`NOT ${patternSql(v, s.pattern)}`, "pattern");
      if (typeof s.format === "string" && !options.skipFormats?.includes(s.format)) {
        const valid = FORMATS[s.format];
        if (!valid) throw new Error(`no SQL for format ${s.format}`);
        when(`NOT ${valid(v)}`, "format");
      }
      break;
    }
    case "number":
    case "integer": {
      when(`${num(v)} IS NULL`, "type");
      if (s.type === "integer") when(`${num(v)} <> floor(${num(v)})`, "type");
      if (typeof s.minimum === "number") when(`${num(v)} < ${s.minimum}`, "minimum");
      if (typeof s.exclusiveMinimum === "number")
        when(`${num(v)} <= ${s.exclusiveMinimum}`, "exclusiveMinimum");
      if (typeof s.maximum === "number") when(`${num(v)} > ${s.maximum}`, "maximum");
      break;
    }
    case "boolean":
      when(`${v} NOT IN ('true', 'false')`, "type");
      break;
    case "array": {
      when(`NOT ${v} LIKE '[%'`, "type");
      const items = `json_array_length(${v})`;
      if (typeof s.minItems === "number") when(`${v} LIKE '[%' AND ${items} < ${s.minItems}`, "minItems");
      if (typeof s.maxItems === "number") when(`${v} LIKE '[%' AND ${items} > ${s.maxItems}`, "maxItems");
      break;
    }
    case "object": {
      when(`NOT ${v} LIKE '{%'`, "type");
      if (s.properties && Object.keys(s.properties as Node).length > 0) {
        const nested = objectTerms(s, mapFields(`from_json(${v}, 'MAP<STRING, STRING>')`), options);
        out.push(...nested.map((t) => ({ cond: `${v} LIKE '{%' AND ${t.cond}`, code: t.code })));
      }
      break;
    }
    default:
      break;
  }
  return out;
}

/** The violations of an object's fields: required ones missing, then each property's. */
export function objectTerms(s: Node, fields: Fields, options: RenderOptions = {}): Term[] {
  const out: Term[] = [];
  for (const f of (s.required as string[] | undefined) ?? [])
    out.push({ cond: `NOT ${fields.present(f)}`, code: keywordCode("required", undefined) });
  for (const [f, child] of Object.entries((s.properties as Record<string, Node> | undefined) ?? {}))
    out.push(...valueTerms(child, fields.value(f), fields.present(f), options));
  return out;
}

/** The terms (after `first`, SQL lists of codes or NULL) as one comma-separated list of codes ('' when none holds). */
export function codesSql(terms: Term[], first: string[] = []): string {
  const parts = [
    ...first.map((f) => `  ${f}`),
    ...terms.map((t) => `  CASE WHEN ${t.cond} THEN ${lit(t.code)} END`),
  ];
  if (parts.length === 0) return "''";
  return ["concat_ws(", "  ',',", parts.join(",\n"), ")"].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// The envelope (bronze) and the payloads (silver).

const documents = (): Record<string, Node> => allSchemaDocuments() as Record<string, Node>;

/** Versions of each event type (contracts/schemas/index.json). */
function versionsOf(eventType: string): string[] {
  const index = documents()["index.json"] as { eventTypes: Record<string, string[]> };
  return index.eventTypes[eventType] ?? [];
}

/**
 * The envelope's violations as validateEvent reports them, over the parsed record `record` (a map of text): the
 * envelope schema, then — for a known event type and a well-formed schema version — an unknown version, and a
 * customer id missing where the type requires one (CUSTOMER_REQUIRED).
 */
export function envelopeTerms(record: string): Term[] {
  const fields = mapFields(record);
  const terms = objectTerms(documents()["envelope.json"] as Node, fields);
  const type = fields.value("eventType");
  const version = fields.value("schemaVersion");
  const versionShape = patternSql(version, "^[0-9]+\\.[0-9]+$");
  const knownPairs = EVENT_TYPES.flatMap((t) => versionsOf(t).map((v) => lit(`${t}@${v}`)));
  terms.push({
    cond: `${type} IN (${EVENT_TYPES.map(lit).join(", ")}) AND ${versionShape} AND ${type} || '@' || ${version} NOT IN (${knownPairs.join(", ")})`,
    code: "unknown_schema_version",
  });
  terms.push({
    cond: `${type} IN (${CUSTOMER_REQUIRED.map(lit).join(", ")}) AND ${versionShape} AND NOT ${fields.present("customerId")}`,
    code: keywordCode("required", undefined),
  });
  return terms;
}

/**
 * The payload's violations for every schema version of `eventType`, each check guarded by the versions whose
 * schema holds it (a record of an unknown version gets none: the envelope's unknown_schema_version is its code).
 */
export function payloadTerms(
  eventType: string,
  pm: string,
  version: string,
  options: RenderOptions = {},
): Term[] {
  const versions = versionsOf(eventType);
  const byTerm = new Map<string, { term: Term; versions: string[] }>();
  for (const v of versions) {
    const doc = documents()[`${eventType}/${v}.json`] as Node;
    const payload = (doc.properties as Record<string, Node>).payload as Node;
    for (const term of objectTerms(payload, mapFields(pm), options)) {
      const key = `${term.code}|${term.cond}`;
      const seen = byTerm.get(key);
      if (seen) seen.versions.push(v);
      else byTerm.set(key, { term, versions: [v] });
    }
  }
  return [...byTerm.values()].map(({ term, versions: vs }) => ({
    cond: `${version} IN (${vs.map(lit).join(", ")}) AND ${term.cond}`,
    code: term.code,
  }));
}

/** Codes a list of terms can give, in ERROR_CODES order (the order of the generated drop rules). */
export function codesOf(terms: Term[], order: readonly string[]): string[] {
  const codes = new Set(terms.map((t) => t.code));
  return order.filter((c) => codes.has(c));
}
