/**
 * Identity guards on the batch path: a phone or email links profiles only when the contracts' normalization
 * accepts it and no more profiles share it than IDENTITY_RULES.maxProfilesPerIdentifier; refused links are listed
 * in silver.identity_links with their reason and the hashed evidence, clusters carry their size and rules.
 */
import { IDENTITY_RULES } from "../../contracts";
import { runPipeline } from "../../pipeline";
import { env, readTable, tempLake, writeLanding } from "./fixture";

jest.setTimeout(120_000);

const profile = (id: string, email: string, phone?: string) =>
  env(`ev-${id}`, "customer_profile", "crm", "2024-04-10T08:00:00Z", id, {
    customerId: id,
    firstName: "Pat",
    lastName: `Person${id}`,
    email,
    ...(phone === undefined ? {} : { phone }),
    registrationDate: "2024-01-01",
    status: "ACTIVE",
    customerSegment: "BASIC",
    loyaltyTier: "BRONZE",
    loyaltyPoints: 0,
    consent: { email: false, sms: false },
  });

describe("identity guards (silver.customer_identity, silver.identity_links)", () => {
  const lake = tempLake();
  let identity: Record<string, unknown>[] = [];
  let links: Record<string, unknown>[] = [];
  let customers: Record<string, unknown>[] = [];
  const limit = IDENTITY_RULES.maxProfilesPerIdentifier;
  // A store's phone typed into more profiles than the limit allows: strangers.
  const storeIds = Array.from({ length: limit + 2 }, (_, i) => `S${i + 1}`);

  beforeAll(async () => {
    writeLanding(lake, "crm", "customer_profile", "2024-04-10", "p.jsonl", [
      // one person, CRM and POS ids: same email, written differently
      profile("A1", "ann.lee@example.com", "(415) 555-2671"),
      profile("A2", " Ann.Lee@EXAMPLE.com ", "+1 617 555 0188"),
      // a placeholder phone: invalid by the contract, so the profiles are quarantined and link nothing
      profile("Z1", "zed@example.com", "+1 000 000 0000"),
      profile("Z2", "zoe@example.com", "000-000-0000"),
      // same phone, different format: one person
      profile("B1", "bo@example.com", "+1 212-555-0142"),
      profile("B2", "bo.work@example.org", "212.555.0142"),
      ...storeIds.map((id) => profile(id, `${id.toLowerCase()}@example.net`, "+1 303 555 0100")),
    ]);
    const s = await runPipeline({
      lakeDir: lake,
      loadId: "G1",
      windowEnd: "2024-04-11",
      layers: ["bronze", "silver"],
    });
    expect(s.status).toBe("succeeded");
    identity = await readTable(lake, "silver.customer_identity", "source_customer_id");
    links = await readTable(lake, "silver.identity_links", "customer_id, rule");
    customers = await readTable(lake, "silver.customers", "customer_id");
  });

  const keyOf = (id: string) => identity.find((r) => r.source_customer_id === id)?.customer_key;

  test("true duplicates merge: the same email in two spellings, the same phone in two formats", () => {
    expect(keyOf("A2")).toBe("A1");
    expect(keyOf("B2")).toBe("B1");
    expect(identity.find((r) => r.source_customer_id === "A2")?.match_rule).toBe("email");
    expect(identity.find((r) => r.source_customer_id === "B2")?.match_rule).toBe("phone");
  });

  test("a placeholder phone is invalid by the contract: those profiles are quarantined and merge nobody", () => {
    expect(customers.map((c) => c.customer_id)).not.toContain("Z1");
    expect(customers.map((c) => c.customer_id)).not.toContain("Z2");
    expect(keyOf("Z1")).toBeUndefined();
  });

  test("an identifier shared by more profiles than the limit links none of them; the refusal is recorded", () => {
    for (const id of storeIds) expect(keyOf(id)).toBe(id);
    const refused = links.filter((l) => l.link_status === "refused");
    expect(refused.map((l) => l.customer_id).sort()).toEqual(storeIds.slice(1).sort());
    for (const l of refused) {
      expect(l).toMatchObject({
        rule: "phone",
        refusal_reason: "shared_beyond_limit",
        profiles_sharing: String(limit + 2),
        anchor_customer_id: "S1",
      });
      expect(l.evidence_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(l)).not.toContain("555");
    }
  });

  test("every link made is listed with both records, the rule and the cluster", () => {
    const made = links.filter((l) => l.link_status === "linked");
    expect(made.map((l) => [l.anchor_customer_id, l.customer_id, l.rule])).toEqual([
      ["A1", "A2", "email"],
      ["B1", "B2", "phone"],
    ]);
    for (const l of made) expect(l).toMatchObject({ customer_key: l.anchor_customer_key, cluster_size: "2" });
    const a1 = identity.find((r) => r.source_customer_id === "A1")!;
    expect(a1).toMatchObject({ cluster_size: "2", cluster_rules: "email,source_id" });
    expect(identity.find((r) => r.source_customer_id === "S1")).toMatchObject({ cluster_size: "1" });
  });
});
