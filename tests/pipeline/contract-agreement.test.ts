/**
 * One contract on both paths. One corpus — a generator run with every DEFECT_KIND planted, plus property-based
 * mutations (fast-check) of the valid example of every silver event type and version: envelope and payload fields
 * (nested objects too) removed, nulled, or set to generated values of the field's JSON type — goes through the
 * real-time validator (validateRecord, what every door calls) and through the batch path (bronze → silver on
 * DuckDB, with the checks rendered from the contracts' JSON Schemas by models/contract-sql.ts). Record by record
 * (landing file and line): the same verdict, and for a rejected record the same set of codes (the batch's
 * quarantine record's `codes`) and the same quarantine reason (the first of them in ERROR_CODES order, reasonCode).
 *
 * Outside the corpus, as the batch path does not render them (models/contract-sql.ts): values of the wrong JSON
 * type that read alike as text ("5" for 5, "true" for true, numbers in string fields), array items, record rules
 * beyond the schemas (control characters, future timestamps, the customer age rules).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";

import { PAYLOAD_SCHEMAS, UNPARSEABLE_CODE, ZONES } from "../../contracts";
import { QUARANTINE_CODES, quarantineRecord } from "../../functions/src/core/quarantine";
import { validateRecord } from "../../functions/src/core/validate-record";
import { generate } from "../../generator";
import { DEFECT_KINDS } from "../../generator/defects";
import { loadModels, runPipeline, stopSpark, type ZoneRoots } from "../../pipeline";
import type { Layer } from "../../pipeline/models";
import { examples } from "../contracts/examples";
import { readTable, tempLake, writeLanding } from "./fixture";
import { deltaFiles } from "./parity";

jest.setTimeout(300_000);

type Json = Record<string, unknown>;
type Node = Json & { type?: string; properties?: Record<string, Node>; enum?: string[]; format?: string };

const NOW = new Date("2024-06-01T00:00:00Z");
const MUTATION_DAY = "2024-03-03";
const SILVER: Record<string, { table: string; source: string; key: (e: Json) => unknown; column: string }> = {
  order: {
    table: "orders",
    source: "ecommerce",
    key: (e) => (e.payload as Json)?.orderId,
    column: "order_id",
  },
  behavioral_event: { table: "behavioral_events", source: "web", key: (e) => e.eventId, column: "event_id" },
  support_interaction: {
    table: "support_interactions",
    source: "support",
    key: (e) => (e.payload as Json)?.interactionId,
    column: "interaction_id",
  },
  customer_profile: {
    table: "customers",
    source: "crm",
    key: (e) => (e.payload as Json)?.customerId,
    column: "customer_id",
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Property-based mutations of valid records.

const DELETE = Symbol("delete");

/** Strings a numeric or boolean field may get: not numbers nor booleans as text (they read alike in the batch). */
const notNumberText = fc
  .oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "abc", "12abc", "-", "1,5"))
  .filter((s) => Number.isNaN(Number(s)) && !/^\s*[+-]?(inf|infinity|nan|true|false)\s*$/i.test(s));

const DATE_TIMES = [
  "2024-02-30T10:00:00Z",
  "2024-01-01",
  "2024-01-01T25:00:00Z",
  "2024-01-01T10:61:00Z",
  "2024-01-01T10:00:00",
  "2024-01-01T10:00:00+24:00",
  "2024-01-01 10:00:00Z",
  "2023-12-31T23:59:60Z",
  "2024-01-01T10:00:00.5+01:30",
  "2024-02-29T10:00:00-0330",
  "2023-02-29T10:00:00Z",
];
const DATES = [
  "2024-02-30",
  "1980-02-29",
  "1981-02-29",
  "1990-13-01",
  "1990-1-01",
  "19900101",
  "1990-01-01T00:00:00Z",
];

/** Values of a field's JSON type (and its neighbours the batch can tell apart), valid or not. */
function valuesFor(node: Node): fc.Arbitrary<unknown> {
  const strings = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(
      "",
      " ",
      "x".repeat(300),
      "a b",
      "a/b",
      "-lead",
      "ok_1.2:3-4",
      " \u00a0\u3000 ",
      "\u2007x",
    ),
  );
  switch (node.type) {
    case "string": {
      const options: fc.Arbitrary<unknown>[] = [strings];
      if (node.enum) {
        options.push(fc.constantFrom(...node.enum));
        options.push(fc.constantFrom(...node.enum).map((v) => v.toLowerCase()));
        options.push(fc.constantFrom(...node.enum).map((v) => ` ${v}`));
      }
      if (node.format === "date-time") options.push(fc.constantFrom(...DATE_TIMES));
      if (node.format === "date") options.push(fc.constantFrom(...DATES));
      return fc.oneof(...options);
    }
    case "number":
    case "integer":
      return fc.oneof(
        fc.integer({ min: -1000, max: 2_000_000_000 }),
        fc.double({ min: -1000, max: 2e9, noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(-0.01, 0, 1, 5, 6, 1e9, 1e9 + 1),
        notNumberText,
        fc.boolean(),
        fc.constant({}),
      );
    case "boolean":
      return fc.oneof(fc.boolean(), notNumberText, fc.integer({ min: 0, max: 3 }));
    case "object":
      return fc.oneof(fc.constant({}), fc.constant([]), notNumberText);
    case "array":
      return fc.oneof(fc.constant([]), fc.constant({}), notNumberText);
    default:
      return fc.constant(null);
  }
}

interface Target {
  path: string[];
  node: Node;
}

/** Every field a mutation may touch: the envelope's, the payload's and those of its nested objects. */
function targets(type: string, version: string): Target[] {
  const payload = (PAYLOAD_SCHEMAS as unknown as Record<string, Record<string, Node>>)[type]![version]!;
  const out: Target[] = [];
  const envelope: Record<string, Node> = {
    eventId: { type: "string" },
    eventType: { type: "string", enum: Object.keys(SILVER) },
    schemaVersion: { type: "string", enum: ["1.0", "1.1", "2.0", "1.01"] },
    source: { type: "string", enum: ["crm", "web", "pos", "support"] },
    occurredAt: { type: "string", format: "date-time" },
    customerId: { type: "string" },
  };
  for (const [k, n] of Object.entries(envelope)) out.push({ path: [k], node: n });
  for (const [k, n] of Object.entries(payload.properties ?? {})) {
    out.push({ path: ["payload", k], node: n });
    if (n.type === "object" && n.properties)
      for (const [k2, n2] of Object.entries(n.properties)) out.push({ path: ["payload", k, k2], node: n2 });
  }
  return out;
}

function setAt(doc: Json, path: string[], value: unknown): void {
  let node = doc;
  for (const p of path.slice(0, -1)) {
    if (typeof node[p] !== "object" || node[p] === null) {
      if (value === DELETE) return;
      node[p] = {};
    }
    node = node[p] as Json;
  }
  const last = path[path.length - 1]!;
  if (value === DELETE) delete node[last];
  else node[last] = value;
}

/** Mutated copies of every valid example: 1–2 changes each, distinct ids and business keys before mutating. */
function mutations(): { type: string; event: Json }[] {
  const out: { type: string; event: Json }[] = [];
  let n = 0;
  for (const [key, example] of Object.entries(examples())) {
    const [type, variant] = key.split("@") as [string, string];
    if (!SILVER[type]) continue;
    const version = variant.split("/")[0]!;
    const fields = targets(type, version);
    const change = fc.tuple(
      fc.constantFrom(...fields),
      fc.oneof(
        { weight: 1, arbitrary: fc.constant(DELETE) },
        { weight: 1, arbitrary: fc.constant(null) },
        {
          weight: 6,
          arbitrary: fc.constant("value"),
        },
      ),
      fc.integer({ min: 0, max: 1_000_000 }),
    );
    const arb = fc
      .array(change, { minLength: 1, maxLength: 2 })
      .chain((changes) =>
        fc.tuple(fc.constant(changes), fc.tuple(...changes.map(([t]) => valuesFor(t.node)))),
      );
    const samples = fc.sample(arb, { seed: 20_260_101 + n, numRuns: 120 });
    for (const [changes, values] of samples) {
      n++;
      const e = JSON.parse(JSON.stringify(example)) as Json;
      const p = e.payload as Json;
      e.eventId = `MUT-${n}`;
      e.occurredAt = "2024-03-02T10:00:00Z";
      if (e.customerId !== undefined) e.customerId = `MC-${n}`;
      if (type === "customer_profile") p.customerId = `MC-${n}`;
      if (type === "order") p.orderId = `MO-${n}`;
      if (type === "support_interaction") p.interactionId = `MI-${n}`;
      if (type === "behavioral_event") p.sessionId = `MS-${n}`;
      changes.forEach(([t, kind], i) => setAt(e, t.path, kind === "value" ? values[i] : kind));
      out.push({ type, event: e });
    }
  }
  // Distinct event ids and business keys (as sent, trimmed) per type: a repeated one is a redelivery or a later
  // version to the batch, which keeps one of them by design.
  const seen = new Set<string>();
  return out.filter(({ event: e }) => {
    const type = String(e.eventType);
    const keys = [`id:${type}:${String(e.eventId)}`];
    const k = SILVER[type]?.key(e);
    if (typeof k === "string") keys.push(`key:${type}:${k.trim()}`);
    if (keys.some((k) => seen.has(k))) return false;
    keys.forEach((k) => seen.add(k));
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The two paths.

interface Verdict {
  valid: boolean;
  /** The quarantine record's reason (the first code in ERROR_CODES order on both paths). */
  reason?: string;
  codes: string[];
}

const POSITION = { partitionId: "0", sequenceNumber: 0, offset: "0", enqueuedTimeUtc: NOW.toISOString() };

/** The real-time path: the validator every door calls, and the quarantine record it would write. */
function realtime(line: string): Verdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    const code = QUARANTINE_CODES.unparseable;
    return { valid: false, reason: code, codes: [code] };
  }
  const r = validateRecord("event", parsed, { now: NOW });
  if (r.valid) return { valid: true, codes: [] };
  const record = quarantineRecord("events", "events", POSITION, r.errors, { parsed });
  return { valid: false, reason: record.reason, codes: [...new Set(r.errors.map((e) => e.code))].sort() };
}

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
  );

interface Corpus {
  /** landing position (`<source>/<type>/ingest_date=<day>/<file>#<line>`) → the line and its event type. */
  lines: Map<string, { line: string; type: string }>;
  defects: Record<string, number>;
  mutated: number;
}

/** A landing file's position below the landing root, whatever the root (a lake's landing/, a zone root). */
function landingKey(path: string, line: number | string): string {
  const m = /([a-z_]+\/[a-z_]+\/ingest_date=[0-9-]+\/[^/]+)$/.exec(path);
  if (!m) throw new Error(`not a landing file: ${path}`);
  return `${m[1]}#${line}`;
}

/** The corpus in `landingRoot`: a generator run with every defect, and the mutations. */
async function buildCorpus(work: string, landingRoot: string): Promise<Corpus> {
  const manifest = await generate({
    out: join(work, "_generator"),
    lakeDir: work,
    seed: 20,
    customers: 60,
    events: 2500,
    days: 4,
    startDate: "2024-03-01",
    landingAll: true,
    defects: Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0.05])),
  });
  const corpus = mutations();
  for (const type of Object.keys(SILVER))
    writeLanding(
      work,
      SILVER[type]!.source,
      type,
      MUTATION_DAY,
      "mutations.jsonl",
      corpus.filter((m) => m.type === type).map((m) => JSON.stringify(m.event)),
    );
  if (landingRoot !== join(work, "landing")) cpSync(join(work, "landing"), landingRoot, { recursive: true });
  const lines = new Map<string, { line: string; type: string }>();
  for (const file of walk(landingRoot).filter((f) => f.endsWith(".jsonl"))) {
    const type = landingKey(file, 0).split("/")[1]!;
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (line !== "") lines.set(landingKey(file, i + 1), { line, type });
      });
  }
  return { lines, defects: manifest.defects, mutated: corpus.length };
}

/** The batch path's verdicts: every quarantined landing line with its codes (the reason and `codes`). */
function quarantined(quarantineRoot: string): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const f of walk(quarantineRoot).filter((f) => f.endsWith(".jsonl")))
    for (const q of readFileSync(f, "utf8").split("\n").filter(Boolean)) {
      const r = JSON.parse(q) as {
        reason: string;
        codes: string | null;
        source_file: string;
        line_no: number;
      };
      const codes = [...new Set([r.reason, ...(r.codes ?? "").split(",")].filter(Boolean))].sort();
      out.set(landingKey(r.source_file, r.line_no), { valid: false, reason: r.reason, codes });
    }
  return out;
}

type Rows = (table: string) => Promise<Record<string, unknown>[]>;

/** Event ids and business keys in the silver tables, read by `rows`. */
async function keptIn(rows: Rows): Promise<Map<string, Set<string>>> {
  const kept = new Map<string, Set<string>>();
  for (const [type, t] of Object.entries(SILVER)) {
    const set = new Set<string>();
    for (const row of await rows(t.table)) {
      set.add(`id:${String(row.event_id)}`);
      set.add(`key:${String(row[t.column])}`);
    }
    kept.set(type, set);
  }
  return kept;
}

/** A silver Delta table of a Spark lake: its current files (from the Delta log), read with DuckDB. */
const deltaRows =
  (silverRoot: string): Rows =>
  async (table) => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    try {
      const { files } = await deltaFiles(join(silverRoot, table), c);
      if (files.length === 0) return [];
      const list = files.map((f) => `'${f}'`).join(", ");
      return (
        await c.runAndReadAll(`SELECT * FROM read_parquet([${list}], union_by_name = true)`)
      ).getRowObjectsJson();
    } finally {
      c.closeSync();
      db.closeSync();
    }
  };

/** Lines where the two paths disagree: verdict, codes, or a valid record the batch neither kept nor quarantined. */
function disagreements(
  corpus: Corpus,
  batch: Map<string, Verdict>,
  kept: Map<string, Set<string>>,
): string[] {
  const out: string[] = [];
  for (const [where, { line, type }] of corpus.lines) {
    const rt = realtime(line);
    const b = batch.get(where);
    const shown = line.slice(0, 300);
    if (!rt.valid) {
      if (!b) out.push(`${where}: rejected (${rt.codes}), batch kept it: ${shown}`);
      else if (b.codes.join() !== rt.codes.join() || b.reason !== rt.reason)
        out.push(`${where}: rejected ${rt.reason} (${rt.codes}), batch ${b.reason} (${b.codes}): ${shown}`);
      continue;
    }
    if (b) {
      out.push(`${where}: valid, batch quarantined it (${b.codes}): ${shown}`);
      continue;
    }
    // Valid and not quarantined: in the silver table (itself, or its business key's latest version).
    const e = JSON.parse(line) as Json;
    const k = SILVER[type]?.key(e);
    const set = kept.get(type);
    if (set && !set.has(`id:${String(e.eventId)}`) && !(typeof k === "string" && set.has(`key:${k.trim()}`)))
      out.push(`${where}: valid, batch lost it: ${shown}`);
  }
  return out;
}

const WINDOW = { loadId: "A1", windowEnd: "2024-03-10", layers: ["bronze", "silver"] as Layer[] };

describe("the batch path applies the real-time contract (one corpus, both paths)", () => {
  const lake = tempLake();
  let corpus: Corpus;
  let batch = new Map<string, Verdict>();
  let kept = new Map<string, Set<string>>();

  beforeAll(async () => {
    corpus = await buildCorpus(lake, join(lake, "landing"));
    const s = await runPipeline({ ...WINDOW, lakeDir: lake });
    expect([s.status, s.layers.map((l) => l.error ?? "")]).toEqual(["succeeded", ["", ""]]);
    batch = quarantined(join(lake, "quarantine"));
    kept = await keptIn((t) => readTable(lake, `silver.${t}`, "event_id"));
  });

  test("the corpus holds every generator defect and the mutations", () => {
    for (const kind of DEFECT_KINDS) expect([kind, corpus.defects[kind]! > 0]).toEqual([kind, true]);
    expect(corpus.mutated).toBeGreaterThan(600);
    const rejected = [...corpus.lines.values()].filter((l) => !realtime(l.line).valid).length;
    expect(rejected).toBeGreaterThan(400);
  });

  test("identical verdicts and codes, record by record", () => {
    expect(disagreements(corpus, batch, kept).slice(0, 25)).toEqual([]);
  });

  test("an unparseable line has one name on both paths", () => {
    const bronze = loadModels("bronze").find((m) => m.id === "bronze.events")!;
    expect(bronze.expectations.find((x) => x.name === "parseable_record")?.code).toBe(UNPARSEABLE_CODE);
    expect(QUARANTINE_CODES.unparseable).toBe(UNPARSEABLE_CODE);
  });
});

// The same corpus on Spark (the Databricks runtime, notebooks/c360, on a local SparkSession): the rendered checks
// give the same verdicts and codes there. Opt-in (C360_SPARK_AGREEMENT=1), unlike the engine parity suite, which
// npm test runs: this corpus adds ~2.5 min of Spark to a CI budget the parity suite already fills.
const onSpark = process.env.C360_SPARK_AGREEMENT === "1" ? describe : describe.skip;

onSpark("the same corpus on Spark", () => {
  const work = tempLake();
  const zones = Object.fromEntries(ZONES.map((z, i) => [z, join(work, "acct", `c${i + 1}`)])) as ZoneRoots;
  let corpus: Corpus;
  let batch = new Map<string, Verdict>();
  let kept = new Map<string, Set<string>>();

  beforeAll(async () => {
    for (const z of ZONES) mkdirSync(zones[z], { recursive: true });
    corpus = await buildCorpus(join(work, "gen"), zones.landing);
    const s = await runPipeline({
      ...WINDOW,
      engine: "spark",
      lakeDir: join(work, "unused"),
      zoneRoots: zones,
    });
    expect([s.status, s.layers.map((l) => l.error ?? "")]).toEqual(["succeeded", ["", ""]]);
    batch = quarantined(zones.quarantine);
    kept = await keptIn(deltaRows(zones.silver));
  }, 1_800_000);
  afterAll(async () => {
    await stopSpark();
    rmSync(work, { recursive: true, force: true });
  });

  test("identical verdicts and codes, record by record", () => {
    expect(corpus.lines.size).toBeGreaterThan(3000);
    expect(disagreements(corpus, batch, kept).slice(0, 25)).toEqual([]);
  });
});
