/**
 * Erasure rules, engine-neutral, and the one rule for which lake data is a person's — erasure deletes by it, the
 * export step (export.ts) reads by it. Requests (control/erasure/*.jsonl: customerId, requestedAt, requestId; export
 * jobs: control/exports/<jobId>/request.json) are expanded to every source id resolved to the same customer_key;
 * a table's rows are the person's when one of its @erase_by columns holds one of those ids (personColumns); the
 * person's bronze rows point at their landing lines (blanked by erasure); quarantined records naming an id as a
 * JSON string are theirs (removed by erasure).
 */
import type { Model } from "../models";

/**
 * `requests` (customer_id first, then `carried`) plus, when the identity map exists, a row per other source id
 * resolved to the same customer_key as a requested id (carrying the request's columns).
 */
export function expandedRequestsSql(requests: string, identityExists: boolean, carried: string[]): string {
  const cols = carried.map(identifier);
  const own = `SELECT ${["customer_id", ...cols].join(", ")} FROM ${requests}`;
  if (!identityExists) return own;
  return `${own} UNION SELECT ${["i2.source_customer_id", ...cols.map((c) => `r.${c}`)].join(", ")} FROM ${requests} AS r
       JOIN silver.customer_identity AS i1 ON i1.source_customer_id = r.customer_id
       JOIN silver.customer_identity AS i2 ON i2.customer_key = i1.customer_key`;
}

/** control_erasure from the requests (`requests` relation) and, when it exists, last run's identity map. */
export const expandedErasureSql = (requests: string, identityExists: boolean): string =>
  expandedRequestsSql(requests, identityExists, ["requested_at", "request_id"]);

function identifier(s: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`invalid identifier ${s}`);
  return s;
}

/** SQL: one of `columns` holds a customer_id of the relation `ids`. */
export const personRowsCondition = (columns: readonly string[], ids: string): string =>
  columns.map((c) => `${identifier(c)} IN (SELECT customer_id FROM ${identifier(ids)})`).join(" OR ");

/**
 * The columns naming the person a table's row is about: its @erase_by columns; a table without them (rebuilt from
 * tables that have them: gold marts, the identity map) by its resolved `customer_key`, which is one of the person's
 * source ids; none when it has neither (catalog, aggregates: no one's rows).
 */
export function personColumns(model: Pick<Model, "eraseBy">, columns: readonly string[]): string[] {
  if (model.eraseBy.length > 0) return model.eraseBy;
  return columns.includes("customer_key") ? ["customer_key"] : [];
}

/**
 * SQL condition for a model's rows of erased customers: one of its @erase_by columns holds a requested id. Empty
 * when the run has no requests (nothing to delete, no scan).
 */
export function erasedRowsCondition(model: Model, requests: number): string {
  if (requests === 0) return "";
  return personRowsCondition(model.eraseBy, "control_erasure");
}

export interface QuarantinePurge {
  keep: string[];
  /** Landing positions (source_file, line_no) of removed bronze records: their landing lines are blanked too. */
  positions: [string, number][];
}

/**
 * The lines of one quarantine file that survive erasure of `ids`: a record is removed when its raw record names an
 * erased id as a JSON string (`"C3"`, never `"C33"`). Textual on purpose: a quarantined line is often unparseable.
 */
/** A batch quarantine record (one line of quarantine/<layer>/<table>/.../*.jsonl). */
export interface QuarantinedRecord {
  stage?: string;
  record?: string;
  source_file?: string;
  line_no?: number;
  [field: string]: unknown;
}

/**
 * The matcher of a person's quarantined records: a record is theirs when its raw record names one of `ids` as a
 * JSON string (`"C3"`, never `"C33"`). Textual on purpose: a quarantined line is often unparseable. Returns the
 * parsed record of a matching line, else undefined.
 */
export function quarantineMatcher(ids: readonly string[]): (line: string) => QuarantinedRecord | undefined {
  const named = ids.filter((id) => id !== "");
  const tokens = named.map((id) => JSON.stringify(id));
  if (tokens.length === 0) return () => undefined;
  // One pass per line for any number of ids; ids are matched literally.
  const anyId = new RegExp(named.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));
  return (line) => {
    // Cheap test first: the id must appear in the line at all (escaped inside the record string).
    if (line === "" || !anyId.test(line)) return undefined;
    const rec = JSON.parse(line) as QuarantinedRecord;
    return tokens.some((t) => (rec.record ?? "").includes(t)) ? rec : undefined;
  };
}

/** The landing position of a quarantined bronze record (its line is the person's landing line too). */
export const landingPositionOf = (rec: QuarantinedRecord): [string, number] | undefined =>
  rec.stage === "bronze" && rec.source_file && rec.line_no
    ? [rec.source_file, Number(rec.line_no)]
    : undefined;

export function purgeQuarantineLines(lines: string[], ids: string[]): QuarantinePurge {
  const matches = quarantineMatcher(ids);
  const positions: [string, number][] = [];
  const keep = lines.filter((line) => {
    const rec = matches(line);
    if (!rec) return true;
    const position = landingPositionOf(rec);
    if (position) positions.push(position);
    return false;
  });
  return { keep, positions };
}

/**
 * Blanks the given 1-based line numbers (positions stay, so every other bronze row still points at its line; bronze
 * skips empty lines). Returns how many lines were blanked (already-empty and out-of-range ones are not counted).
 */
export function blankLines(lines: string[], numbers: Iterable<number>): number {
  let blanked = 0;
  for (const n of numbers) {
    if (n >= 1 && n <= lines.length && lines[n - 1] !== "") {
      lines[n - 1] = "";
      blanked++;
    }
  }
  return blanked;
}
