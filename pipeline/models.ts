/**
 * SQL models: `models/<layer>/<name>.sql`, one SELECT per table, with a metadata header of `-- @key value`
 * comment lines (parsed the same way by the Databricks runtime, notebooks/c360/models.py).
 *
 *   -- @materialized incremental            full | incremental | scd2 | view
 *                                          (view: not stored; a relation the layer's later models read, e.g. the
 *                                          shared redelivery dedup of silver.event_deliveries; no expectations)
 *   -- @unique_key order_id                 comma-separated; MERGE key (incremental) or business key (scd2)
 *   -- @update_when s.occurred_at > t.occurred_at   MERGE condition for updating a matched row (incremental)
 *   -- @valid_from occurred_at              scd2: column that starts a version
 *   -- @compare record_hash                 scd2: column whose change opens a new version
 *   -- @erase_by customer_id                rows whose column holds an erased customer id are deleted
 *   -- @zorder customer_key                 Databricks OPTIMIZE ... ZORDER BY (gold)
 *   -- @stage_cte renamed                   DuckDB: this CTE is written to Parquet once and scanned where it is
 *                                          read, not held in memory (pipeline/duckdb/staged-cte.ts)
 *   -- @slice events.visitor_key            the rows depend only on the CTE's rows of one visitor_key: DuckDB may
 *                                          compute a large model in slices of it (pipeline/duckdb/sliced.ts)
 *   -- @reads new_only                      a run reads only what its load brought (bronze: new landing files), so the
 *                                          run records of a window's loads add up (gold.data_quality_metrics)
 *   -- @export jsonl                        also write the table as JSON lines to <layer>/_exports/<name>/load_id=<id>/
 *                                          (exportPath in contracts/lake-layout.ts), for readers without a Delta
 *                                          reader: the profile traits sync (docs/functions.md)
 *   -- @inputs bronze.events, silver.customers
 *   -- @expect <warn|drop|fail> <reason_code> <rule_name>: <SQL boolean over the output columns>
 *
 * The layer is the folder name. A row passes a rule only when the condition is TRUE (NULL fails).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const LAYERS = ["bronze", "silver", "gold"] as const;
export type Layer = (typeof LAYERS)[number];
export type Materialization = "full" | "incremental" | "scd2" | "view";
export type ExpectationAction = "warn" | "drop" | "fail";

export interface Expectation {
  name: string;
  code: string;
  action: ExpectationAction;
  condition: string;
}

export interface Model {
  /** `<layer>.<name>`, also the table name in the engine. */
  id: string;
  layer: Layer;
  name: string;
  path: string;
  sql: string;
  materialized: Materialization;
  uniqueKey: string[];
  updateWhen?: string;
  validFrom?: string;
  compare?: string;
  eraseBy: string[];
  zorder: string[];
  inputs: string[];
  expectations: Expectation[];
  /**
   * `@stage_cte <name>[, <name>]`: CTEs the DuckDB engine writes to Parquet once and scans wherever the model reads
   * them, instead of holding them in memory (pipeline/duckdb/staged-cte.ts); Spark ignores it.
   */
  stageCtes: string[];
  /** `@reads new_only`: a run reads only what its load brought; its loads' run records add up. */
  readsNewOnly: boolean;
  /**
   * `@slice <cte>.<column>`: each output row depends only on rows of the CTE that share the column, so DuckDB may
   * compute the model one slice of the CTE at a time (pipeline/duckdb/sliced.ts); Spark ignores it.
   */
  slice?: { cte: string; column: string };
  /** `@export jsonl`: the table is also written as JSON lines per load (exportPath). */
  exportFormat?: "jsonl";
  /**
   * `@catalog_schema <schema>`: on Databricks the table is registered in this Unity Catalog schema instead of its
   * layer's, so access to it is granted apart (gold.customer_contacts → gold_contacts, readable only by the
   * contact-data group: infra/components/unity-catalog.ts). Locally (DuckDB) it stays `<layer>.<name>`.
   */
  catalogSchema?: string;
}

export const MODELS_DIR = join(__dirname, "..", "models");

const list = (v: string | undefined): string[] =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** A model file's annotations: its `@expect` rules in order, and every other `@key value`. */
export function parseAnnotations(
  path: string,
  text: string,
): { meta: Map<string, string>; expectations: Expectation[] } {
  const meta = new Map<string, string>();
  const expectations: Expectation[] = [];
  for (const line of text.split("\n")) {
    const m = /^--\s*@(\w+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === "expect") {
      const e = /^(warn|drop|fail)\s+([a-z_]+)\s+([a-z0-9_]+)\s*:\s*(.+)$/.exec(value.trim());
      if (!e) throw new Error(`${path}: malformed @expect: ${value}`);
      expectations.push({
        action: e[1] as ExpectationAction,
        code: e[2] as string,
        name: e[3] as string,
        condition: (e[4] as string).trim(),
      });
    } else meta.set(key, value.trim());
  }
  return { meta, expectations };
}

export function parseModel(layer: Layer, name: string, path: string, text: string): Model {
  const { meta, expectations } = parseAnnotations(path, text);
  const materialized = (meta.get("materialized") ?? "full") as Materialization;
  if (!["full", "incremental", "scd2", "view"].includes(materialized))
    throw new Error(`${path}: unknown materialization ${materialized}`);
  const model: Model = {
    id: `${layer}.${name}`,
    layer,
    name,
    path,
    sql: text.replace(/;\s*$/, ""),
    materialized,
    uniqueKey: list(meta.get("unique_key")),
    updateWhen: meta.get("update_when"),
    validFrom: meta.get("valid_from"),
    compare: meta.get("compare"),
    eraseBy: list(meta.get("erase_by")),
    zorder: list(meta.get("zorder")),
    inputs: list(meta.get("inputs")),
    expectations,
    stageCtes: list(meta.get("stage_cte")),
    readsNewOnly: false,
  };
  const reads = meta.get("reads");
  if (reads !== undefined) {
    if (reads !== "new_only") throw new Error(`${path}: unknown @reads ${reads} (only new_only)`);
    if (materialized !== "incremental")
      throw new Error(`${path}: @reads new_only needs an incremental model`);
    model.readsNewOnly = true;
  }
  const slice = meta.get("slice");
  if (slice !== undefined) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(slice);
    if (!m) throw new Error(`${path}: @slice takes <cte>.<column>, got ${slice}`);
    model.slice = { cte: m[1]!, column: m[2]! };
  }
  const exportFormat = meta.get("export");
  if (exportFormat !== undefined) {
    if (exportFormat !== "jsonl") throw new Error(`${path}: unknown @export ${exportFormat} (only jsonl)`);
    if (materialized === "view") throw new Error(`${path}: a view cannot be exported`);
    model.exportFormat = exportFormat;
  }
  const catalogSchema = meta.get("catalog_schema");
  if (catalogSchema !== undefined) {
    if (!/^[a-z][a-z0-9_]*$/.test(catalogSchema) || (LAYERS as readonly string[]).includes(catalogSchema))
      throw new Error(
        `${path}: @catalog_schema ${catalogSchema} must be a lower-case name other than a layer's`,
      );
    if (materialized === "view") throw new Error(`${path}: a view is not registered in the catalog`);
    model.catalogSchema = catalogSchema;
  }
  if (materialized === "view" && (expectations.length > 0 || model.eraseBy.length > 0))
    throw new Error(
      `${path}: a view holds no rows of its own: no @expect or @erase_by (put them on its readers)`,
    );
  if (materialized !== "full" && materialized !== "view" && model.uniqueKey.length === 0)
    throw new Error(`${path}: ${materialized} needs @unique_key`);
  if (materialized === "scd2" && (!model.validFrom || !model.compare))
    throw new Error(`${path}: scd2 needs @valid_from and @compare`);
  return model;
}

/** Models of one layer in dependency order (inputs from the same layer first), ties by name. */
export function loadModels(layer: Layer, dir = MODELS_DIR): Model[] {
  const files = readdirSync(join(dir, layer))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const models = files.map((f) => {
    const path = join(dir, layer, f);
    return parseModel(layer, f.replace(/\.sql$/, ""), path, readFileSync(path, "utf8"));
  });
  const byId = new Map(models.map((m) => [m.id, m]));
  const ordered: Model[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (m: Model): void => {
    if (state.get(m.id) === "done") return;
    if (state.get(m.id) === "visiting") throw new Error(`dependency cycle at ${m.id}`);
    state.set(m.id, "visiting");
    for (const input of m.inputs) {
      const dep = byId.get(input);
      if (dep) visit(dep);
    }
    state.set(m.id, "done");
    ordered.push(m);
  };
  models.forEach(visit);
  return ordered;
}

export function loadAllModels(dir = MODELS_DIR): Model[] {
  return LAYERS.flatMap((l) => loadModels(l, dir));
}
