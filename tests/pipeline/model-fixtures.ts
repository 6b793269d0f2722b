/**
 * Given/expected fixtures beside the models (dbt-style unit tests): `models/<layer>/<name>.test.json` holds cases,
 * each with the rows of the model's input relations and the rows it must keep — and those its drop rules must
 * quarantine, with the first reason — compared on the columns the case names. The runner (runFixtureCase) runs the
 * model's own SQL on DuckDB with the engine's shims and settings; tests/spark/test_model_fixtures.py runs the same
 * files on Spark.
 *
 * Input relations are typed as the pipeline writes them: `bronze.events` from a real bronze run, every model's
 * output by its SQL over empty inputs; relations a case does not give are empty. A value that is an object or an
 * array is given as its JSON text (payloads).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { dropRules, firstFailure } from "../../pipeline/core/expectations";
import { runContext } from "../../pipeline/core/params";
import { DuckDbSession, ident, sqlString } from "../../pipeline/duckdb/session";
import { LAYERS, loadAllModels, type Model, MODELS_DIR } from "../../pipeline/models";

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };
export type Row = Record<string, Value>;

export interface FixtureCase {
  name: string;
  /** Relation (e.g. `silver.event_deliveries`, `run_context`) → its rows. */
  given: Record<string, Row[]>;
  expect: {
    /** Rows the model keeps (passing every drop rule), projected on the keys of the first expected row. */
    rows: Row[];
    /** Rows its drop rules send to the quarantine, with `reason` = the code of the first rule each fails. */
    quarantined?: Row[];
  };
}

export interface Fixture {
  /** Values every given row of a relation starts from (a case's row overrides them). */
  defaults?: Record<string, Row>;
  cases: FixtureCase[];
}

export interface FixtureFile {
  model: string;
  path: string;
  fixture: Fixture;
}

/** Every `models/<layer>/<name>.test.json`. */
export function fixtureFiles(dir = MODELS_DIR): FixtureFile[] {
  return LAYERS.flatMap((layer) =>
    existsSync(join(dir, layer))
      ? readdirSync(join(dir, layer))
          .filter((f) => f.endsWith(".test.json"))
          .sort()
          .map((f) => ({
            model: `${layer}.${f.replace(/\.test\.json$/, "")}`,
            path: join(dir, layer, f),
            fixture: JSON.parse(readFileSync(join(dir, layer, f), "utf8")) as Fixture,
          }))
      : [],
  );
}

/** Column types of the relations the runner cannot derive from a model (the engine provides them). */
const BASE_RELATIONS: Record<string, string> = {
  control_erasure: "customer_id VARCHAR, requested_at TIMESTAMPTZ, request_id VARCHAR",
};

/** The literal of a fixture value as `type`. */
function literal(v: Value, type: string): string {
  if (v === null) return `CAST(NULL AS ${type})`;
  const text = typeof v === "object" ? JSON.stringify(v) : String(v);
  return `CAST(${sqlString(text)} AS ${type})`;
}

export class FixtureRunner {
  private readonly models = new Map(loadAllModels().map((m) => [m.id, m]));
  private constructor(private readonly bronzeColumns: Map<string, string>) {}

  /** `bronzeColumns`: bronze.events as a bronze run writes it (column → DuckDB type). */
  static create(bronzeColumns: Map<string, string>): FixtureRunner {
    return new FixtureRunner(bronzeColumns);
  }

  model(id: string): Model {
    const m = this.models.get(id);
    if (!m) throw new Error(`no model ${id}`);
    return m;
  }

  /** Runs one case: the model's rows split into kept and quarantined (with `reason`), as JSON values. */
  async run(
    modelId: string,
    fixture: Fixture,
    c: FixtureCase,
  ): Promise<{ rows: Record<string, unknown>[]; quarantined: Record<string, unknown>[] }> {
    const model = this.model(modelId);
    const dir = mkdtempSync(join(tmpdir(), "c360-fixture-"));
    const db = await DuckDbSession.open(dir);
    try {
      await db.registerRunContext(runContext({ loadId: "fixture" }, new Date("2024-06-01T00:00:00Z")));
      for (const input of model.inputs) await this.empty(db, input);
      for (const [relation, rows] of Object.entries(c.given)) {
        if (!model.inputs.includes(relation))
          throw new Error(`${c.name}: ${relation} is not an input of ${modelId} (@inputs)`);
        await this.fill(db, relation, rows, fixture.defaults?.[relation] ?? {});
      }
      const drops = dropRules(model);
      const reason = drops.length > 0 ? firstFailure(drops, "code") : "CAST(NULL AS VARCHAR)";
      await db.exec(`CREATE TABLE __out AS SELECT *, ${reason} AS __reason FROM (${model.sql}) AS m`);
      const kept = await db.query(`SELECT * EXCLUDE (__reason) FROM __out WHERE __reason IS NULL`);
      const rejected = await db.query(
        `SELECT * EXCLUDE (__reason), __reason AS reason FROM __out WHERE __reason IS NOT NULL`,
      );
      return { rows: kept, quarantined: rejected };
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Creates `relation` empty, typed as the pipeline would give it (its inputs created first, empty too). */
  private async empty(db: DuckDbSession, relation: string): Promise<void> {
    if (await db.relationExists(relation)) return;
    if (relation === "bronze.events") {
      const cols = [...this.bronzeColumns].map(([c, t]) => `${ident(c)} ${t}`).join(", ");
      await db.exec(`CREATE TABLE bronze.events (${cols})`);
      return;
    }
    const base = BASE_RELATIONS[relation];
    if (base) {
      await db.exec(`CREATE OR REPLACE TABLE ${relation} (${base})`);
      return;
    }
    const upstream = this.models.get(relation);
    if (!upstream) throw new Error(`the fixture runner cannot type the relation ${relation}`);
    for (const input of upstream.inputs) await this.empty(db, input);
    // an SCD2 table also has its version's end and whether it is current (materializeScd2)
    const scd2 =
      upstream.materialized === "scd2"
        ? `, m.${ident(upstream.validFrom!)} AS valid_to, true AS is_current`
        : "";
    await db.exec(`CREATE TABLE ${relation} AS SELECT m.*${scd2} FROM (${upstream.sql}) AS m WHERE false`);
  }

  private async fill(db: DuckDbSession, relation: string, rows: Row[], defaults: Row): Promise<void> {
    const types = await db.columnTypes(relation);
    await db.exec(`DELETE FROM ${relation}`);
    for (const given of rows) {
      const row = { ...defaults, ...given };
      const unknown = Object.keys(row).filter((c) => !types.has(c));
      if (unknown.length > 0) throw new Error(`${relation} has no column ${unknown.join(", ")}`);
      const cols = Object.keys(row);
      await db.exec(
        `INSERT INTO ${relation} (${cols.map(ident).join(", ")}) VALUES (${cols.map((c) => literal(row[c]!, types.get(c)!)).join(", ")})`,
      );
    }
  }
}

/** `actual` projected on the columns of `expected` (the first row's keys), both in one stable order. */
export function projected(
  actual: Record<string, unknown>[],
  expected: Row[],
): { actual: Record<string, unknown>[]; expected: Row[] } {
  const cols = Object.keys(expected[0] ?? {});
  const order = (rows: Record<string, unknown>[]) =>
    [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    actual: order(actual.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])))),
    expected: order(expected) as Row[],
  };
}
