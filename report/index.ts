/** The run report: build it (collect.ts), render it (render.ts), write it as HTML plus JSON. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { renderReportHtml } from "./render";
import type { RunReport } from "./types";

export type { GoldFacts, RealtimeCounts, ReportInput } from "./collect";
export { buildRunReport, clvDistribution, countLanding, readGold, reconcileCustomers } from "./collect";
export { renderReportHtml } from "./render";
export type { RunReport } from "./types";

/** Writes `report.html` and `report.json` into `dir`; returns their paths. */
export function writeReport(report: RunReport, dir: string): { html: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const html = join(dir, "report.html");
  const json = join(dir, "report.json");
  writeFileSync(html, renderReportHtml(report));
  writeFileSync(json, JSON.stringify(report, null, 2) + "\n");
  return { html, json };
}
