/**
 * Acceptance of issue 21 end to end: landing files → the ADF master pipeline (local executor, DuckDB models) → its
 * Sync_Profile_Traits queue message → the traits sync (Cosmos DB server, Azurite) → the API. One order moves a
 * customer known by a CRM id and a POS id from Regular to Premium in gold: afterwards GET with the POS id answers
 * Premium with the new asOf, exactly one change event was published, and a second sync publishes nothing.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { landingPath, type SourceSystem } from "../../contracts";
import { InMemoryChangePublisher } from "../../functions/src/core/change-events";
import { setDependencies } from "../../functions/src/core/dependencies";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { localDependencies } from "../../functions/src/local/driver";
import { runTraitsSyncLocally } from "../../functions/src/local/traits-sync";
import { type LocalServices, startLocalServices } from "../../local/services";
import { runAdfLocally } from "../../orchestration/local-wiring";
import { examples } from "../contracts/examples";
import { bodyJson, context, request } from "../functions/http-helpers";

jest.setTimeout(300_000);

const DAY = 86_400_000;
let services: LocalServices;
let lakeDir: string;
const databaseName = `e2e-traits-${randomBytes(3).toString("hex")}`;
const lakePrefix = `e${randomBytes(3).toString("hex")}-`;
const changes = new InMemoryChangePublisher();
const syncs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  services = await startLocalServices();
  lakeDir = mkdtempSync(join(tmpdir(), "c360-traits-e2e-"));
});
afterAll(async () => {
  setDependencies(undefined);
  const deps = await localDependencies(services, databaseName, "profiles", lakePrefix);
  await deps.store.container.database.delete().catch(() => undefined);
  for (const c of ["landing", "quarantine", "control", "gold"])
    await deps.lake.service.getContainerClient(lakePrefix + c).deleteIfExists();
  await services.stop();
  rmSync(lakeDir, { recursive: true, force: true });
});

/** One landing file of envelopes, as the real-time path lands them. */
function land(
  source: SourceSystem,
  eventType: "customer_profile" | "order",
  batchId: string,
  events: object[],
) {
  const path = join(lakeDir, "landing", landingPath(source, eventType, new Date(), batchId));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, events.map((e) => JSON.stringify(e)).join("\n") + "\n");
}

function posOrder(n: number, amount: number, daysAgo: number) {
  const order = examples()["order@1.1"]!;
  const at = new Date(Date.now() - daysAgo * DAY - n * 60_000).toISOString();
  order.eventId = `evt-pos-${n}`;
  order.customerId = "POS-77";
  order.occurredAt = at;
  Object.assign(order.payload, {
    orderId: `TXN-77-${n}`,
    orderedAt: at,
    totalAmount: amount,
    taxAmount: 0,
    items: [
      {
        itemId: `TXN-77-${n}-1`,
        productId: "PROD-ABC123",
        category: "Electronics",
        quantity: 1,
        unitPrice: amount,
        totalPrice: amount,
      },
    ],
  });
  return order;
}

async function runMaster(): Promise<string> {
  const { run } = await runAdfLocally({
    lakeDir,
    pipeline: "P_C360_Master",
    parameters: { windowStart: "", windowEnd: "" },
    timeScale: 0,
    traitsSync: async (message) => {
      const { summary } = await runTraitsSyncLocally(
        { services, lakeDir, databaseName, lakePrefix, changes },
        message,
      );
      syncs.push(summary as unknown as Record<string, unknown>);
      return { synced: summary.synced };
    },
  });
  expect(run.status).toBe("Succeeded");
  return run.runId;
}

async function getByPosId() {
  setDependencies(await localDependencies(services, databaseName, "profiles", lakePrefix));
  try {
    const res = await getCustomer(
      request("GET", "customers/POS-77", { params: { id: "POS-77" } }),
      context("getCustomer"),
    );
    expect(res.status).toBe(200);
    return bodyJson(res) as {
      canonicalId: string;
      memberIds: string[];
      traits: { valueTier: string; asOf: string; loadId: string };
    };
  } finally {
    setDependencies(undefined);
  }
}

test("an order moves a customer from Regular to Premium: the API by POS id says Premium, one change event, a second sync publishes nothing", async () => {
  const profile = examples()["customer_profile@1.1"]!;
  profile.eventId = "evt-crm-77";
  profile.customerId = "C-77";
  profile.occurredAt = new Date(Date.now() - 20 * DAY).toISOString();
  Object.assign(profile.payload, {
    customerId: "C-77",
    email: "ana.silva@example.com",
    externalIds: { pos: "POS-77" },
  });
  land("crm", "customer_profile", "crm-1", [profile]);
  // 10 completed purchases of 190: 1,900 spent → Regular (> 500 and > 5 orders; Premium needs > 2,000 and > 10)
  land(
    "pos",
    "order",
    "pos-1",
    Array.from({ length: 10 }, (_, i) => posOrder(i + 1, 190, 3)),
  );

  const load1 = await runMaster();
  expect(syncs).toHaveLength(1);
  expect(syncs[0]).toMatchObject({ loadId: load1, customers: 1, synced: 1, changeEvents: 0 });
  const before = await getByPosId();
  expect(before).toMatchObject({
    canonicalId: "C-77",
    memberIds: ["C-77", "POS-77"],
    traits: { valueTier: "Regular", loadId: load1 },
  });
  expect(changes.published).toHaveLength(0); // the first sync is a backfill

  // The 11th order: 2,100 spent over 11 orders → Premium.
  land("pos", "order", "pos-2", [posOrder(11, 200, 1)]);
  const load2 = await runMaster();
  const after = await getByPosId();
  expect(after).toMatchObject({ canonicalId: "C-77", traits: { valueTier: "Premium", loadId: load2 } });
  expect(Date.parse(after.traits.asOf)).toBeGreaterThan(Date.parse(before.traits.asOf));
  expect(changes.published).toHaveLength(1);
  expect(changes.published[0]).toMatchObject({
    eventType: "customer.profile.updated",
    customerId: "C-77",
    payload: {
      kind: "valueTier",
      oldValue: "Regular",
      newValue: "Premium",
      cause: "batch_traits_sync",
      asOf: after.traits.asOf,
      loadId: load2,
    },
  });

  // A second sync of the same load (the queue redelivering its message) and a later load with nothing new.
  const again = await runTraitsSyncLocally(
    { services, lakeDir, databaseName, lakePrefix, changes },
    JSON.stringify({ loadId: load2 }),
  );
  expect(again.summary.alreadySynced).toBe(true);
  const load3 = await runMaster();
  expect(syncs[syncs.length - 1]).toMatchObject({
    loadId: load3,
    synced: 0,
    skippedUnchanged: 1,
    cosmosRequests: 0,
  });
  expect(changes.published).toHaveLength(1);
});
