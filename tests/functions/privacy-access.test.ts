/**
 * Privacy operations tied to a person: erase and export need a signed-in principal with the privacy-operator app role
 * (the EasyAuth `x-ms-client-principal` header), and every request — allowed or refused — writes an audit record to
 * the control zone with who, when, the customer as a SHA-256 and what was removed or exported.
 */
import { createHash } from "node:crypto";

import { app, type HttpHandler } from "@azure/functions";

import type { AnyEvent } from "../../contracts";
import {
  decidePrivacyAccess,
  decodePrincipal,
  PRIVACY_AUDIT_PREFIX,
  type PrivacyAccessConfig,
  privacyAccessConfig,
  type PrivacyAuditRecord,
} from "../../functions/src/core/privacy-access";
import { deliver, LocalEventHub } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture } from "./helpers";
import { bodyJson, context, request } from "./http-helpers";

/** The header App Service authentication passes (base64 JSON of the signed-in principal's claims). */
function easyAuthHeader(claims: { typ: string; val: string }[]): string {
  return Buffer.from(
    JSON.stringify({
      auth_typ: "aad",
      name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
      role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
      claims,
    }),
  ).toString("base64");
}
const OPERATOR = easyAuthHeader([
  { typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: "oid-operator-1" },
  { typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", val: "dpo@example.com" },
  { typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", val: "Privacy.Operator" },
]);
const ANALYST = easyAuthHeader([
  { typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: "oid-analyst-2" },
  { typ: "preferred_username", val: "analyst@example.com" },
  { typ: "roles", val: "Reports.Read" },
]);
const headersOf = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const local: PrivacyAccessConfig = privacyAccessConfig({});

describe("the rule", () => {
  test("reads the EasyAuth principal: object id, sign-in name, roles of the role claim type", () => {
    expect(decodePrincipal(OPERATOR)).toEqual({
      id: "oid-operator-1",
      name: "dpo@example.com",
      identityProvider: "aad",
      roles: ["Privacy.Operator"],
    });
    expect(decodePrincipal(ANALYST)?.roles).toEqual(["Reports.Read"]);
    for (const bad of ["", "not base64 json", Buffer.from('{"claims":"x"}').toString("base64")])
      expect(decodePrincipal(bad)).toBeUndefined();
  });

  test("no principal → 401, no operator role → 403, operator → allowed", () => {
    expect(decidePrivacyAccess(headersOf({}), local)).toMatchObject({ allowed: false, status: 401 });
    expect(decidePrivacyAccess(headersOf({ "x-ms-client-principal": ANALYST }), local)).toMatchObject({
      allowed: false,
      status: 403,
      principal: { id: "oid-analyst-2" },
    });
    expect(decidePrivacyAccess(headersOf({ "x-ms-client-principal": OPERATOR }), local)).toMatchObject({
      allowed: true,
      principal: { id: "oid-operator-1" },
    });
  });

  test("the header and role are configurable; in Azure the header is trusted only behind App Service authentication", () => {
    const custom = privacyAccessConfig({
      Privacy__principalHeader: "X-Test-Principal",
      Privacy__operatorRole: "Dpo",
    });
    const dpo = easyAuthHeader([
      { typ: "roles", val: "Dpo" },
      { typ: "oid", val: "o-3" },
    ]);
    expect(decidePrivacyAccess(headersOf({ "x-test-principal": dpo }), custom)).toMatchObject({
      allowed: true,
    });
    expect(decidePrivacyAccess(headersOf({ "x-ms-client-principal": dpo }), custom)).toMatchObject({
      status: 401,
    });
    const azureNoAuth = privacyAccessConfig({ WEBSITE_SITE_NAME: "func-c360-dev" });
    expect(decidePrivacyAccess(headersOf({ "x-ms-client-principal": OPERATOR }), azureNoAuth)).toMatchObject({
      allowed: false,
      status: 503,
    });
    const azure = privacyAccessConfig({ WEBSITE_SITE_NAME: "func-c360-dev", WEBSITE_AUTH_ENABLED: "True" });
    expect(decidePrivacyAccess(headersOf({ "x-ms-client-principal": OPERATOR }), azure)).toMatchObject({
      allowed: true,
    });
  });
});

describe("the registered erase and export endpoints", () => {
  let f: Fixture;
  let erase: HttpHandler;
  let exportData: HttpHandler;
  let exportStatusOf: HttpHandler;
  const hub = new LocalEventHub(1);
  const id = "C777001";
  const sha = createHash("sha256").update(id).digest("hex");

  beforeAll(async () => {
    f = await fixture("privacy");
    const http = jest.spyOn(app, "http").mockImplementation(() => undefined);
    jest.spyOn(app, "eventHub").mockImplementation(() => undefined);
    jest.spyOn(app, "setup").mockImplementation(() => undefined);
    await import("../../functions/src/index");
    const handler = (name: string) => http.mock.calls.find(([n]) => n === name)![1].handler;
    erase = handler("deleteCustomer");
    exportData = handler("exportCustomer");
    exportStatusOf = handler("getCustomerExport");
    jest.restoreAllMocks();
    const events = syntheticEvents({ events: 30, customers: 1, seed: 7 }).map(
      (e) => JSON.parse(JSON.stringify(e).replaceAll("C000000", id)) as AnyEvent,
    );
    hub.send(events);
    for (const { stream, partitionId, messages } of hub.partitionsWithMessages())
      await deliver({ stream, partitionId, messages });
  });
  afterAll(async () => {
    await f.cleanup();
  });

  async function audits(): Promise<PrivacyAuditRecord[]> {
    const out: PrivacyAuditRecord[] = [];
    for (const path of await f.deps.lake.list("control", PRIVACY_AUDIT_PREFIX)) {
      const text = (await f.deps.lake.read("control", path)) ?? "";
      expect(text).not.toContain(id); // the audit trail names the customer by hash only
      out.push(JSON.parse(text) as PrivacyAuditRecord);
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
  const call = (h: HttpHandler, method: string, principal?: string) =>
    h(
      request(method, `customers/${id}`, {
        params: { id },
        headers: principal ? { "x-ms-client-principal": principal } : {},
      }),
      context("privacy"),
    ) as Promise<{ status?: number; body?: unknown; headers?: Record<string, string> }>;

  test("refused without a principal or without the role, each refusal audited; nothing erased", async () => {
    const anonymous = await call(erase, "DELETE");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers?.["www-authenticate"]).toBe("Bearer");
    expect(bodyJson(anonymous as never)).toMatchObject({
      type: "https://c360.dev/problems/unauthenticated",
      status: 401,
    });
    const analyst = await call(exportData, "POST", ANALYST);
    expect(analyst.status).toBe(403);
    expect((await f.deps.store.read(id))?.doc.customerId).toBe(id); // still a profile, not erased
    const records = await audits();
    expect(
      records.map((r) => [r.operation, r.status, r.outcome, r.principal?.id ?? null, r.customerIdSha256]),
    ).toEqual([
      ["erase", 401, "refused", null, sha],
      ["export", 403, "refused", "oid-analyst-2", sha],
    ]);
    expect(records.every((r) => Object.keys(r.counts).length === 0)).toBe(true);
  });

  test("an operator's export and erase run and are audited with who, when and the counts", async () => {
    const before = Date.now();
    const exported = await call(exportData, "POST", OPERATOR);
    expect(exported.status).toBe(202);
    const job = bodyJson(exported as never) as { jobId: string; status: string };
    expect(job.status).toBe("pending");
    // The job's status, before the export step ran: pending (the whole document and its per-store counts:
    // person-export.test.ts).
    const status = (await exportStatusOf(
      request("GET", `customers/${id}/export/${job.jobId}`, {
        params: { id, jobId: job.jobId },
        headers: { "x-ms-client-principal": OPERATOR },
      }),
      context("privacy"),
    )) as { status?: number };
    expect(status.status).toBe(202);
    const erased = await call(erase, "DELETE", OPERATOR);
    expect(erased.status).toBe(202);
    expect(await f.deps.store.read(id)).toBeUndefined();
    const records = (await audits()).slice(2);
    expect(records.map((r) => [r.operation, r.status, r.outcome, r.principal])).toEqual([
      ["export", 202, "done", { id: "oid-operator-1", name: "dpo@example.com", identityProvider: "aad" }],
      ["export", 202, "done", { id: "oid-operator-1", name: "dpo@example.com", identityProvider: "aad" }],
      ["erase", 202, "done", { id: "oid-operator-1", name: "dpo@example.com", identityProvider: "aad" }],
    ]);
    expect(records[2]!.counts).toMatchObject({
      profilesErased: 1,
      quarantineRecordsRemoved: expect.any(Number),
    });
    for (const r of records) {
      expect(r.customerIdSha256).toBe(sha);
      expect(Date.parse(r.at)).toBeGreaterThanOrEqual(before - 1000);
    }
  });
});
