/** The manifest a generator run writes next to its output: what was generated and which defects it holds. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { EventType, SourceSystem } from "../contracts";
import type { DefectKind } from "./defects";
import type { ResolvedOptions } from "./generate";
import type { IdentityTruth } from "./identity";

export const MANIFEST_FILE = "manifest.json";

export interface Manifest {
  generator: "c360 generate";
  formatVersion: 1;
  seed: number;
  options: ResolvedOptions;
  window: { start: string; end: string; days: number };
  customers: number;
  products: number;
  counts: {
    /** Generated events on the stream (originals; redelivered copies are not counted here). */
    events: number;
    /** Lines delivered: events plus duplicate copies. */
    lines: number;
    byType: Record<EventType, number>;
    bySource: Record<SourceSystem, number>;
  };
  /** Injected defects actually present in the output, per kind. */
  defects: Record<DefectKind, number>;
  /** Ground truth for identity resolution: planted true duplicates (must merge) and traps (must not). */
  identity: IdentityTruth;
  /** What a consumer should end up with, for reconciliation. */
  expected: {
    lines: number;
    unparseableLines: number;
    /** Parseable lines that fail validateEvent (bad email/phone, missing field, unknown version). */
    invalidEvents: number;
    /** Lines validateEvent accepts (including duplicates, late, unknown-customer and warning-only events). */
    validEvents: number;
    /** validEvents without the redelivered copies: what an idempotent consumer keeps. */
    uniqueValidEvents: number;
    /** Valid events whose customer id is not in reference/customer_ids.txt. */
    unknownCustomerEvents: number;
    /** Valid events carrying an unexpected_field warning. */
    warningEvents: number;
  };
  files: {
    /** Relative to the output directory, in delivery order. */
    stream: string[];
    /** Relative to the lake directory (landingAll only). */
    landing: string[];
    /** Relative to the lake directory: the catalog as CSV and JSONL extracts. */
    catalog: string[];
    /** Relative to the output directory: one valid customer id per line. */
    customerIds: string;
  };
  memory: { peakBufferedEvents: number; maxBufferedEvents: number };
}

export async function writeManifest(out: string, manifest: Manifest): Promise<void> {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
}
