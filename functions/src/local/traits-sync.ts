/**
 * `npm start`'s traits sync: what the queue-triggered `applyProfileTraits` does in Azure, run on this machine
 * against the same local Cosmos database and Azurite containers as the real-time leg. The gold export of the load
 * is copied from the local lake directory into the Azurite `gold` container (in Azure, the notebook writes it
 * straight to the lake), then the registered handler runs with the queue message ADF sent.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { InvocationContext } from "@azure/functions";

import { exportPath, type ProfileChangeEvent } from "../../../contracts";
import { InMemoryChangePublisher } from "../core/change-events";
import { setDependencies } from "../core/dependencies";
import { TRAITS_MODEL, type TraitsSyncSummary } from "../core/traits-sync";
import { applyProfileTraits } from "../functions/applyProfileTraits";
import { localDependencies, type RealtimeOptions } from "./driver";

export interface LocalTraitsSyncOptions {
  services: RealtimeOptions["services"];
  lakeDir: string;
  /** The same database and container prefix as the real-time leg, so the traits land beside its profiles. */
  databaseName: string;
  lakePrefix: string;
  /** Receives the change events (default: a fresh in-memory publisher, returned). */
  changes?: InMemoryChangePublisher;
}

export interface LocalTraitsSyncResult {
  summary: TraitsSyncSummary;
  events: ProfileChangeEvent[];
}

/** Copies `gold/_exports/profile_traits/load_id=<loadId>/` of the local lake into Azurite; returns the file count. */
async function uploadExport(
  lake: Awaited<ReturnType<typeof localDependencies>>["lake"],
  lakeDir: string,
  loadId: string,
): Promise<number> {
  const rel = exportPath(TRAITS_MODEL, loadId);
  const dir = join(lakeDir, "gold", ...rel.split("/").filter(Boolean));
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".json"));
  } catch {
    return 0;
  }
  for (const f of files) await lake.writeOnce("gold", rel + f, await readFile(join(dir, f), "utf8"));
  return files.length;
}

/** Runs the sync of one load; `message` is the queue message text ADF enqueued (`{"loadId": …}`). */
export async function runTraitsSyncLocally(
  options: LocalTraitsSyncOptions,
  message: string,
): Promise<LocalTraitsSyncResult> {
  const changes = options.changes ?? new InMemoryChangePublisher();
  const deps = {
    ...(await localDependencies(options.services, options.databaseName, "profiles", options.lakePrefix)),
    changes,
  };
  const before = changes.published.length;
  const loadId = (JSON.parse(message) as { loadId?: string }).loadId ?? "";
  await uploadExport(deps.lake, options.lakeDir, loadId);
  setDependencies(deps);
  try {
    const summary = await applyProfileTraits(
      message,
      new InvocationContext({
        functionName: "applyProfileTraits",
        invocationId: `traits-${loadId}`,
        logHandler: () => {},
      }),
    );
    return { summary, events: changes.published.slice(before) };
  } finally {
    setDependencies(undefined);
  }
}
