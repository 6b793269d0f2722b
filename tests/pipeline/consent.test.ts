/**
 * Consent gates the batch path's marketing uses: gold.marketing_consent (the latest statement per customer, per
 * channel, with its time), personalization features only for consented customers, lead scores flagged. A withdrawal
 * landed after one gold run takes effect in the next.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { MARKETING_CHANNELS } from "../../contracts";
import { runPipeline } from "../../pipeline";
import { env, readTable, tempLake, writeDay1, writeDay2, writeLanding } from "./fixture";

jest.setTimeout(120_000);

const withdrawal = (occurredAt: string, updatedAt: string) =>
  env("ev-consent-c1", "customer_profile", "crm", occurredAt, "C1", {
    customerId: "C1",
    firstName: "Ann",
    lastName: "Lee",
    email: "ann.lee@example.com",
    phone: "415-555-2671",
    customerSegment: "STANDARD",
    loyaltyTier: "SILVER",
    loyaltyPoints: 10,
    registrationDate: "2024-01-01",
    status: "ACTIVE",
    consent: { email: false, sms: false, updatedAt },
  });

describe("consent on the batch path", () => {
  const lake = tempLake();

  const consentOf = async () =>
    (await readTable(lake, "gold.marketing_consent", "customer_key")).map((r) => [
      r.customer_key,
      r.consent_email,
      r.consent_sms,
      r.has_marketing_consent,
    ]);
  const personalized = async () => [
    ...new Set(
      (await readTable(lake, "gold.personalization_features", "customer_key")).map((r) => r.customer_key),
    ),
  ];
  const leadFlags = async () =>
    (await readTable(lake, "gold.lead_scores", "customer_key")).map((r) => [
      r.customer_key,
      r.has_marketing_consent,
    ]);

  test("consented customers are personalized and flagged contactable; no statement is no consent", async () => {
    writeDay1(lake);
    writeDay2(lake);
    expect((await runPipeline({ lakeDir: lake, loadId: "L1", windowEnd: "2024-05-01" })).status).toBe(
      "succeeded",
    );
    expect(await consentOf()).toEqual([
      ["C1", true, false, true],
      ["C3", true, false, true],
      ["U9", false, false, false], // orders only: no profile, no statement
    ]);
    expect(await personalized()).toEqual(["C1", "C3"]);
    expect(await leadFlags()).toEqual([
      ["C1", true],
      ["C3", true],
      ["U9", false],
    ]);
  });

  test("a withdrawal takes effect in the next gold run, timed by its own updatedAt (never after its record)", async () => {
    writeLanding(lake, "crm", "customer_profile", "2024-04-26", "crm-consent.jsonl", [
      withdrawal("2024-04-26T08:00:00Z", "2024-04-25T12:00:00Z"),
    ]);
    expect((await runPipeline({ lakeDir: lake, loadId: "L2", windowEnd: "2024-05-01" })).status).toBe(
      "succeeded",
    );
    expect(await consentOf()).toEqual([
      ["C1", false, false, false],
      ["C3", true, false, true],
      ["U9", false, false, false],
    ]);
    const c1 = (await readTable(lake, "gold.marketing_consent", "customer_key"))[0]!;
    expect(c1.consent_updated_at).toBe("2024-04-25 12:00:00+00");
    expect(await personalized()).toEqual(["C3"]);
    expect(await leadFlags()).toEqual([
      ["C1", false],
      ["C3", true],
      ["U9", false],
    ]);
  });

  test("the model's channels are contracts/consent.ts MARKETING_CHANNELS (one rule, one place)", () => {
    const sql = readFileSync(join(__dirname, "..", "..", "models", "gold", "marketing_consent.sql"), "utf8");
    const rule = /coalesce\(s\.consent_email, false\) OR .* AS has_marketing_consent/.exec(sql)?.[0] ?? "";
    expect([...rule.matchAll(/s\.consent_([a-z]+)/g)].map((m) => m[1])).toEqual([...MARKETING_CHANNELS]);
  });
});
