/**
 * One contract on both paths: over one corpus — every valid example of every event type and version, each with
 * each required payload field removed, and each set to null — the batch path (bronze → silver, with the checks
 * rendered from the contracts' JSON Schemas) keeps exactly the records the real-time validator accepts, and
 * quarantines the others under a code the validator gives them. The unparseable line has one name on both paths.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { UNPARSEABLE_CODE, validateEvent } from "../../contracts";
import { QUARANTINE_CODES } from "../../functions/src/core/quarantine";
import { requiredPayloadFields } from "../../models/rules";
import { loadModels, runPipeline } from "../../pipeline";
import { examples } from "../contracts/examples";
import { tempLake, writeLanding } from "./fixture";

jest.setTimeout(180_000);

type Json = Record<string, unknown>;
const SILVER_TYPES = ["order", "behavioral_event", "support_interaction", "customer_profile"];
const ID_FIELDS: Record<string, string> = {
  order: "orderId",
  support_interaction: "interactionId",
  customer_profile: "customerId",
};

function corpus(): Json[] {
  const out: Json[] = [];
  let n = 0;
  for (const [key, example] of Object.entries(examples())) {
    const [type, version] = key.split("@") as [string, string];
    if (!SILVER_TYPES.includes(type)) continue;
    const variant = (label: string, change: (p: Json) => void): void => {
      n++;
      const e = JSON.parse(JSON.stringify(example)) as Json;
      const p = e.payload as Json;
      e.eventId = `${type}-${version}-${label}-${n}`.replace(/[^A-Za-z0-9.-]/g, "-");
      // Distinct business keys, so no record is another's later version.
      const customer = `CA-${n}`;
      if (e.customerId !== undefined) e.customerId = customer;
      if (type === "customer_profile") p.customerId = customer;
      const id = ID_FIELDS[type];
      if (id && type !== "customer_profile") p[id] = `${String(p[id])}-${n}`;
      if (type === "behavioral_event") p.sessionId = `S-${n}`;
      change(p);
      out.push(e);
    };
    variant("valid", () => undefined);
    for (const field of requiredPayloadFields(type).get(version) ?? []) {
      variant(`without-${field}`, (p) => delete p[field]);
      variant(`null-${field}`, (p) => (p[field] = null));
    }
  }
  return out;
}

const SOURCE: Record<string, string> = {
  order: "ecommerce",
  behavioral_event: "web",
  support_interaction: "support",
  customer_profile: "crm",
};

describe("the batch path applies the real-time contract", () => {
  const lake = tempLake();
  const events = corpus();
  const kept = new Set<string>();
  const quarantined = new Map<string, string>();

  beforeAll(async () => {
    for (const type of SILVER_TYPES)
      writeLanding(
        lake,
        SOURCE[type]!,
        type,
        "2024-04-10",
        "corpus.jsonl",
        events.filter((e) => e.eventType === type).map((e) => JSON.stringify(e)),
      );
    const s = await runPipeline({
      lakeDir: lake,
      loadId: "A1",
      windowEnd: "2024-04-11",
      layers: ["bronze", "silver"],
    });
    expect(s.status).toBe("succeeded");
    const walk = (dir: string): string[] =>
      existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
            d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
          )
        : [];
    for (const f of walk(join(lake, "quarantine")))
      for (const line of readFileSync(f, "utf8").split("\n").filter(Boolean)) {
        const q = JSON.parse(line) as { reason: string; record: string };
        const id = /"event_?[iI]d":"([^"]+)"/.exec(q.record)?.[1];
        if (id && !quarantined.has(id)) quarantined.set(id, q.reason);
      }
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    for (const t of ["orders", "behavioral_events", "support_interactions", "customers"]) {
      const r = await c.runAndReadAll(
        `SELECT event_id FROM read_parquet('${join(lake, "silver", t, "*.parquet")}')`,
      );
      for (const row of r.getRowObjectsJS()) kept.add(String(row.event_id));
    }
    c.closeSync();
    db.closeSync();
  });
  afterAll(() => rmSync(lake, { recursive: true, force: true }));

  test("identical verdicts and codes, record by record", () => {
    expect(events.length).toBeGreaterThan(100);
    const disagreements: string[] = [];
    for (const e of events) {
      const id = String(e.eventId);
      const verdict = validateEvent(e);
      const codes = new Set<string>(
        verdict.violations.filter((v) => v.severity === "error").map((v) => v.code),
      );
      if (verdict.valid) {
        if (!kept.has(id)) disagreements.push(`${id}: valid, batch ${quarantined.get(id) ?? "lost it"}`);
      } else if (kept.has(id)) disagreements.push(`${id}: rejected (${[...codes].join(",")}), batch kept it`);
      else if (!codes.has(quarantined.get(id) ?? "?"))
        disagreements.push(
          `${id}: rejected (${[...codes].join(",")}), batch ${quarantined.get(id) ?? "lost it"}`,
        );
    }
    expect(disagreements).toEqual([]);
    expect(events.filter((e) => !validateEvent(e).valid).length).toBeGreaterThan(80);
  });

  test("an unparseable line has one name on both paths", () => {
    const bronze = loadModels("bronze").find((m) => m.id === "bronze.events")!;
    expect(bronze.expectations.find((x) => x.name === "parseable_record")?.code).toBe(UNPARSEABLE_CODE);
    expect(QUARANTINE_CODES.unparseable).toBe(UNPARSEABLE_CODE);
  });
});
