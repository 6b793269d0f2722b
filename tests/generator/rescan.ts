/**
 * An independent re-scan of generated output: it knows nothing of the generator's counters and
 * finds every anomaly from the files alone (JSON parsing, the contract validator, repeated eventIds,
 * customer ids against the reference list, and delivery lateness).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { validateEvent } from "../../contracts";

const DAY_MS = 86_400_000;

export type Anomaly =
  | "duplicate"
  | "late"
  | "invalid_email"
  | "invalid_phone"
  | "missing_required_field"
  | "unknown_customer"
  | "unknown_schema_version"
  | "unparseable_line"
  | "unexpected_field";

export interface ScannedLine {
  line: string;
  event?: Record<string, unknown>;
  anomalies: Anomaly[];
  /** Every violation code, for lines that fail in a way no defect explains. */
  otherCodes: string[];
}

export interface Scan {
  lines: ScannedLine[];
  counts: Record<Anomaly, number>;
  valid: number;
  uniqueValid: number;
}

const ERROR_ANOMALIES = new Set([
  "invalid_email",
  "invalid_phone",
  "missing_required_field",
  "unknown_schema_version",
]);

export function readLines(file: string): string[] {
  const text = readFileSync(file, "utf8");
  if (text === "") return [];
  if (!text.endsWith("\n")) throw new Error(`${file} does not end with a newline`);
  return text.slice(0, -1).split("\n");
}

/** Stream parts in delivery order (file names sort in part order). */
export function streamLines(outDir: string): string[] {
  const dir = join(outDir, "stream");
  return readdirSync(dir)
    .filter((f) => /^events-\d{5}\.jsonl$/.test(f))
    .sort()
    .flatMap((f) => readLines(join(dir, f)));
}

export function scan(lines: string[], knownCustomers: ReadonlySet<string>): Scan {
  const seen = new Map<string, string>();
  let newest = -Infinity;
  const out: ScannedLine[] = [];
  for (const line of lines) {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      out.push({ line, anomalies: ["unparseable_line"], otherCodes: [] });
      continue;
    }
    const anomalies: Anomaly[] = [];
    const otherCodes: string[] = [];
    const id = String(event.eventId);
    if (seen.has(id)) {
      if (seen.get(id) !== line) otherCodes.push("same_id_different_content");
      anomalies.push("duplicate");
    } else seen.set(id, line);
    const occurred = typeof event.occurredAt === "string" ? Date.parse(event.occurredAt) : NaN;
    if (newest - occurred > DAY_MS) anomalies.push("late");
    if (occurred > newest) newest = occurred;
    const result = validateEvent(event);
    const codes = new Set(result.violations.map((v) => v.code));
    for (const code of codes) {
      if (ERROR_ANOMALIES.has(code) || code === "unexpected_field") anomalies.push(code as Anomaly);
      else otherCodes.push(code);
    }
    if (
      result.valid &&
      event.eventType !== "customer_profile" &&
      typeof event.customerId === "string" &&
      !knownCustomers.has(event.customerId)
    ) {
      anomalies.push("unknown_customer");
    }
    out.push({ line, event, anomalies, otherCodes });
  }
  const counts = Object.fromEntries(
    [
      "duplicate",
      "late",
      "invalid_email",
      "invalid_phone",
      "missing_required_field",
      "unknown_customer",
      "unknown_schema_version",
      "unparseable_line",
      "unexpected_field",
    ].map((k) => [k, 0]),
  ) as Record<Anomaly, number>;
  let valid = 0;
  let duplicatesValid = 0;
  for (const l of out) {
    for (const a of l.anomalies) counts[a]++;
    const isValid =
      l.event !== undefined && !l.anomalies.some((a) => ERROR_ANOMALIES.has(a)) && l.otherCodes.length === 0;
    if (isValid) {
      valid++;
      if (l.anomalies.includes("duplicate")) duplicatesValid++;
    }
  }
  return { lines: out, counts, valid, uniqueValid: valid - duplicatesValid };
}

export function knownCustomerIds(outDir: string): Set<string> {
  return new Set(readLines(join(outDir, "reference", "customer_ids.txt")));
}
