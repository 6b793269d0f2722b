/**
 * The unified read and the identifier lookups (GET /api/customers/{id}, GET /api/customers?email|phone|externalId)
 * against the Cosmos DB server, after a traits sync: any source id of a cluster answers with the canonical
 * customer; lookups are point reads on the index; erasure makes every identifier answer 404.
 */
import { InMemoryChangePublisher } from "../../functions/src/core/change-events";
import { emptyProfile } from "../../functions/src/core/profile";
import { syncProfileTraits } from "../../functions/src/core/traits-sync";
import { deleteCustomer } from "../../functions/src/functions/deleteCustomer";
import { findCustomer } from "../../functions/src/functions/findCustomer";
import { getCustomer } from "../../functions/src/functions/getCustomer";
import { type Fixture, fixture } from "./helpers";
import { bodyJson, contentType, context, request } from "./http-helpers";
import { extractRow, writeExtract } from "./traits-helpers";

jest.setTimeout(120_000);

let fx: Fixture;

beforeAll(async () => {
  fx = await fixture("lookup");
  const profile = emptyProfile("C000001");
  profile.personal = { firstName: "Ana", email: "ana@example.com" };
  profile.orders.count = 3;
  await fx.deps.store.write(profile, undefined);
  await writeExtract(fx.deps.lake, "L1", [
    extractRow("C000001", {
      source_ids: ["C000001", "POS-1", "WEB-9"],
      external_ids: ["POS-1"],
      emails: ["ana@example.com"],
      phones: ["+14155552671"],
      value_tier: "Premium",
    }),
    extractRow("C000002"),
  ]);
  await syncProfileTraits(
    {
      lake: fx.deps.lake,
      profiles: fx.deps.store.container,
      index: fx.deps.index!,
      changes: new InMemoryChangePublisher(),
    },
    "L1",
  );
});
afterAll(async () => {
  await fx.deps.lake.service.getContainerClient(fx.prefix + "gold").deleteIfExists();
  await fx.cleanup();
});

const get = (id: string) =>
  getCustomer(request("GET", `customers/${id}`, { params: { id } }), context("getCustomer"));
const find = (query: string) => findCustomer(request("GET", `customers?${query}`), context("findCustomer"));

test("GET by any source id of the cluster returns the unified profile naming the canonical id", async () => {
  for (const id of ["C000001", "POS-1", "WEB-9"]) {
    const res = await get(id);
    expect(res.status).toBe(200);
    const body = bodyJson(res);
    expect(body).toMatchObject({
      customerId: "C000001",
      canonicalId: "C000001",
      requestedBy: { kind: "id", value: id },
      memberIds: ["C000001", "POS-1", "WEB-9"],
      personal: { firstName: "Ana" },
      orders: { count: 3 },
      traits: {
        valueTier: "Premium",
        asOf: "2026-03-10T02:00:00.000Z",
        asOfDate: "2026-03-10",
        loadId: "L1",
      },
    });
    expect(body.idempotency).toBeUndefined();
  }
});

test("a customer with batch traits but no real-time profile is served from its traits", async () => {
  const body = bodyJson(await get("POS-2"));
  expect(body).toMatchObject({
    customerId: "C000002",
    canonicalId: "C000002",
    traits: { valueTier: "Regular" },
  });
  expect(body.orders).toBeUndefined();
});

test("lookup by normalized email, by phone in any format, by external id; point reads only", async () => {
  const index = fx.deps.index!;
  const reads = { index: index.stats.reads, store: fx.deps.store.stats.reads };
  const query = jest.spyOn(fx.deps.store.container.items, "query");
  const byEmail = await find(`email=${encodeURIComponent("  Ana@Example.COM ")}`);
  expect(byEmail.status).toBe(200);
  expect(bodyJson(byEmail)).toMatchObject({
    canonicalId: "C000001",
    requestedBy: { kind: "email", value: "ana@example.com" },
  });
  expect(index.stats.reads - reads.index).toBe(1); // one point read on the index
  expect(fx.deps.store.stats.reads - reads.store).toBe(2); // profile + traits document, in one partition
  expect(query).not.toHaveBeenCalled();
  query.mockRestore();
  expect(bodyJson(await find(`phone=${encodeURIComponent("(415) 555-2671")}`)).canonicalId).toBe("C000001");
  expect(bodyJson(await find("externalId=POS-1")).canonicalId).toBe("C000001");
  const unknown = await find("email=nobody@example.com");
  expect(unknown.status).toBe(404);
  expect(contentType(unknown)).toBe("application/problem+json");
});

test("a lookup needs exactly one valid identifier", async () => {
  for (const [q, code] of [
    ["", "invalid_lookup"],
    ["email=a@example.com&phone=%2B14155552671", "invalid_lookup"],
    ["email=not-an-email", "invalid_email"],
    ["phone=12", "invalid_phone"],
    ["externalId=..%2Fx", "invalid_identifier"],
  ]) {
    const res = await find(q!);
    expect(res.status).toBe(400);
    expect(contentType(res)).toBe("application/problem+json");
    expect((bodyJson(res).errors as Array<{ code: string }>)[0]!.code).toBe(code);
  }
});

test("erasure removes the index entries: every identifier of the customer answers 404", async () => {
  const res = await deleteCustomer(
    request("DELETE", "customers/C000001", { params: { id: "C000001" } }),
    context("deleteCustomer"),
  );
  expect(res.status).toBe(202);
  expect(bodyJson(res)).toMatchObject({ profileDeleted: true, indexEntriesRemoved: 5 });
  for (const id of ["C000001", "POS-1", "WEB-9"]) expect((await get(id)).status).toBe(404);
  expect((await find("email=ana@example.com")).status).toBe(404);
  expect((await find("phone=%2B14155552671")).status).toBe(404);
  expect((await get("POS-2")).status).toBe(200);
});
