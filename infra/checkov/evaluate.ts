/**
 * Checkov's verdict on a stack's ARM export, against the committed skip list (skips.yaml): each
 * failed check is either skipped by an entry (check id, ARM type, optional name pattern and
 * stacks, a reason) or a failure; an entry that matches no failed check is reported as unused,
 * so the list cannot keep excuses for findings that are gone.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

export interface SkipEntry {
  check: string;
  type: string;
  /** Regular expression over the ARM resource name (`parent/child` for child resources). */
  name?: string;
  stacks?: string[];
  reason: string;
}

export interface CheckovFinding {
  check_id: string;
  check_name: string;
  /** `<ARM type>.<name>`, as Checkov reports it. */
  resource: string;
}

export interface CheckovReport {
  check_type: string;
  results: { passed_checks: CheckovFinding[]; failed_checks: CheckovFinding[] };
  summary: { passed: number; failed: number; parsing_errors: number; resource_count: number };
}

export interface Verdict {
  stack: string;
  passed: number;
  skipped: (CheckovFinding & { reason: string })[];
  failed: CheckovFinding[];
  unusedSkips: SkipEntry[];
  parsingErrors: number;
}

export const SKIPS_FILE = join(__dirname, "skips.yaml");

export function parseSkips(text: string): SkipEntry[] {
  const entries: unknown = parse(text);
  if (!Array.isArray(entries)) throw new Error("skips.yaml: expected a list of entries");
  return entries.map((entry: unknown, index) => {
    const e = entry as Partial<SkipEntry>;
    const where = `skips.yaml entry ${index + 1}`;
    if (typeof e.check !== "string" || !/^CKV2?_AZURE_\d+$/.test(e.check))
      throw new Error(`${where}: check must be a Checkov Azure id such as CKV_AZURE_35`);
    if (typeof e.type !== "string" || !/^Microsoft\.\w+\/\w+/.test(e.type))
      throw new Error(`${where} (${e.check}): type must be an ARM resource type`);
    if (typeof e.reason !== "string" || e.reason.trim().length < 20)
      throw new Error(`${where} (${e.check}): a reason of at least 20 characters is required`);
    if (e.stacks !== undefined && (!Array.isArray(e.stacks) || e.stacks.some((s) => typeof s !== "string")))
      throw new Error(`${where} (${e.check}): stacks must be a list of stack names`);
    if (e.name !== undefined && typeof e.name !== "string")
      throw new Error(`${where} (${e.check}): name must be a regular expression`);
    return { check: e.check, type: e.type, name: e.name, stacks: e.stacks, reason: e.reason.trim() };
  });
}

export function readSkips(file = SKIPS_FILE): SkipEntry[] {
  return parseSkips(readFileSync(file, "utf8"));
}

function splitResource(resource: string): { type: string; name: string } {
  // The type has one or more "/" but no "."; the name follows the first "." after the type.
  const m = /^(Microsoft\.[A-Za-z]+(?:\/[A-Za-z]+)+)\.(.*)$/.exec(resource);
  return m ? { type: m[1], name: m[2] } : { type: resource, name: "" };
}

function matches(entry: SkipEntry, finding: CheckovFinding, stack: string): boolean {
  const { type, name } = splitResource(finding.resource);
  return (
    entry.check === finding.check_id &&
    entry.type.toLowerCase() === type.toLowerCase() &&
    (entry.stacks === undefined || entry.stacks.includes(stack)) &&
    (entry.name === undefined || new RegExp(entry.name).test(name))
  );
}

export function evaluate(stack: string, report: CheckovReport, skips: SkipEntry[]): Verdict {
  const used = new Set<SkipEntry>();
  const skipped: Verdict["skipped"] = [];
  const failed: CheckovFinding[] = [];
  for (const finding of report.results.failed_checks) {
    const entry = skips.find((s) => matches(s, finding, stack));
    if (entry) {
      used.add(entry);
      skipped.push({ ...finding, reason: entry.reason });
    } else failed.push(finding);
  }
  const unusedSkips = skips.filter(
    (s) => !used.has(s) && (s.stacks === undefined || s.stacks.includes(stack)),
  );
  return {
    stack,
    passed: report.results.passed_checks.length,
    skipped,
    failed,
    unusedSkips,
    parsingErrors: report.summary.parsing_errors,
  };
}
