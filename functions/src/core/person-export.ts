/**
 * A person's data export as a job (right of access and portability): POST records the request in the control zone
 * (control/exports/<jobId>/request.json, contracts/person-export.ts); the batch path's export step (DuckDB locally,
 * notebooks/export.py on Databricks) writes the person's rows of every lake store beside it and a manifest; the
 * status read answers pending until the manifest exists, then the whole document: the Cosmos part read now (profiles,
 * batch traits, identifier index entries, real-time quarantine, erasure requests) and the lake part from the job
 * folder (landing lines, bronze, silver with its SCD2 history, gold, batch quarantine).
 */
import { randomUUID } from "node:crypto";

import {
  isPersonExportJobId,
  PERSON_EXPORT_MANIFEST_FILE,
  PERSON_EXPORT_REQUEST_FILE,
  personExportFolder,
  type PersonExportManifest,
  type PersonExportRequest,
} from "../../../contracts";
import { ERASURE_PREFIX, type ErasureRecord, identityOf, namesAny, publicProfile } from "./customers";
import type { IdentityIndex, IndexEntry } from "./identity-index";
import type { Lake } from "./lake";
import { isErased, type ProfileStore } from "./profile-store";
import type { QuarantineRecord } from "./quarantine";
import { indexedQuarantineFiles } from "./quarantine-index";
import { readTraitsDocument, type TraitsDocument } from "./traits";

type ExportDeps = { store: ProfileStore; lake: Lake; index?: IdentityIndex };

export interface ExportJobAccepted extends PersonExportRequest {
  status: "pending";
}

/** Records the request (written once); the export step of the next batch run picks it up. */
export async function requestPersonExport(
  lake: Lake,
  customerId: string,
  now: Date = new Date(),
): Promise<ExportJobAccepted> {
  const request: PersonExportRequest = { jobId: randomUUID(), customerId, requestedAt: now.toISOString() };
  await lake.writeOnce(
    "control",
    personExportFolder(request.jobId) + PERSON_EXPORT_REQUEST_FILE,
    JSON.stringify(request) + "\n",
  );
  return { ...request, status: "pending" };
}

/** The Cosmos part: what the operational store holds about these ids (each a source id of the person). */
export interface CosmosPart {
  profiles: ReturnType<typeof publicProfile>[];
  batchTraits: Array<Omit<TraitsDocument, "changes">>;
  identityIndex: IndexEntry[];
  quarantinedEvents: QuarantineRecord[];
  erasureRequests: ErasureRecord[];
}

export type PersonExportStatus =
  | { status: "unknown" }
  | (PersonExportRequest & { status: "pending" })
  | (PersonExportRequest & { status: "failed"; error: string })
  | (PersonExportRequest & {
      status: "complete";
      exportedAt: string;
      lakeExportedAt: string;
      /** The batch run whose tables the lake part was read from. */
      lakeLoadId: string;
      engine: string;
      sourceIds: string[];
      cosmos: CosmosPart;
      lake: Record<string, unknown[]>;
    });

/** The job of this customer: unknown (no such job, or another customer's), pending, failed or the document. */
export async function personExportStatus(
  deps: ExportDeps,
  customerId: string,
  jobId: string,
): Promise<PersonExportStatus> {
  if (!isPersonExportJobId(jobId)) return { status: "unknown" };
  const folder = personExportFolder(jobId);
  const requestText = await deps.lake.read("control", folder + PERSON_EXPORT_REQUEST_FILE);
  const request = requestText ? (JSON.parse(requestText) as PersonExportRequest) : undefined;
  if (!request || request.customerId !== customerId || request.jobId !== jobId) return { status: "unknown" };
  const manifestText = await deps.lake.read("control", folder + PERSON_EXPORT_MANIFEST_FILE);
  if (!manifestText) return { ...request, status: "pending" };
  const manifest = JSON.parse(manifestText) as PersonExportManifest;
  if (manifest.status !== "complete")
    return { ...request, status: "failed", error: manifest.error ?? "the export step failed" };
  const lake: Record<string, unknown[]> = {};
  for (const [store, { file }] of Object.entries(manifest.stores).sort(([a], [b]) => a.localeCompare(b))) {
    lake[store] = file ? parseLines<unknown>((await deps.lake.read("control", folder + file)) ?? "") : [];
  }
  const ids = [...new Set([customerId, ...manifest.sourceIds])].sort();
  return {
    ...request,
    status: "complete",
    exportedAt: new Date().toISOString(),
    lakeExportedAt: manifest.completedAt,
    lakeLoadId: manifest.loadId ?? "",
    engine: manifest.engine,
    sourceIds: ids,
    cosmos: await cosmosPart(deps, ids),
    lake,
  };
}

/**
 * What Cosmos and the real-time quarantine hold about the ids: each id's profile (a tombstone shows as its erasure
 * request), batch traits document and the identifier index entries it lists that still name it, and the quarantined
 * events naming any of their identities (read through the quarantine index: only the files indexed under them).
 */
export async function cosmosPart(deps: ExportDeps, ids: readonly string[]): Promise<CosmosPart> {
  const part: CosmosPart = {
    profiles: [],
    batchTraits: [],
    identityIndex: [],
    quarantinedEvents: [],
    erasureRequests: [],
  };
  const hashes = new Set<string>();
  for (const id of ids) {
    const current = await deps.store.readCurrent(id);
    for (const h of identityOf(id, current)) hashes.add(h);
    if (current && !isErased(current)) part.profiles.push(publicProfile(current.doc));
    if (isErased(current)) {
      const text = await deps.lake.read(
        "control",
        `${ERASURE_PREFIX}${current.tombstone.erasure.requestId}.jsonl`,
      );
      if (text)
        part.erasureRequests.push(...parseLines<ErasureRecord>(text).filter((r) => r.customerId === id));
    }
    const traits = await readTraitsDocument(deps.store, id);
    if (traits) {
      const { changes: _outbox, ...held } = withoutSystemFields(traits);
      part.batchTraits.push(held);
      for (const entryId of traits.identifiers) {
        const entry = await deps.index?.entry(entryId);
        if (entry && entry.customerKey === id) part.identityIndex.push(entry);
      }
    }
  }
  for (const path of await indexedQuarantineFiles(deps.lake, hashes)) {
    const text = await deps.lake.read("quarantine", path);
    if (!text) continue;
    for (const record of parseLines<QuarantineRecord>(text)) {
      if (namesAny(record, hashes))
        part.quarantinedEvents.push({ ...record, position: { ...record.position } });
    }
  }
  return part;
}

function withoutSystemFields<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith("_"))) as T;
}

export function parseLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a torn or foreign line is not this customer's data
    }
  }
  return out;
}
