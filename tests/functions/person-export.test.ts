/**
 * A person's data export covers every store. One person is planted in each — Cosmos (real-time profiles of two
 * source ids the batch identity links, the batch traits document and identifier index entries of the traits sync,
 * a quarantined real-time event), landing lines, bronze, silver (two SCD2 versions of the profile), gold and the
 * batch quarantine — beside a generated population; the export is requested through the registered HTTP handlers
 * (privacy wrapper and audit included), the export step runs on DuckDB over the lake the real pipeline built, and the
 * document must hold each store's data of the person and nothing of another customer.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { app, type HttpHandler } from "@azure/functions";

import type { AnyEvent } from "../../contracts";
import { setDependencies } from "../../functions/src/core/dependencies";
import { PRIVACY_AUDIT_PREFIX, type PrivacyAuditRecord } from "../../functions/src/core/privacy-access";
import { runExportsLocally } from "../../functions/src/local/exports";
import { LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { runTraitsSyncLocally } from "../../functions/src/local/traits-sync";
import { generate } from "../../generator";
import { runPipeline } from "../../pipeline";
import { type Fixture, fixture, sendNew } from "./helpers";
import { bodyJson, context, request } from "./http-helpers";

const OPERATOR = Buffer.from(
  JSON.stringify({
    auth_typ: "aad",
    claims: [
      { typ: "oid", val: "oid-dpo" },
      { typ: "preferred_username", val: "dpo@example.com" },
      { typ: "roles", val: "Privacy.Operator" },
    ],
  }),
).toString("base64");

const PERSON = "C990001";
/** A second source id of the same person (same e-mail and first name: the batch identity links them). */
const SIBLING = "C990002";
const EMAIL = "planted.person@example.org";

type Doc = {
  status: string;
  sourceIds: string[];
  cosmos: {
    profiles: Array<{ customerId: string }>;
    batchTraits: Array<{ customerId: string; sourceIds: string[] }>;
    identityIndex: Array<{ id: string; customerKey: string }>;
    quarantinedEvents: Array<{ eventId?: string }>;
    erasureRequests: unknown[];
  };
  lake: Record<string, Array<Record<string, unknown>>>;
};

let f: Fixture;
let dir: string;
let lakeDir: string;
let postExport: HttpHandler;
let getExport: HttpHandler;
let other: string;
const hub = new LocalEventHub(1);

/** Events of one synthetic customer under `id`, of the given mix. */
function eventsOf(id: string, count: number, seed: number, mix: Record<string, number>): AnyEvent[] {
  return syntheticEvents({ events: count, customers: 1, seed, mix }).map(
    (e) => JSON.parse(JSON.stringify(e).replaceAll("C000000", id)) as AnyEvent,
  );
}

function profile(id: string, seed: number, changes: Record<string, unknown>): AnyEvent {
  const [e] = eventsOf(id, 1, seed, { customer_profile: 1, order: 0, support_interaction: 0 });
  const p = e as AnyEvent & { payload: Record<string, unknown> };
  return {
    ...p,
    schemaVersion: "1.0",
    payload: {
      ...p.payload,
      firstName: "Petra",
      lastName: "Planted",
      email: EMAIL,
      phone: "+14155550199",
      ...changes,
    },
  } as AnyEvent;
}

const send = (events: AnyEvent[]) => sendNew(hub, events);

const call = (h: HttpHandler, method: string, params: Record<string, string>) =>
  h(
    request(method, `customers/${params.id}/export`, {
      params,
      headers: { "x-ms-client-principal": OPERATOR },
    }),
    context("export"),
  ) as Promise<{ status?: number; body?: unknown; headers?: Record<string, string> }>;

/** Requests an export of `id`, checks it is pending, runs the export step, and answers the document. */
async function exportOf(id: string): Promise<Doc> {
  const accepted = await call(postExport, "POST", { id });
  expect(accepted.status).toBe(202);
  const { jobId, statusUrl } = bodyJson(accepted as never) as { jobId: string; statusUrl: string };
  expect(statusUrl).toBe(`/api/customers/${id}/export/${jobId}`);
  expect(accepted.headers?.location).toBe(statusUrl);
  const pending = await call(getExport, "GET", { id, jobId });
  expect(pending.status).toBe(202);
  expect(bodyJson(pending as never)).toMatchObject({ status: "pending", jobId, customerId: id });
  // Another customer's id with this job id: not theirs.
  expect((await call(getExport, "GET", { id: "C000001", jobId })).status).toBe(404);
  await runExportsLocally(f.deps.lake, lakeDir);
  const done = await call(getExport, "GET", { id, jobId });
  expect(done.status).toBe(200);
  expect(done.headers?.["content-disposition"]).toContain(`customer-${id}-export-${jobId}.json`);
  return bodyJson(done as never) as unknown as Doc;
}

beforeAll(async () => {
  f = await fixture("person-export");
  dir = mkdtempSync(join(tmpdir(), "c360-person-export-"));
  lakeDir = join(dir, "lake");
  // A population of other customers, landed by the batch sources.
  await generate({
    out: join(dir, "gen"),
    lakeDir,
    seed: 11,
    events: 600,
    days: 2,
    startDate: "2026-11-01",
    landingAll: true,
  });
  // The person through the real-time path: two profile versions (an SCD2 history in silver), orders, behaviour and
  // support, a sibling source id, and one event the contract rejects (quarantined in real time).
  const v1 = profile(PERSON, 901, { loyaltyTier: "BRONZE" });
  const v2 = {
    ...profile(PERSON, 902, { loyaltyTier: "GOLD" }),
    eventId: "PERSON-PROFILE-V2",
    occurredAt: new Date(Date.parse(v1.occurredAt) + 86_400_000).toISOString(),
  } as AnyEvent;
  const activity = eventsOf(PERSON, 8, 903, { customer_profile: 0, order: 0.5, support_interaction: 0.25 });
  const sibling = profile(SIBLING, 904, { loyaltyTier: "SILVER" });
  const rejected = { ...activity[0]!, eventId: "PERSON-REJECTED", schemaVersion: "9.9" } as AnyEvent;
  await send([v1, ...activity, sibling, rejected]);
  await send([v2]);
  await f.deps.lake.mirrorTo(lakeDir, ["landing"]);
  // A batch source's line about the person that does not parse (bronze quarantines it).
  const planted = join(lakeDir, "landing", "crm", "customer_profile", "ingest_date=2026-11-02");
  mkdirSync(planted, { recursive: true });
  writeFileSync(join(planted, "planted.jsonl"), `{"eventId":"PERSON-TORN","customerId":"${PERSON}",\n`);

  const run = await runPipeline({ lakeDir, loadId: "L-export-1" });
  expect(run.layers.map((l) => [l.layer, l.status, l.error])).toEqual([
    ["bronze", "succeeded", undefined],
    ["silver", "succeeded", undefined],
    ["gold", "succeeded", undefined],
  ]);
  // The traits sync writes the batch traits document and the identifier index entries (Cosmos).
  await runTraitsSyncLocally(
    {
      services: { storage: f.services.storage, cosmos: f.cosmos },
      lakeDir,
      databaseName: f.databaseName,
      lakePrefix: f.prefix,
    },
    JSON.stringify({ loadId: "L-export-1" }),
  );
  setDependencies(f.deps);

  // Another customer of the generated population (a profile line of the landing zone).
  const day = join(lakeDir, "landing", "crm", "customer_profile", "ingest_date=2026-11-01");
  const file = readdirSync(day).find((n) => n.endsWith(".jsonl"))!;
  const first = readFileSync(join(day, file), "utf8")
    .split("\n")
    .map((l) => {
      try {
        return JSON.parse(l) as { customerId?: string };
      } catch {
        return {};
      }
    })
    .find((e) => typeof e.customerId === "string" && e.customerId.startsWith("CUST-"))!;
  other = first.customerId!;

  const http = jest.spyOn(app, "http").mockImplementation(() => undefined);
  jest.spyOn(app, "eventHub").mockImplementation(() => undefined);
  jest.spyOn(app, "setup").mockImplementation(() => undefined);
  jest.spyOn(app, "timer").mockImplementation(() => undefined);
  jest.spyOn(app, "storageQueue").mockImplementation(() => undefined);
  await import("../../functions/src/index");
  const handler = (name: string) => http.mock.calls.find(([n]) => n === name)![1].handler;
  postExport = handler("exportCustomer");
  getExport = handler("getCustomerExport");
  jest.restoreAllMocks();
}, 240_000);

afterAll(async () => {
  await f.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test("the export of a person planted in every store holds each store's data of them, and no one else's", async () => {
  const doc = await exportOf(PERSON);
  expect(doc.status).toBe("complete");
  expect(doc.sourceIds).toEqual([PERSON, SIBLING]);

  // Cosmos: both source ids' real-time profiles, the traits document and its index entries, the rejected event.
  expect(doc.cosmos.profiles.map((p) => p.customerId).sort()).toEqual([PERSON, SIBLING]);
  expect(doc.cosmos.batchTraits.map((t) => [t.customerId, t.sourceIds])).toEqual([
    [PERSON, [PERSON, SIBLING]],
  ]);
  expect(doc.cosmos.identityIndex.length).toBeGreaterThanOrEqual(3); // two ids, the e-mail (and the phone)
  expect(doc.cosmos.identityIndex.every((e) => e.customerKey === PERSON)).toBe(true);
  expect(doc.cosmos.quarantinedEvents.map((q) => q.eventId)).toEqual(["PERSON-REJECTED"]);

  // Landing: every line the real-time path landed for them, and the torn batch line.
  const landed = doc.lake.landing!.map((l) => String(l.line));
  expect(landed.some((l) => l.includes('"PERSON-PROFILE-V2"'))).toBe(true);
  expect(landed.filter((l) => l.includes(`"customerId":"${SIBLING}"`)).length).toBeGreaterThan(0);
  expect(landed).toContain(`{"eventId":"PERSON-TORN","customerId":"${PERSON}",`);

  // Bronze: one row per landed valid line (the torn one is quarantined, not in bronze).
  const bronze = doc.lake["bronze.events"]!;
  expect(bronze.length).toBe(landed.length - 1);
  expect(new Set(bronze.map((r) => r.customer_id ?? r.payload_customer_id))).toEqual(
    new Set([PERSON, SIBLING]),
  );

  // Silver with its SCD2 history: both versions of the person's profile, and their orders.
  const versions = doc.lake["silver.customers"]!.filter((r) => r.customer_id === PERSON);
  expect(versions.map((v) => v.loyalty_tier)).toEqual(expect.arrayContaining(["BRONZE", "GOLD"]));
  expect(versions.filter((v) => v.is_current === true)).toHaveLength(1);
  expect(doc.lake["silver.orders"]!.length).toBeGreaterThan(0);
  expect(doc.lake["silver.customer_identity"]!.map((r) => r.source_customer_id).sort()).toEqual([
    PERSON,
    SIBLING,
  ]);

  // Gold: the resolved customer's rows of the marts and the restricted contact view.
  expect(doc.lake["gold.customer_360"]!.map((r) => r.customer_key)).toEqual([PERSON]);
  expect(doc.lake["gold.customer_contacts"]!.map((r) => r.email)).toEqual([EMAIL]);
  expect(doc.lake["gold.customer_segments"]!.length).toBe(1);

  // Batch quarantine: the torn line, with where it was quarantined.
  expect(doc.lake.quarantine!.map((q) => [q.stage, q.record])).toEqual([
    ["bronze", `{"eventId":"PERSON-TORN","customerId":"${PERSON}",`],
  ]);

  // Nothing of anyone else.
  const text = JSON.stringify(doc);
  expect(text).not.toContain(`"${other}"`);
  for (const rows of Object.values(doc.lake))
    for (const r of rows)
      for (const key of ["customer_id", "customer_key", "source_customer_id"])
        if (r[key] !== undefined && r[key] !== null) expect([PERSON, SIBLING]).toContain(r[key]);

  // The audit record counts what was exported, per store.
  const audits: PrivacyAuditRecord[] = [];
  for (const path of await f.deps.lake.list("control", PRIVACY_AUDIT_PREFIX))
    audits.push(JSON.parse((await f.deps.lake.read("control", path))!) as PrivacyAuditRecord);
  const done = audits.find((a) => a.status === 200)!;
  expect(done.counts).toMatchObject({
    "cosmos.profiles": 2,
    "cosmos.batchTraits": 1,
    "cosmos.quarantinedEvents": 1,
    "lake.landing": landed.length,
    "lake.bronze.events": bronze.length,
    "lake.silver.customers": doc.lake["silver.customers"]!.length,
    "lake.gold.customer_360": 1,
    "lake.quarantine": 1,
  });
  expect(audits.map((a) => a.status).sort()).toEqual([200, 202, 202, 404].sort());
});

test("another customer's export holds their rows and none of the planted person's", async () => {
  const doc = await exportOf(other);
  expect(doc.lake["gold.customer_360"]!.length).toBe(1);
  expect(doc.lake["bronze.events"]!.length).toBeGreaterThan(0);
  const text = JSON.stringify(doc);
  for (const id of [PERSON, SIBLING, EMAIL]) expect(text).not.toContain(id);
});
