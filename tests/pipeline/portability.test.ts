import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";

import { moneyRatioSql } from "../../models/rules";
import { loadAllModels } from "../../pipeline";

jest.setTimeout(90_000);

const models = loadAllModels();
const ENGINE_RELATIONS = [
  "landing_records",
  "run_context",
  "control_erasure",
  "control_model_runs",
  "control_expectation_results",
];

/** Functions whose semantics match in Spark SQL and DuckDB 1.5 as-is or through pipeline/duckdb/shims.sql (PORTABLE-SQL.md §1). */
const ALLOWED = new Set([
  // ✅ as-is
  "lower",
  "upper",
  "trim",
  "length",
  "coalesce",
  "nullif",
  "least",
  "greatest",
  "count",
  "sum",
  "min",
  "max",
  "avg",
  "count_star",
  "row_number",
  "ntile",
  "lag",
  "lead",
  "round",
  "abs",
  "date_add",
  "concat_ws",
  "json_array_length",
  "array_sort",
  // translate(s, from, to): character-for-character replacement in both (Spark's StringTranslate, DuckDB's
  // translate); used with equal-length ASCII lists only (A–Z → a–z, the contracts' email case folding).
  "translate",
  // hash(x): a different function in each (Spark: 32-bit Murmur3, DuckDB: 64-bit); used only to find candidates that
  // are then compared by value (silver.event_deliveries' repeated ids), so the result never depends on its value.
  "hash",
  // floor(double): BIGINT in Spark, DOUBLE in DuckDB, the same integer value; models wrap it in CAST(… AS BIGINT)
  // (PORTABLE-SQL.md: integer division).
  "floor",
  // map_keys over from_json(..., 'MAP<STRING, STRING>'): the keys in document order in both engines (DuckDB keeps a
  // duplicate key twice, Spark keeps the last one under the runtime's mapKeyDedupPolicy=LAST_WIN); m['key'] is a
  // subscript, NULL for a missing key in both (Spark 3.4+ even under ANSI, SPARK-40066).
  "map_keys",
  // map(key, value): one pair, only as from_json's options (Spark); the DuckDB shim builds the same one-entry map.
  "map",
  // array_contains(array, value): TRUE/FALSE in both (NULL for a NULL array); used on map_keys of a parsed payload.
  "array_contains",
  // chr(n): the character of code n in both (Spark's only below 256); models use it for control characters and
  // U+00A0 inside regex bracket expressions rendered from the contracts' patterns (models/contract-sql.ts).
  "chr",
  // 🔧 shimmed in DuckDB
  "get_json_object",
  "from_json",
  "json_object_keys",
  "regexp_like",
  "regexp_replace",
  "initcap",
  "split",
  "array_join",
  "array_except",
  "sequence",
  "element_at",
  "explode",
  "collect_list",
  "sha2",
  "datediff",
  "unix_timestamp",
  "unix_micros",
  // max_by(x, y): x at the largest y, NULL x kept (Spark); the shim is arg_max_null. Used where y is unique per group
  // (a run's run_at), so ties cannot pick differently.
  "max_by",
  "substring",
  // lpad(s, n, pad): s padded on the left to n characters, or cut to its first n (both engines; cases in
  // tests/engine/semantics.json).
  "lpad",
  // operators as DuckDB's parser names them
  "||",
  "+",
  "-",
  "*",
  "/",
  "%",
  "~~",
  "!~~",
  "=",
  "<>",
  "<",
  ">",
  "<=",
  ">=",
]);

function functionNames(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => functionNames(n, out));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.class === "FUNCTION" && typeof o.function_name === "string") out.add(o.function_name.toLowerCase());
    Object.values(o).forEach((v) => functionNames(v, out));
  }
}

/** Runs Python lines with the Databricks runtime's model functions as `ns` (notebooks/c360/models.py). */
function runtimeJson<T>(lines: string[]): T {
  const script = [
    "import json, os, sys",
    "sys.path.insert(0, os.path.join(sys.argv[1], 'notebooks'))",
    "from c360 import models",
    "ns = {n: getattr(models, n) for n in ['load_models', 'check_contracts', 'with_views']}",
    ...lines,
  ].join("\n");
  return JSON.parse(
    execFileSync("python3", ["-c", script, join(__dirname, "..", "..")], { encoding: "utf8" }),
  ) as T;
}

describe("portability guard", () => {
  test("every model parses as Spark SQL (dt-sql-parser SparkSQL grammar), and the check rejects DuckDB-isms", () => {
    const dir = mkdtempSync(join(tmpdir(), "c360-spark-"));
    try {
      const bad = join(dir, "bad.sql");
      writeFileSync(bad, "SELECT x::int, * EXCLUDE (y) FROM t");
      const out = JSON.parse(
        execFileSync(
          process.execPath,
          [join(__dirname, "spark-parse.mjs"), bad, ...models.map((m) => m.path)],
          {
            encoding: "utf8",
          },
        ),
      ) as Record<string, string[]>;
      expect(out[bad]!.length).toBeGreaterThan(0);
      const failures = Object.fromEntries(
        Object.entries(out).filter(([f, errs]) => f !== bad && errs.length > 0),
      );
      expect(failures).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("models call only allow-listed functions (DuckDB json_serialize_sql walk)", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    try {
      const used: Record<string, string[]> = {};
      for (const m of models) {
        const r = await c.runAndReadAll(
          `SELECT json_serialize_sql(${"'" + m.sql.replace(/'/g, "''") + "'"}) AS j`,
        );
        const ast = JSON.parse(String(r.getRowObjectsJson()[0]!.j)) as {
          error: boolean;
          error_message?: string;
        };
        expect({ model: m.id, error: ast.error_message ?? null }).toEqual({ model: m.id, error: null });
        const names = new Set<string>();
        functionNames(ast, names);
        const outside = [...names].filter((n) => !ALLOWED.has(n));
        if (outside.length) used[m.id] = outside;
      }
      expect(used).toEqual({});
      // the walk does see function names (guards against a walk that finds nothing)
      const r = await c.runAndReadAll(`SELECT json_serialize_sql('SELECT hash(a) FROM t') AS j`);
      const names = new Set<string>();
      functionNames(JSON.parse(String(r.getRowObjectsJson()[0]!.j)), names);
      expect([...names]).toEqual(["hash"]);
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  test("models avoid constructs that differ silently between engines", () => {
    const traps: [RegExp, string][] = [
      [/\\/, "backslash in a literal (Spark unescapes it)"],
      [/[A-Za-z0-9 ]''[A-Za-z0-9]/, "doubled quote inside a literal"],
      [/`/, "backtick identifiers"],
      [/::/, "DuckDB cast syntax"],
      [/\*\s+(EXCEPT|EXCLUDE)/i, "star except/exclude"],
      [/\bQUALIFY\b/i, "QUALIFY"],
      [/\[0\]/, "0-based array index"],
      [/\bconcat\(/i, "concat() NULL semantics differ; use ||"],
      [/\bfirst\(|\blast\(|\bany_value\(/i, "nondeterministic first/last"],
      [/<=>/, "null-safe equality operator"],
      // found by the engine-parity run (docs/pipeline.md, portability notes)
      [
        /\bavg\((?!CAST\()/i,
        "avg of a non-DOUBLE (DECIMAL(p+4, s+4) in Spark, DOUBLE in DuckDB): avg(CAST(… AS DOUBLE))",
      ],
      [
        /AS DECIMAL\(\d+, \d+\)\)\s*\//i,
        "DECIMAL ÷ (DOUBLE in DuckDB, exact DECIMAL in Spark): money ratios use moneyRatioSql (models/rules.ts)",
      ],
    ];
    const hits = models.flatMap((m) => {
      const body = m.sql
        .split("\n")
        .filter((l) => !l.trim().startsWith("--"))
        .join("\n");
      return traps.filter(([re]) => re.test(body)).map(([, why]) => `${m.id}: ${why}`);
    });
    expect(hits).toEqual([]);
  });

  test("from_json is only used with the schema shapes the DuckDB shim implements (all STRING leaves)", () => {
    const FIELDS = "[A-Za-z_][A-Za-z0-9_]* STRING(?:, [A-Za-z_][A-Za-z0-9_]* STRING)*";
    const SHAPES: [string, RegExp][] = [
      ["struct of strings", new RegExp(`^${FIELDS}$`)],
      ["array of strings", /^ARRAY<STRING>$/],
      ["map of strings", /^MAP<STRING, STRING>$/],
    ];
    const literals = (sql: string) =>
      [...sql.replace(/--.*$/gm, "").matchAll(/'([^']*)'/g)].map((x) => x[1]!);
    // Every literal that looks like a schema (names a STRING type) must be one of the shapes, and every shape is used.
    const schemas = models.flatMap((m) =>
      literals(m.sql)
        .filter((l) => /\bSTRING\b/.test(l))
        .map((l) => ({ model: m.id, schema: l })),
    );
    const shapeOf = (schema: string) => SHAPES.find(([, re]) => re.test(schema))?.[0] ?? "unsupported";
    expect(schemas.filter((s) => shapeOf(s.schema) === "unsupported")).toEqual([]);
    expect(new Set(schemas.map((s) => shapeOf(s.schema)))).toEqual(new Set(SHAPES.map(([name]) => name)));
  });

  test("DuckDB shims give Spark's documented answers on edge inputs", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    try {
      await c.run(readFileSync(join(__dirname, "..", "..", "pipeline", "duckdb", "shims.sql"), "utf8"));
      const r = await c.runAndReadAll(`SELECT
        get_json_object('not json', '$.a') AS bad_json,
        get_json_object('{"a":{"b":[1,2]}}', '$.a') AS nested,
        json_object_keys('[1,2]') AS array_keys,
        json_object_keys('{"b":1,"a":2}') AS keys,
        from_json('{"a":1.5,"b":{"c":true}}', 'a STRING, b STRING, d STRING') AS parsed,
        from_json('[1]', 'a STRING') AS not_object,
        from_json('[{"a":1},"x",3,null]', 'ARRAY<STRING>') AS elements,
        from_json('{"a":1}', 'ARRAY<STRING>') AS not_array,
        from_json('{"a":1.5,"b":{"c":true},"n":null}', 'MAP<STRING, STRING>')['b'] AS map_nested,
        from_json('{"a":1.5,"b":{"c":true},"n":null}', 'MAP<STRING, STRING>')['z'] AS map_missing,
        map_keys(from_json('{"a":1.5,"b":{"c":true},"n":null}', 'MAP<STRING, STRING>')) AS map_keys,
        from_json('[1]', 'MAP<STRING, STRING>') AS map_not_object,
        from_json('{this is not json', 'MAP<STRING, STRING>') AS map_invalid,
        element_at(split('a,b,c', ','), 1) AS first_element,
        initcap('wORLD') AS cap_one_word,
        initcap('') AS cap_empty,
        regexp_replace('2024-03-15', '([0-9]{4})-([0-9]{2})-([0-9]{2})', '$3/$2/$1') AS swapped,
        regexp_replace('a.b.c', '[.]', '-') AS all_matches,
        initcap('sPark sql') AS cap,
        datediff(DATE '2009-07-31', DATE '2009-07-30') AS diff,
        array_join(array_sort(array_except(split('c,a,b,a', ','), split('b', ','))), ',') AS except_sorted,
        sha2('Spark', 256) AS sha`);
      expect(r.getRowObjectsJson()[0]).toEqual({
        bad_json: null,
        nested: '{"b":[1,2]}',
        array_keys: null,
        keys: ["b", "a"],
        parsed: { a: "1.5", b: '{"c":true}', d: null },
        not_object: null,
        elements: ['{"a":1}', "x", "3", null],
        not_array: null,
        map_nested: '{"c":true}',
        map_missing: null,
        map_keys: ["a", "b", "n"],
        map_not_object: null,
        map_invalid: null,
        first_element: "a",
        cap_one_word: "World",
        cap_empty: "",
        swapped: "15/03/2024",
        all_matches: "a-b-c",
        cap: "Spark Sql",
        diff: "1",
        except_sorted: "a,c",
        sha: "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b",
      });
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  test("DuckDB gives the answers both engines agreed on (tests/engine/semantics.json; pytest runs them on Spark)", async () => {
    const { cases } = JSON.parse(readFileSync(join(__dirname, "..", "engine", "semantics.json"), "utf8")) as {
      cases: { name: string; sql: string; expected: string }[];
    };
    // The money cases are the rendered rule itself (models/rules.ts), not a copy that could drift from it.
    const sqls = cases.map((c) => c.sql);
    for (const [amount, count] of [
      ["CAST(2.03 AS DECIMAL(18, 2))", "2"],
      ["CAST(3818.93 AS DECIMAL(18, 2)) * 365 * 3", "2"],
    ])
      expect(sqls.some((s) => s.includes(moneyRatioSql(amount!, count!)))).toBe(true);
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    try {
      await c.run("SET TimeZone = 'UTC'");
      await c.run(readFileSync(join(__dirname, "..", "..", "pipeline", "duckdb", "shims.sql"), "utf8"));
      const got: [string, unknown][] = [];
      for (const k of cases) got.push([k.name, (await c.runAndReadAll(k.sql)).getRowObjectsJson()[0]!.v]);
      expect(got).toEqual(cases.map((k) => [k.name, k.expected]));
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  test("known-field lists and from_json schemas match the contracts (contracts/schemas/*.json)", () => {
    const schemasDir = join(__dirname, "..", "..", "contracts", "schemas");
    const props = (file: string, payload: boolean): string[] => {
      const j = JSON.parse(readFileSync(join(schemasDir, file), "utf8")) as {
        properties: Record<string, { properties?: Record<string, unknown> }>;
      };
      return Object.keys(payload ? j.properties.payload!.properties! : j.properties);
    };
    const payloadFields = (type: string) =>
      [...new Set(readdirSync(join(schemasDir, type)).flatMap((f) => props(join(type, f), true)))].sort();
    const literals = (sql: string) =>
      [...sql.replace(/--.*$/gm, "").matchAll(/'([^']*)'/g)].map((x) => x[1]!);
    const knownList = (id: string) => {
      const m = models.find((x) => x.id === id)!;
      const l = literals(m.sql);
      const i = l.findIndex((x, k) => x === "," && /^[A-Za-z]+(,[A-Za-z]+)+$/.test(l[k - 1] ?? ""));
      return l[i - 1]!.split(",").sort();
    };
    // The payload fields a model reads from its parsed map (pm['field']).
    const readFields = (id: string) => {
      const m = models.find((x) => x.id === id)!;
      return [...new Set([...m.sql.matchAll(/\bpm\['([A-Za-z]+)'\]/g)].map((x) => x[1]!))].sort();
    };
    expect(knownList("bronze.events")).toEqual(props("envelope.json", false).sort());
    const byModel: [string, string, string[]][] = [
      ["silver.orders", "order", []],
      ["silver.customers", "customer_profile", []],
      ["silver.behavioral_events", "behavioral_event", []],
      ["silver.support_interactions", "support_interaction", []],
      ["silver.products", "product", ["updatedAt"]], // CSV/Parquet extracts may carry updatedAt
    ];
    for (const [id, type, extra] of byModel) {
      const expected = [...payloadFields(type), ...extra].sort();
      expect({ id, known: knownList(id) }).toEqual({ id, known: expected });
      // Every field read is a contract field (a typo would read NULL forever), and most of them are read.
      expect({ id, unknown: readFields(id).filter((f) => !expected.includes(f)) }).toEqual({
        id,
        unknown: [],
      });
      expect(readFields(id).length).toBeGreaterThanOrEqual(expected.length - 1);
    }
  });

  test("model inputs exist and layers only read the same or earlier layers", () => {
    const ids = new Set(models.map((m) => m.id));
    const order = { bronze: 0, silver: 1, gold: 2 } as const;
    const problems = models.flatMap((m) =>
      m.inputs
        .filter((i) => !ENGINE_RELATIONS.includes(i))
        .flatMap((i) => {
          if (!ids.has(i)) return [`${m.id} reads unknown ${i}`];
          const layer = i.split(".")[0] as keyof typeof order;
          return order[layer] > order[m.layer] ? [`${m.id} reads later layer ${i}`] : [];
        }),
    );
    expect(problems).toEqual([]);
    expect(models.filter((m) => m.layer === "gold").map((m) => m.name)).toEqual([
      "channel_performance",
      "customer_360",
      "churn_features",
      "customer_behavior",
      "customer_contacts",
      "session_engagement",
      "customer_engagement",
      "customer_journey",
      "customer_lifetime_value",
      "customer_segments",
      "data_quality_metrics",
      "data_quality_scores",
      "marketing_consent",
      "lead_scores",
      "personalization_features",
      "profile_traits",
      "sales_summary",
      "top_customers",
    ]);
  });

  test("the Databricks runtime parses the model headers exactly like the DuckDB adapter and checks the contracts", () => {
    const py = runtimeJson<unknown[]>([
      "out = []",
      "for layer in ['bronze', 'silver', 'gold']:",
      "    ms = ns['load_models'](layer)",
      "    ns['check_contracts'](ms)",
      "    out += [[m['id'], m['materialized'], m['unique_key'], m['update_when'], m['erase_by'], m['zorder'],",
      "             [[e['action'], e['code'], e['name'], e['condition']] for e in m['expectations']]] for m in ms]",
      "print(json.dumps(out))",
    ]);
    expect(py).toEqual(
      models.map((m) => [
        m.id,
        m.materialized,
        m.uniqueKey,
        m.updateWhen ?? null,
        m.eraseBy,
        m.zorder,
        m.expectations.map((e) => [e.action, e.code, e.name, e.condition]),
      ]),
    );
  });

  test("the Databricks runtime defines view models as temp views and points their readers at them", () => {
    const out = runtimeJson<{ statements: string[]; models: Record<string, string> }>([
      "statements, models = ns['with_views'](ns['load_models']('silver'))",
      "print(json.dumps({'statements': [s[:60] for s in statements], 'models': {m['id']: m['sql'] for m in models}}))",
    ]);
    const views = models.filter((m) => m.layer === "silver" && m.materialized === "view").map((m) => m.name);
    expect(views).toEqual(["event_deliveries"]);
    expect(out.statements).toEqual([
      expect.stringMatching(/^CREATE OR REPLACE TEMP VIEW silver__event_deliveries AS /),
    ]);
    expect(Object.keys(out.models)).not.toContain("silver.event_deliveries");
    const readers = Object.entries(out.models).filter(([, sql]) => sql.includes("silver__event_deliveries"));
    expect(readers.map(([id]) => id).sort()).toEqual([
      "silver.behavioral_events",
      "silver.customers",
      "silver.orders",
      "silver.support_interactions",
    ]);
    expect(Object.values(out.models).some((sql) => sql.includes("silver.event_deliveries"))).toBe(false);
  });

  test("notebooks compile and run exactly the three layers the models define", () => {
    const nb = join(__dirname, "..", "..", "notebooks");
    for (const layer of ["bronze", "silver", "gold"]) {
      const file = join(nb, `${layer}.py`);
      execFileSync("python3", ["-m", "py_compile", file], {
        env: { ...process.env, PYTHONPYCACHEPREFIX: tmpdir() },
      });
      const text = readFileSync(file, "utf8");
      expect(text.startsWith("# Databricks notebook source")).toBe(true);
      expect(text).toContain(`run_notebook(spark, dbutils, "${layer}")`);
      expect(models.some((m) => m.layer === layer)).toBe(true);
    }
    for (const f of readdirSync(join(nb, "c360")).filter((n) => n.endsWith(".py")))
      execFileSync("python3", ["-m", "py_compile", join(nb, "c360", f)], {
        env: { ...process.env, PYTHONPYCACHEPREFIX: tmpdir() },
      });
    const params = readFileSync(join(nb, "c360", "params.py"), "utf8");
    for (const w of ["environment", "window_start", "window_end", "load_id"])
      expect(params).toContain(`"${w}"`);
  });
});
