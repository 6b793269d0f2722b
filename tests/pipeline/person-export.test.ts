/**
 * The export step on DuckDB against its oracle: erasure. The export rule is erasure's rule (pipeline/core/erasure.ts),
 * so what an export of a person holds must be exactly what an erasure of that person then removes — table by table,
 * landing line by landing line, quarantine record by quarantine record.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { PERSON_EXPORT_TIMESTAMP, type PersonExportManifest } from "../../contracts";
import { runExports, runPipeline } from "../../pipeline";
import { pendingJobs } from "../../pipeline/core/export";
import { loadAllModels } from "../../pipeline/models";
import { queryTable, readTable, tempLake, writeDay1, writeDay2, writeQuarantinedOrders } from "./fixture";

function request(lake: string, jobId: string, body: string): void {
  mkdirSync(join(lake, "control", "exports", jobId), { recursive: true });
  writeFileSync(join(lake, "control", "exports", jobId, "request.json"), body);
}

const jobFile = (lake: string, jobId: string, file: string) =>
  readFileSync(join(lake, "control", "exports", jobId, file), "utf8");

const rowsOf = (lake: string, jobId: string, m: PersonExportManifest, store: string) => {
  const file = m.stores[store]?.file;
  return file
    ? jobFile(lake, jobId, file)
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];
};

/** The table's timestamp-typed columns. */
const timestampColumns = async (lake: string, table: string): Promise<string[]> =>
  (await queryTable(lake, table, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {t})"))
    .filter((r) => String(r.column_type).startsWith("TIMESTAMP"))
    .map((r) => String(r.column_name));

/** `column` of the table's rows matching `where`, as epoch milliseconds, sorted. */
const epochMs = async (lake: string, table: string, column: string, where: string): Promise<number[]> =>
  (await queryTable(lake, table, `SELECT epoch_ms(${column}) AS ms FROM {t} WHERE ${where} ORDER BY 1`)).map(
    (r) => Number(r.ms),
  );

function landingText(lake: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".jsonl"))
        out.set(
          join(dir, e.name).slice(lake.length + 1),
          readFileSync(join(dir, e.name), "utf8").split("\n"),
        );
  };
  walk(join(lake, "landing"));
  return out;
}

test("an export holds exactly what an erasure of the person then removes: every table, landing line and quarantine record", async () => {
  const lake = tempLake();
  writeDay1(lake);
  writeDay2(lake);
  writeQuarantinedOrders(lake);
  expect((await runPipeline({ lakeDir: lake, loadId: "X1", windowEnd: "2024-05-01" })).status).toBe(
    "succeeded",
  );

  // No pending job: nothing to do.
  expect(await runExports({ lakeDir: lake })).toEqual({ jobs: [] });
  request(
    lake,
    "job-c3",
    JSON.stringify({ jobId: "job-c3", customerId: "C3", requestedAt: "2024-04-30T00:00:00Z" }),
  );
  request(lake, "job-torn", "{not json");
  const summary = await runExports({ lakeDir: lake });
  expect(summary.jobs.map((j) => [j.jobId, j.status, j.error])).toEqual([
    ["job-c3", "complete", undefined],
    ["job-torn", "failed", "export job job-torn: request.json is not JSON"],
  ]);
  // A finished job is not run again.
  expect(await runExports({ lakeDir: lake })).toEqual({ jobs: [] });
  const manifest = JSON.parse(jobFile(lake, "job-c3", "manifest.json")) as PersonExportManifest;
  expect(manifest).toMatchObject({ customerId: "C3", status: "complete", engine: "duckdb" });
  // C3 and the POS id the identity map resolves to the same customer.
  expect(manifest.sourceIds).toEqual(["C3", "POS-9"]);

  // Timestamps in the table stores: ISO 8601 UTC with milliseconds, the instant the table holds (epoch_ms of the
  // lake's own Parquet, read apart). Text columns keep what the source sent.
  const tableStores = Object.keys(manifest.stores).filter((s) => s.includes(".") && manifest.stores[s]!.file);
  const exportedTimestamps: string[] = [];
  for (const t of tableStores) {
    const columns = await timestampColumns(lake, t);
    for (const r of rowsOf(lake, "job-c3", manifest, t))
      for (const c of columns) if (r[c] !== null) exportedTimestamps.push(String(r[c]));
  }
  expect(exportedTimestamps.length).toBeGreaterThan(10);
  expect(exportedTimestamps.filter((v) => !PERSON_EXPORT_TIMESTAMP.test(v))).toEqual([]);
  const exportedValidFrom = rowsOf(lake, "job-c3", manifest, "silver.customers").map((r) =>
    Date.parse(String(r.valid_from)),
  );
  expect(exportedValidFrom.sort()).toEqual(
    await epochMs(lake, "silver.customers", "valid_from", "customer_id IN ('C3', 'POS-9')"),
  );

  // Before the erasure: every table with the person's rows, the landing files, the quarantine.
  const models = new Map(loadAllModels().map((m) => [m.id, m]));
  const erasable = Object.keys(manifest.stores).filter((s) => (models.get(s)?.eraseBy.length ?? 0) > 0);
  expect(erasable).toEqual(
    expect.arrayContaining(["bronze.events", "silver.customers", "silver.orders", "silver.order_items"]),
  );
  const before = new Map<string, number>();
  for (const t of erasable) before.set(t, (await readTable(lake, t, "1")).length);
  const landingBefore = landingText(lake);

  mkdirSync(join(lake, "control", "erasure"), { recursive: true });
  writeFileSync(
    join(lake, "control", "erasure", "r.jsonl"),
    JSON.stringify({ customerId: "C3", requestedAt: "2024-04-30T00:00:00Z", requestId: "R" }) + "\n",
  );
  const erased = await runPipeline({ lakeDir: lake, loadId: "X2", windowEnd: "2024-05-01" });
  expect(erased.status).toBe("succeeded");

  // Tables: the rows erasure deleted are the rows exported.
  for (const t of erasable) {
    const removed = before.get(t)! - (await readTable(lake, t, "1")).length;
    expect([t, manifest.stores[t]!.rows]).toEqual([t, removed]);
  }
  expect(manifest.stores["silver.customers"]!.rows).toBeGreaterThan(0);
  // Landing: the lines erasure blanked are the lines exported, text for text.
  const landingAfter = landingText(lake);
  const blanked: Array<[string, number, string]> = [];
  for (const [file, lines] of landingBefore)
    lines.forEach((line, i) => {
      if (line !== "" && landingAfter.get(file)![i] === "") blanked.push([file, i + 1, line]);
    });
  const exportedLines = rowsOf(lake, "job-c3", manifest, "landing").map((r) => [
    r.source_file,
    r.line_no,
    r.line,
  ]);
  expect(exportedLines.sort()).toEqual(blanked.sort());
  expect(erased.layers[0]!.erasedLandingLines).toBe(blanked.length);
  // Quarantine: the records erasure removed are the records exported (the torn and the negative order).
  const removedQuarantine = erased.layers.reduce((n, l) => n + (l.erasedQuarantineRecords ?? 0), 0);
  const quarantine = rowsOf(lake, "job-c3", manifest, "quarantine");
  expect(quarantine.length).toBe(removedQuarantine);
  expect(quarantine.map((q) => q.stage).sort()).toEqual(["bronze", "silver"]);

  // Gold: the resolved customer's rows of every mart keyed by customer_key, and only theirs.
  const gold = Object.keys(manifest.stores).filter((s) => s.startsWith("gold."));
  expect(gold).toEqual(expect.arrayContaining(["gold.customer_360", "gold.customer_contacts"]));
  for (const t of gold)
    for (const r of rowsOf(lake, "job-c3", manifest, t)) expect(manifest.sourceIds).toContain(r.customer_key);
  expect(rowsOf(lake, "job-c3", manifest, "gold.customer_360").map((r) => r.customer_key)).toEqual(["C3"]);
  // Nothing of another customer anywhere in the job's files.
  for (const f of readdirSync(join(lake, "control", "exports", "job-c3")))
    expect(jobFile(lake, "job-c3", f)).not.toMatch(/"C1"|"C2"|ev-bad-c1/);
});

test("pending jobs: a request and no manifest, valid job ids only", () => {
  expect(
    pendingJobs([
      { jobId: "b", files: ["request.json"] },
      { jobId: "a", files: ["request.json", "x.jsonl"] },
      { jobId: "done", files: ["request.json", "manifest.json"] },
      { jobId: "empty", files: [] },
      { jobId: "..", files: ["request.json"] },
    ]),
  ).toEqual(["a", "b"]);
});
