/**
 * Privacy operations tied to a person: who may erase or export a customer, and the audit record every such request
 * leaves in the control zone. No @azure/functions here; the handler wrapper (functions/_privacy.ts) adapts it.
 *
 * Who: the signed-in principal that App Service authentication (EasyAuth, Entra ID) passes in the
 * `x-ms-client-principal` header — base64 JSON `{auth_typ, name_typ, role_typ, claims: [{typ, val}]}` — and only
 * with the privacy-operator app role among its role claims. App Service strips these headers from client requests
 * when authentication is on, so in Azure the header cannot be forged; the rule therefore refuses to trust it in
 * Azure unless App Service says authentication is on (`WEBSITE_AUTH_ENABLED`). Locally the same rule reads the
 * configured header (`Privacy__principalHeader`), which a developer or test sets.
 */
import { createHash, randomUUID } from "node:crypto";

import type { Lake } from "./lake";

/** App settings of the rule (docs/functions.md); the infra component sets them in Azure. */
export const PRIVACY_SETTINGS = {
  operatorRole: "Privacy__operatorRole",
  principalHeader: "Privacy__principalHeader",
} as const;

/** The app role (value) privacy operators hold on the Function App's Entra ID app registration. */
export const DEFAULT_OPERATOR_ROLE = "Privacy.Operator";
export const DEFAULT_PRINCIPAL_HEADER = "x-ms-client-principal";
const ROLE_CLAIM_TYPES = ["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];
const ID_CLAIM_TYPES = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];
const NAME_CLAIM_TYPES = ["preferred_username", "name", "upn"];

export type PrivacyOperation = "erase" | "export";

export interface Principal {
  /** Entra object id when present, else the name. */
  id: string;
  name: string;
  identityProvider: string;
  roles: string[];
}

export interface PrivacyAccessConfig {
  operatorRole: string;
  principalHeader: string;
  /** Running in App Service (WEBSITE_SITE_NAME set). */
  inAzure: boolean;
  /** App Service authentication is on (WEBSITE_AUTH_ENABLED=True). */
  platformAuthEnabled: boolean;
}

type Env = Record<string, string | undefined>;

export function privacyAccessConfig(env: Env = process.env): PrivacyAccessConfig {
  return {
    operatorRole: env[PRIVACY_SETTINGS.operatorRole] || DEFAULT_OPERATOR_ROLE,
    principalHeader: (env[PRIVACY_SETTINGS.principalHeader] || DEFAULT_PRINCIPAL_HEADER).toLowerCase(),
    inAzure: !!env.WEBSITE_SITE_NAME,
    platformAuthEnabled: (env.WEBSITE_AUTH_ENABLED ?? "").toLowerCase() === "true",
  };
}

interface ClientPrincipal {
  auth_typ?: unknown;
  name_typ?: unknown;
  role_typ?: unknown;
  claims?: unknown;
}

/** Decodes an `x-ms-client-principal` value; undefined when absent or malformed (treated as not signed in). */
export function decodePrincipal(header: string | null | undefined): Principal | undefined {
  if (!header) return undefined;
  let parsed: ClientPrincipal;
  try {
    parsed = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as ClientPrincipal;
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object" || !Array.isArray(parsed.claims)) return undefined;
  const claims = (parsed.claims as unknown[]).filter(
    (c): c is { typ: string; val: string } =>
      !!c &&
      typeof (c as { typ?: unknown }).typ === "string" &&
      typeof (c as { val?: unknown }).val === "string",
  );
  const of = (types: string[]) => claims.filter((c) => types.includes(c.typ)).map((c) => c.val);
  const roleTypes =
    typeof parsed.role_typ === "string" ? [parsed.role_typ, ...ROLE_CLAIM_TYPES] : ROLE_CLAIM_TYPES;
  const nameTypes =
    typeof parsed.name_typ === "string" ? [parsed.name_typ, ...NAME_CLAIM_TYPES] : NAME_CLAIM_TYPES;
  const name = of(nameTypes)[0] ?? "";
  const id = of(ID_CLAIM_TYPES)[0] ?? name;
  if (!id) return undefined;
  return {
    id,
    name,
    identityProvider: typeof parsed.auth_typ === "string" ? parsed.auth_typ : "unknown",
    roles: [...new Set(of(roleTypes))],
  };
}

export type AccessDecision =
  | { allowed: true; principal: Principal }
  | { allowed: false; status: 401 | 403 | 503; reason: string; principal?: Principal };

/** The rule: a signed-in principal holding the operator role; in Azure only behind App Service authentication. */
export function decidePrivacyAccess(
  headers: { get(name: string): string | null },
  config: PrivacyAccessConfig,
): AccessDecision {
  if (config.inAzure && !config.platformAuthEnabled)
    return {
      allowed: false,
      status: 503,
      reason:
        "App Service authentication is off: the caller cannot be identified, so no privacy operation runs",
    };
  const principal = decodePrincipal(headers.get(config.principalHeader));
  if (!principal)
    return { allowed: false, status: 401, reason: "sign in with Entra ID to erase or export a customer" };
  if (!principal.roles.includes(config.operatorRole))
    return {
      allowed: false,
      status: 403,
      reason: `the app role ${config.operatorRole} is required to erase or export a customer`,
      principal,
    };
  return { allowed: true, principal };
}

/** The customer as the audit names them: a SHA-256 of the id, so the audit trail holds no personal id. */
export function customerHash(customerId: string): string {
  return createHash("sha256").update(customerId, "utf8").digest("hex");
}

export interface PrivacyAuditRecord {
  auditId: string;
  operation: PrivacyOperation;
  at: string;
  /** Who: the principal (object id and sign-in name), or null when nobody signed in. */
  principal: { id: string; name: string; identityProvider: string } | null;
  customerIdSha256: string;
  /** HTTP status answered: 2xx done, 401/403 refused, 404 nothing held, 5xx failed. */
  status: number;
  outcome: "done" | "refused" | "not_found" | "failed";
  /** What the operation removed or exported, by kind (empty when refused or failed). */
  counts: Record<string, number>;
}

export const PRIVACY_AUDIT_PREFIX = "privacy_audit/";

/** control/privacy_audit/<date>/<auditId>.json, written once (never overwritten). */
export async function writePrivacyAudit(lake: Lake, record: PrivacyAuditRecord): Promise<string> {
  const path = `${PRIVACY_AUDIT_PREFIX}${record.at.slice(0, 10)}/${record.auditId}.json`;
  await lake.writeOnce("control", path, JSON.stringify(record) + "\n");
  return path;
}

export function auditRecord(
  operation: PrivacyOperation,
  customerId: string,
  status: number,
  principal: Principal | undefined,
  counts: Record<string, number>,
  now: Date = new Date(),
): PrivacyAuditRecord {
  return {
    auditId: randomUUID(),
    operation,
    at: now.toISOString(),
    principal: principal
      ? { id: principal.id, name: principal.name, identityProvider: principal.identityProvider }
      : null,
    customerIdSha256: customerHash(customerId),
    status,
    outcome:
      status === 401 || status === 403
        ? "refused"
        : status === 404
          ? "not_found"
          : status >= 200 && status < 300
            ? "done"
            : "failed",
    counts,
  };
}

/** Counts from an erase or export reply body: numbers as they are, booleans as 0/1, arrays by length. */
export function operationCounts(operation: PrivacyOperation, body: unknown): Record<string, number> {
  if (!body || typeof body !== "object") return {};
  const b = body as Record<string, unknown>;
  const counts: Record<string, number> = {};
  if (operation === "erase") {
    if (typeof b.profileDeleted === "boolean") counts.profilesErased = b.profileDeleted ? 1 : 0;
    for (const [k, v] of Object.entries(b)) if (typeof v === "number") counts[k] = v;
    return counts;
  }
  for (const [k, v] of Object.entries(b)) {
    if (Array.isArray(v)) counts[k] = v.length;
    else if (k === "profile") counts.profile = v ? 1 : 0;
    else if (v && typeof v === "object" && !Array.isArray(v)) {
      // a store section: count its arrays (e.g. lake: { landing: [...], bronze: [...] })
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>))
        if (Array.isArray(v2)) counts[`${k}.${k2}`] = v2.length;
    }
  }
  return counts;
}
