/**
 * Storage queue `traits-sync` → the batch traits sync of one gold load (core/traits-sync.ts). The ADF master
 * pipeline enqueues `{"loadId": "<run id>"}` after gold succeeded (activity Sync_Profile_Traits). A failed sync
 * throws, so the queue redelivers the message (host.json `maxDequeueCount`); the sync resumes idempotently, and a
 * finished load is not applied twice.
 */
import type { InvocationContext } from "@azure/functions";

import { ConfigurationError } from "../core/config";
import { getDependencies } from "../core/dependencies";
import { syncProfileTraits, type TraitsSyncSummary } from "../core/traits-sync";

export class InvalidSyncRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSyncRequest";
  }
}

/** The message: an object or its JSON text with a `loadId` of letters, digits and `_ . = -`. */
export function loadIdOf(message: unknown): string {
  let body = message;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      throw new InvalidSyncRequest("the traits sync message is not JSON");
    }
  }
  const loadId = (body as { loadId?: unknown } | null)?.loadId;
  if (typeof loadId !== "string" || !/^[A-Za-z0-9_.=-]{1,128}$/.test(loadId))
    throw new InvalidSyncRequest("the traits sync message needs a loadId (letters, digits, _ . = -)");
  return loadId;
}

export async function applyProfileTraits(
  message: unknown,
  context: InvocationContext,
): Promise<TraitsSyncSummary> {
  const loadId = loadIdOf(message);
  const deps = await getDependencies();
  if (!deps.index || !deps.changes)
    throw new ConfigurationError(
      "the traits sync needs the identifier index and the profile-changes publisher",
    );
  const summary = await syncProfileTraits(
    { lake: deps.lake, profiles: deps.store.container, index: deps.index, changes: deps.changes },
    loadId,
  );
  context.log(
    `traits sync ${loadId}: ${summary.synced} synced, ${summary.skippedUnchanged} unchanged, ${summary.changeEvents} change events${summary.alreadySynced ? " (already synced)" : ""}`,
  );
  return summary;
}
