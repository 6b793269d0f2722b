/**
 * Every given/expected fixture beside a model (models/<layer>/<name>.test.json) on DuckDB; tests/pipeline/
 * model-fixtures.ts describes the format. The same files run on Spark in tests/spark/test_model_fixtures.py.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";

import { runLayer } from "../../pipeline";
import { env, tempLake, writeLanding } from "./fixture";
import { type FixtureCase, fixtureFiles, FixtureRunner, projected } from "./model-fixtures";

jest.setTimeout(60_000);

/** bronze.events' columns and types as a bronze run writes them. */
async function bronzeColumns(): Promise<Map<string, string>> {
  const lake = tempLake();
  try {
    writeLanding(lake, "web", "behavioral_event", "2024-04-10", "b.jsonl", [
      env("ev-1", "behavioral_event", "web", "2024-04-10T10:00:00Z", "C1", { sessionId: "S1" }),
    ]);
    const s = await runLayer("bronze", { lakeDir: lake, loadId: "T" });
    if (s.status !== "succeeded") throw new Error(s.error);
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    try {
      const r = await c.runAndReadAll(
        `DESCRIBE SELECT * FROM read_parquet('${join(lake, "bronze", "events", "*.parquet")}')`,
      );
      return new Map(r.getRowObjectsJson().map((x) => [String(x.column_name), String(x.column_type)]));
    } finally {
      c.closeSync();
      db.closeSync();
    }
  } finally {
    rmSync(lake, { recursive: true, force: true });
  }
}

const files = fixtureFiles();
const cases: [string, string, FixtureCase][] = files.flatMap((f) =>
  f.fixture.cases.map((c): [string, string, FixtureCase] => [f.model, c.name, c]),
);

describe("model fixtures (models/<layer>/<name>.test.json) on DuckDB", () => {
  let runner: FixtureRunner;
  beforeAll(async () => {
    runner = FixtureRunner.create(await bronzeColumns());
  });

  test("the silver models that share the rescued-fields and latest-version fragments have fixtures", () => {
    expect(files.map((f) => f.model)).toEqual(
      expect.arrayContaining([
        "silver.event_deliveries",
        "silver.orders",
        "silver.behavioral_events",
        "silver.support_interactions",
        "silver.products",
        "silver.order_items",
      ]),
    );
    for (const f of files) expect(f.fixture.cases.length).toBeGreaterThan(0);
  });

  test.each(cases)("%s: %s", async (modelId, _name, c) => {
    const fixture = files.find((f) => f.model === modelId)!.fixture;
    const out = await runner.run(modelId, fixture, c);
    const kept = projected(out.rows, c.expect.rows);
    expect(kept.actual).toEqual(kept.expected);
    const rejected = projected(out.quarantined, c.expect.quarantined ?? []);
    expect(rejected.actual).toEqual(rejected.expected);
  });
});
