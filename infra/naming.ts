/**
 * Resource names: CAF abbreviation + workload prefix + environment + a 4-character suffix.
 *
 * Storage accounts, Key Vault, Cosmos DB, Event Hubs, Data Factory and the Function App need
 * globally unique names. The suffix is a hash of the **Azure subscription id** (read by the
 * program from the deploying identity, `getClientConfig`) with prefix, environment, region and
 * the stack's `nameGeneration`:
 * - two organisations deploying the committed stack files get different names (different
 *   subscriptions), while every run of one stack in one subscription gets the same names;
 * - bumping `nameGeneration` moves every global name to a fresh suffix, e.g. to redeploy within
 *   90 days of a `pulumi destroy`, while Key Vault purge protection still reserves the old name.
 */
import { createHash } from "node:crypto";

import * as pulumi from "@pulumi/pulumi";

import type { C360Config } from "./config";

export type NamingConfig = Pick<C360Config, "namePrefix" | "environment" | "location" | "nameGeneration">;

export const SUFFIX_LENGTH = 4;
/** Storage account and Key Vault names: 3-24 lowercase letters and digits. */
export const COMPACT_MAX_LENGTH = 24;

/** The suffix for one subscription and stack config (pure; the program feeds it the subscription id). */
export function nameSuffix(cfg: NamingConfig, subscriptionId: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subscriptionId))
    throw new Error(`subscription id "${subscriptionId}" is not a GUID`);
  const seed = [
    subscriptionId.toLowerCase(),
    cfg.namePrefix,
    cfg.environment,
    cfg.location,
    cfg.nameGeneration,
  ];
  const digest = createHash("sha256").update(seed.join("|")).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(digest.subarray(0, SUFFIX_LENGTH), (b) => alphabet[b % alphabet.length]).join("");
}

/** `<abbr>-<prefix>-<env>-<suffix>[-<extra>]`, e.g. `evhns-c360-dev-k3f9`. */
export function dashedName(cfg: NamingConfig, suffix: string, abbreviation: string, extra?: string): string {
  return [abbreviation, cfg.namePrefix, cfg.environment, suffix, extra]
    .filter((p) => p !== undefined && p !== "")
    .join("-");
}

/** Lowercase letters/digits only, at most 24 characters (storage accounts, Key Vault). */
export function compactName(cfg: NamingConfig, suffix: string, abbreviation: string, extra?: string): string {
  const name = `${abbreviation}${cfg.namePrefix}${cfg.environment}${suffix}${extra ?? ""}`
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
  if (name.length > COMPACT_MAX_LENGTH)
    throw new Error(`name "${name}" is longer than ${COMPACT_MAX_LENGTH} characters; shorten namePrefix`);
  return name;
}

export interface Naming {
  dashed(abbreviation: string, extra?: string): pulumi.Output<string>;
  compact(abbreviation: string, extra?: string): pulumi.Output<string>;
  suffix: pulumi.Output<string>;
}

export function naming(cfg: NamingConfig, subscriptionId: pulumi.Input<string>): Naming {
  const suffix = pulumi.output(subscriptionId).apply((id) => nameSuffix(cfg, id));
  return {
    suffix,
    dashed: (abbreviation, extra) => suffix.apply((s) => dashedName(cfg, s, abbreviation, extra)),
    compact: (abbreviation, extra) => {
      // The length does not depend on the suffix's characters: fail now, before any resource exists.
      compactName(cfg, "x".repeat(SUFFIX_LENGTH), abbreviation, extra);
      return suffix.apply((s) => compactName(cfg, s, abbreviation, extra));
    },
  };
}
