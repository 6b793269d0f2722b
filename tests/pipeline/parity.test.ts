/**
 * Engine parity: the same generated landing files (2,000 customers, every defect kind) through DuckDB and through
 * Spark (the Databricks runtime, notebooks/c360/, on local Spark + Delta over a lake with one root per zone, as in
 * Azure) give the same rows in every bronze, silver and gold table and the same quarantine records — after the
 * first window, an incremental run over one more day, and a rerun of that window that is also an erasure run under
 * an additive schema change. The last three scenarios share one run: each window costs about a minute on local
 * Spark whatever its size, and the CI's Spark part has 8 minutes. A rerun on its own (nothing else changed) is
 * pinned per engine: tests/pipeline/rerun.test.ts (DuckDB) and tests/spark/test_rerun.py (Spark).
 * One Spark session (one Python process) serves every scenario.
 * DuckDB and Spark run each window at the same time; Spark's tables are read straight from their Delta logs.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

import { ZONES } from "../../contracts";
import { customerId, DEFECT_KINDS, generate } from "../../generator";
import { type PipelineSummary, runPipeline, stopSpark, type ZoneRoots } from "../../pipeline";
import { MODELS_DIR } from "../../pipeline/models";
import { compareTables, quarantineRecords } from "./parity";

jest.setTimeout(3_600_000);

const work = mkdtempSync(join(tmpdir(), "c360-parity-"));
const duckLake = join(work, "duckdb");
/** One root per zone, none named after its zone (Azure: abfss://<zone>@<account>...). */
const zones = Object.fromEntries(ZONES.map((z, i) => [z, join(work, "acct", `c${i + 1}`)])) as ZoneRoots;

const DEFECTS = {
  duplicate: 0.03,
  late: 0.02,
  invalid_email: 0.03,
  invalid_phone: 0.03,
  missing_required_field: 0.01,
  unknown_customer: 0.01,
  unknown_schema_version: 0.005,
  unparseable_line: 0.005,
  unexpected_field: 0.01,
};

/** The same run on both engines, at the same time (DuckDB in this process, Spark in its own). */
async function both(windowStart: string | undefined, windowEnd: string, loadId: string, modelsDir?: string) {
  const common = { loadId, windowStart, windowEnd, environment: "local", modelsDir };
  const [d, s] = await Promise.all([
    runPipeline({ ...common, lakeDir: duckLake }),
    runPipeline({ ...common, engine: "spark", lakeDir: join(work, "unused"), zoneRoots: zones }),
  ]);
  const err = (p: PipelineSummary) => p.layers.map((l) => l.error).filter(Boolean);
  expect([d.status, err(d), s.status, err(s)]).toEqual(["succeeded", [], "succeeded", []]);
  return { d, s };
}

async function expectParity(): Promise<Record<string, number>> {
  const { diffs, rows } = await compareTables(duckLake, zones);
  expect(diffs).toEqual([]);
  expect(quarantineRecords(zones.quarantine)).toEqual(quarantineRecords(join(duckLake, "quarantine")));
  return rows;
}

/** Runs `fn` on a fresh in-memory DuckDB connection (for reading DuckDB's lake directly) and closes it. */
async function withDuckDb<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    return await fn(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** Rows of the erasure scenario's two customers in DuckDB's silver.customers (parity says Spark's are the same). */
const erasedCustomersRows = (): Promise<string> =>
  withDuckDb(async (c) => {
    const r = await c.runAndReadAll(
      `SELECT count(*) AS n FROM read_parquet('${join(duckLake, "silver", "customers")}/*.parquet')
       WHERE customer_id IN ('${customerId(6)}', '${customerId(41)}')`,
    );
    return String(r.getRowObjectsJson()[0]!.n);
  });

/** The columns of DuckDB's silver.customers and silver.orders (parity says Spark's tables have the same). */
const silverColumns = (): Promise<Record<string, string[]>> =>
  withDuckDb(async (c) => {
    const out: Record<string, string[]> = {};
    for (const table of ["customers", "orders"]) {
      const r = await c.runAndReadAll(
        `DESCRIBE SELECT * FROM read_parquet('${join(duckLake, "silver", table)}/*.parquet', union_by_name = true)`,
      );
      out[table] = r.getRowObjectsJson().map((row) => String(row.column_name));
    }
    return out;
  });

const counts = (s: PipelineSummary) =>
  Object.fromEntries(
    s.layers.flatMap((l) => l.models.map((m) => [m.model, [m.rowsIn, m.rowsOut, m.quarantined]])),
  );

describe("engine parity: DuckDB and Spark on the same generated input", () => {
  beforeAll(async () => {
    // DuckDB computes silver.sessions in several slices of visitors here (pipeline/duckdb/sliced.ts; 8M events a
    // slice by default), Spark in one pass: parity holds for the sliced path too.
    process.env.C360_DUCKDB_SLICE_ROWS = "1000";
    const manifest = await generate({
      out: join(work, "_gen"),
      lakeDir: duckLake,
      seed: 7,
      customers: 2000,
      counts: { customer_profile: 2600, order: 2400, behavioral_event: 3600, support_interaction: 300 },
      days: 4,
      startDate: "2025-01-01",
      defects: DEFECTS,
      landingAll: true,
    });
    for (const kind of DEFECT_KINDS) expect([kind, manifest.defects[kind]]).not.toEqual([kind, 0]);
    mkdirSync(join(work, "acct"));
    cpSync(join(duckLake, "landing"), zones.landing, { recursive: true });
    for (const z of ZONES) mkdirSync(zones[z], { recursive: true });
  });

  afterAll(async () => {
    delete process.env.C360_DUCKDB_SLICE_ROWS;
    await stopSpark();
    rmSync(work, { recursive: true, force: true });
  });

  test("first window (3 days): every table and the quarantine are the same on both engines", async () => {
    const { d, s } = await both(undefined, "2025-01-04", "L1");
    expect(counts(s)).toEqual(counts(d));
    const rows = await expectParity();
    expect(rows["silver.customers"]).toBeGreaterThan(1500);
    expect(rows["gold.customer_360"]).toBeGreaterThan(1500);
  });

  test("incremental run over one more day", async () => {
    const { d, s } = await both("2025-01-04", "2025-01-05", "L2");
    expect(counts(s)).toEqual(counts(d));
    await expectParity();
  });

  test("a rerun of that window, with an erasure pending under an additive schema change: the same rows, quarantine records and landing lines are gone, and the new columns reach both engines' tables alike", async () => {
    // One run for all three (each is a full window on Spark): the window of the run before run again under a new
    // load id, by a release that adds a column to two silver models, while an erasure request is pending.
    const models = join(work, "models");
    cpSync(MODELS_DIR, models, { recursive: true });
    for (const [file, column] of [
      ["silver/orders.sql", "upper(l.channel) AS channel_code"],
      ["silver/customers.sql", "CAST(length(c.email) AS BIGINT) AS email_length"],
    ] as const) {
      const path = join(models, file);
      const sql = readFileSync(path, "utf8");
      writeFileSync(path, sql.replace(/\nSELECT\n/, `\nSELECT\n  ${column},\n`));
    }
    const customers = readdirSync(join(duckLake, "landing", "crm", "customer_profile"));
    expect(customers.length).toBeGreaterThan(0);
    // Two generated customers (CUST-0000007, CUST-0000042) with profiles in the lake.
    expect(Number(await erasedCustomersRows())).toBeGreaterThan(0);
    const request = [customerId(6), customerId(41)]
      .map((id, i) =>
        JSON.stringify({ customerId: id, requestId: `r${i}`, requestedAt: "2025-01-05T00:00:00Z" }),
      )
      .join("\n");
    for (const control of [join(duckLake, "control"), zones.control]) {
      mkdirSync(join(control, "erasure"), { recursive: true });
      writeFileSync(join(control, "erasure", "requests.jsonl"), request + "\n");
    }
    const { d, s } = await both("2025-01-04", "2025-01-05", "L3", models);
    expect(counts(s)).toEqual(counts(d));
    // A rerun: bronze finds no landing file it has not loaded.
    expect(d.layers[0]!.models[0]!.rowsIn).toBe(0);
    expect(d.layers[0]!.erasedLandingLines).toBeGreaterThan(0);
    expect(s.layers.map((l) => [l.erasedLandingLines, l.erasedQuarantineRecords])).toEqual(
      d.layers.map((l) => [l.erasedLandingLines, l.erasedQuarantineRecords]),
    );
    const rows = await expectParity();
    expect(rows["silver.customers"]).toBeGreaterThan(1500);
    expect(await erasedCustomersRows()).toBe("0");
    // The new columns are in DuckDB's tables, and so (parity compares the columns too) in Spark's.
    const columns = await silverColumns();
    expect([columns.customers, columns.orders]).toEqual([
      expect.arrayContaining(["email_length"]),
      expect.arrayContaining(["channel_code"]),
    ]);
    const landing = (root: string): string[] => {
      const out: string[] = [];
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
          a.name.localeCompare(b.name),
        ))
          if (e.isDirectory()) walk(join(dir, e.name));
          else out.push(`${e.name}\n${readFileSync(join(dir, e.name), "utf8")}`);
      };
      walk(root);
      return out;
    };
    expect(landing(zones.landing)).toEqual(landing(join(duckLake, "landing")));
  });
});
