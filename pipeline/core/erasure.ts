/**
 * Erasure rules, engine-neutral. Requests (control/erasure/*.jsonl: customerId, requestedAt, requestId) are
 * expanded to every source id resolved to the same customer_key; rows whose @erase_by column holds one are deleted;
 * bronze rows' landing lines are blanked; quarantined records naming an erased id as a JSON string are removed.
 */
import type { Model } from "../models";

/** control_erasure from the requests (`requests` relation) and, when it exists, last run's identity map. */
export const expandedErasureSql = (requests: string, identityExists: boolean): string =>
  identityExists
    ? `SELECT * FROM ${requests} UNION SELECT i2.source_customer_id, r.requested_at, r.request_id FROM ${requests} AS r
       JOIN silver.customer_identity AS i1 ON i1.source_customer_id = r.customer_id
       JOIN silver.customer_identity AS i2 ON i2.customer_key = i1.customer_key`
    : `SELECT * FROM ${requests}`;

const identifier = (s: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) throw new Error(`invalid identifier ${s}`);
  return s;
};

/**
 * SQL condition for a model's rows of erased customers: one of its @erase_by columns holds a requested id. Empty
 * when the run has no requests (nothing to delete, no scan).
 */
export function erasedRowsCondition(model: Model, requests: number): string {
  if (requests === 0) return "";
  return model.eraseBy
    .map((c) => `${identifier(c)} IN (SELECT customer_id FROM control_erasure)`)
    .join(" OR ");
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
export function purgeQuarantineLines(lines: string[], ids: string[]): QuarantinePurge {
  const tokens = ids.filter((id) => id !== "").map((id) => JSON.stringify(id));
  if (tokens.length === 0) return { keep: lines, positions: [] };
  // One pass per line for any number of requests; ids are matched literally.
  const anyId = new RegExp(
    ids
      .filter((id) => id !== "")
      .map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("|"),
  );
  const positions: [string, number][] = [];
  const keep = lines.filter((line) => {
    // Cheap test first: the id must appear in the line at all (escaped inside the record string).
    if (line === "" || !anyId.test(line)) return true;
    const rec = JSON.parse(line) as {
      stage?: string;
      record?: string;
      source_file?: string;
      line_no?: number;
    };
    if (!tokens.some((t) => (rec.record ?? "").includes(t))) return true;
    if (rec.stage === "bronze" && rec.source_file && rec.line_no)
      positions.push([rec.source_file, Number(rec.line_no)]);
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
