/**
 * Resource names: CAF abbreviation + workload prefix + environment + a short stable suffix
 * (from prefix, environment and region) so that globally unique names do not collide between
 * tenants using the same prefix, yet stay identical on every run of the same stack.
 */
import { createHash } from "node:crypto";

import type { C360Config } from "./config";

export interface Naming {
  /** `<abbr>-<prefix>-<env>-<suffix>[-<extra>]`, e.g. `evhns-c360-dev-k3f9`. */
  dashed(abbreviation: string, extra?: string): string;
  /** Lowercase letters/digits only, at most 24 characters (storage accounts, Key Vault). */
  compact(abbreviation: string, extra?: string): string;
  suffix: string;
}

export function stableSuffix(cfg: Pick<C360Config, "namePrefix" | "environment" | "location">): string {
  const digest = createHash("sha256").update(`${cfg.namePrefix}|${cfg.environment}|${cfg.location}`).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(digest.subarray(0, 4), (b) => alphabet[b % alphabet.length]).join("");
}

export function naming(cfg: Pick<C360Config, "namePrefix" | "environment" | "location">): Naming {
  const suffix = stableSuffix(cfg);
  return {
    suffix,
    dashed: (abbreviation, extra) =>
      [abbreviation, cfg.namePrefix, cfg.environment, suffix, extra]
        .filter((p) => p !== undefined && p !== "")
        .join("-"),
    compact: (abbreviation, extra) => {
      const name = `${abbreviation}${cfg.namePrefix}${cfg.environment}${suffix}${extra ?? ""}`
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "");
      if (name.length > 24)
        throw new Error(`name "${name}" is longer than 24 characters; shorten namePrefix`);
      return name;
    },
  };
}
