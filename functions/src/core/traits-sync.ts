/**
 * The batch traits sync: after a gold run, every resolved customer's traits (the gold export of
 * models/gold/profile_traits.sql for that load) go to the profiles container as `batch_traits` documents
 * (traits.ts), their identifiers to the identifier index, and each change of a tracked trait to `profile-changes`.
 *
 * Cost: what was written last is kept in a state file in the lake (`control/traits-sync/state.json`: per customer
 * the traits hash, the identifiers hash, the document's ETag and the tracked values). An unchanged customer costs
 * no Cosmos request; a changed one costs one replace with If-Match on the kept ETag (a new one, one create). Only
 * a conflict (the ETag moved: an erasure, a lost state, an earlier attempt of this load) costs a read.
 *
 * Safety:
 * - never recreates an erased customer: erasure leaves a tombstone at the traits document's id, so a create gets
 *   409 and a replace 412, and the re-read finds the tombstone;
 * - idempotent per load id: a finished load has a run record (`control/traits-sync/runs/<loadId>.json`) and is not
 *   run again; an interrupted one is resumed: a document this load already wrote (same load id and hash) is taken
 *   as written, and its outbox (`changes`) re-offered for publishing;
 * - change events only with marketing consent: a change of a customer whose consent (gold.marketing_consent, in the
 *   extract) gives no marketing channel is withheld — the document and the state take the new values, no event is
 *   made (`withheldForConsent`); the events made carry the consent per channel (activationConsent, the real-time
 *   path's rule too). A withdrawal thus takes effect with the first load computed after it;
 * - change events exactly once per change across retries: deterministic ids, the outbox in the document written
 *   in the same request as the traits, and a publish log (`control/traits-sync/published/<loadId>/`) of the ids
 *   sent, written after each sent chunk; a retry sends only ids not in the log. A crash between a chunk's send and
 *   its log entry re-sends that chunk (same ids; consumers drop repeats by id).
 */
import { createHash } from "node:crypto";

import type { Container } from "@azure/cosmos";

import { activationConsent, exportPath, type ProfileChangeEvent, TRACKED_TRAITS } from "../../../contracts";
import { changeEvent, type ChangePublisher, countByKind } from "./change-events";
import type { IdentityIndex } from "./identity-index";
import type { Lake } from "./lake";
import { mapPool } from "./pool";
import { DEFAULT_RETRY, type RetryOptions, statusOf, withRetry } from "./retry";
import {
  identifiersHash,
  identifiersOf,
  parseTraitsLine,
  type TrackedValues,
  trackedValues,
  TRAITS_DOC_TYPE,
  traitsDocId,
  type TraitsDocument,
  TraitsExtractError,
  traitsHash,
  type TraitsRow,
} from "./traits";

export const TRAITS_MODEL = "profile_traits";
export const SYNC_PREFIX = "traits-sync/";
export const STATE_PATH = `${SYNC_PREFIX}state.json`;
export const runRecordPath = (loadId: string) => `${SYNC_PREFIX}runs/${loadId}.json`;
const publishLogPrefix = (loadId: string) => `${SYNC_PREFIX}published/${loadId}/`;
const PUBLISH_CHUNK = 500;

export interface TraitsSyncDeps {
  lake: Lake;
  /** The profiles container (partition key /customerId). */
  profiles: Container;
  index: IdentityIndex;
  changes: ChangePublisher;
  retry?: RetryOptions;
  concurrency?: number;
  now?: () => Date;
}

export interface TraitsSyncSummary {
  loadId: string;
  /** A finished load asked again: nothing was done (the recorded summary is returned). */
  alreadySynced: boolean;
  customers: number;
  /** Traits documents written (created or replaced) by this run. */
  synced: number;
  created: number;
  /** Customers whose traits and identifiers were unchanged: no Cosmos request. */
  skippedUnchanged: number;
  /** Erased customers (tombstone found): nothing written. */
  erasedSkipped: number;
  /** Documents an interrupted earlier attempt of this load had written: taken as they are. */
  resumed: number;
  /** Customers no longer in gold (merged into another key, erased in batch): traits document removed. */
  removed: number;
  conflicts: number;
  /** Requests to the profiles container (reads, creates, replaces, deletes). */
  cosmosRequests: number;
  /** Requests to the identifier index (only for customers whose identifiers changed). */
  indexRequests: number;
  changeEvents: number;
  changesByKind: Record<string, number>;
  /** Changes of customers without marketing consent: not published (activationConsent). */
  withheldForConsent: number;
  /** Events this run sent (a resumed run skips those the publish log has). */
  published: number;
  durationMs: number;
}

interface CustomerState {
  /** traits hash, identifiers hash, ETag of the document, tracked values in TRACKED_TRAITS order. */
  h: string;
  ih: string;
  e: string;
  v: Array<string | null>;
}

interface SyncState {
  version: 1;
  loadId: string;
  asOf: string;
  customers: Record<string, CustomerState>;
}

export class TraitsSyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TraitsSyncError";
  }
}

const shortHash = (h: string) => h.slice(0, 32);

function valuesFrom(v: Array<string | null>): TrackedValues {
  return Object.fromEntries(TRACKED_TRAITS.map((t, i) => [t, v[i] ?? null])) as TrackedValues;
}

/** Reads every `part-*.json` of the load's export (Spark also writes _SUCCESS and .crc files there). */
export async function readTraitsExtract(lake: Lake, loadId: string): Promise<TraitsRow[]> {
  const prefix = exportPath(TRAITS_MODEL, loadId);
  const parts = (await lake.list("gold", prefix)).filter((p) => /\/part-[^/]*\.json$/.test(p));
  if (parts.length === 0)
    throw new TraitsSyncError(`no traits extract for load ${loadId} (expected gold/${prefix}part-*.json)`);
  const rows: TraitsRow[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const text = (await lake.read("gold", part)) ?? "";
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      const row = parseTraitsLine(line, `gold/${part}:${i + 1}`);
      if (row.loadId !== loadId)
        throw new TraitsExtractError(`gold/${part}:${i + 1}`, `load_id ${row.loadId}, expected ${loadId}`);
      if (seen.has(row.customerKey))
        throw new TraitsExtractError(`gold/${part}:${i + 1}`, `customer ${row.customerKey} appears twice`);
      seen.add(row.customerKey);
      rows.push(row);
    });
  }
  return rows;
}

async function readState(lake: Lake): Promise<{ state?: SyncState; etag?: string }> {
  const file = await lake.readVersioned("control", STATE_PATH);
  if (!file) return {};
  const state = JSON.parse(file.text) as SyncState;
  if (state.version !== 1)
    throw new TraitsSyncError(`unknown traits sync state version ${String(state.version)}`);
  return { state, etag: file.etag };
}

type Outcome =
  | { kind: "unchanged" }
  | { kind: "erased" }
  | {
      kind: "written" | "resumed";
      created: boolean;
      /** Changes this write made that were withheld for lack of consent. */
      withheld: number;
      doc: TraitsDocument;
      etag: string;
      /** Index ids of the previous version, when the identifiers changed (to remove the ones gone). */
      previousIdentifiers?: string[];
    };

export async function syncProfileTraits(deps: TraitsSyncDeps, loadId: string): Promise<TraitsSyncSummary> {
  const started = Date.now();
  const retry = deps.retry ?? DEFAULT_RETRY;
  const now = deps.now ?? (() => new Date());
  const recorded = await deps.lake.read("control", runRecordPath(loadId));
  if (recorded) return { ...(JSON.parse(recorded) as TraitsSyncSummary), alreadySynced: true };

  const rows = await readTraitsExtract(deps.lake, loadId);
  const { state, etag: stateEtag } = await readState(deps.lake);
  const extractAsOf = rows.reduce((max, r) => (r.asOf > max ? r.asOf : max), "");
  if (state && state.loadId !== loadId && extractAsOf !== "" && extractAsOf < state.asOf)
    throw new TraitsSyncError(
      `load ${loadId} (computed ${extractAsOf}) is older than the last synced load ${state.loadId} (${state.asOf}); not applied`,
    );
  const previous = state?.customers ?? {};
  // The first sync into an empty store is a backfill: customers appear, nothing "changes".
  const emitForNewCustomers = state !== undefined;
  const summary: TraitsSyncSummary = {
    loadId,
    alreadySynced: false,
    customers: rows.length,
    synced: 0,
    created: 0,
    skippedUnchanged: 0,
    erasedSkipped: 0,
    resumed: 0,
    removed: 0,
    conflicts: 0,
    cosmosRequests: 0,
    indexRequests: 0,
    changeEvents: 0,
    changesByKind: {},
    withheldForConsent: 0,
    published: 0,
    durationMs: 0,
  };
  const request = <T>(fn: () => Promise<T>): Promise<T> => {
    summary.cosmosRequests++;
    return withRetry(fn, retry);
  };
  const readDoc = async (id: string, key: string) => {
    try {
      const res = await request(() =>
        deps.profiles.item(id, key).read<TraitsDocument | { docType: string }>(),
      );
      return res.statusCode === 404 || !res.resource
        ? undefined
        : { doc: res.resource, etag: res.etag ?? "" };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };

  const syncOne = async (row: TraitsRow): Promise<Outcome> => {
    const key = row.customerKey;
    const id = traitsDocId(key);
    const ids = identifiersOf(row);
    const h = shortHash(traitsHash(row));
    const ih = shortHash(identifiersHash(ids));
    const prev = previous[key];
    if (prev && prev.h === h && prev.ih === ih) return { kind: "unchanged" };
    const syncedAt = now().toISOString();
    const newValues = trackedValues(row.traits);
    const consent = activationConsent(row.consent, row.consent.updatedAt);
    const changedTraits = (oldValues: TrackedValues | undefined) =>
      oldValues === undefined && !emitForNewCustomers
        ? []
        : TRACKED_TRAITS.filter((t) => (oldValues?.[t] ?? null) !== newValues[t]);
    const build = (oldValues: TrackedValues | undefined): TraitsDocument => ({
      id,
      customerId: key,
      docType: TRAITS_DOC_TYPE,
      traits: row.traits,
      sourceIds: row.sourceIds,
      externalIds: row.externalIds,
      identifiers: ids.map((i) => i.id),
      traitsHash: h,
      identifiersHash: ih,
      asOf: row.asOf,
      asOfDate: row.asOfDate,
      loadId,
      syncedAt,
      changes: consent
        ? changedTraits(oldValues).map((t) =>
            changeEvent({
              customerId: key,
              kind: t,
              oldValue: oldValues?.[t] ?? null,
              newValue: newValues[t],
              cause: "batch_traits_sync",
              asOf: row.asOf,
              occurredAt: syncedAt,
              causeId: loadId,
              loadId,
              consent,
            }),
          )
        : [],
    });
    const withheld = (oldValues: TrackedValues | undefined) =>
      consent ? 0 : changedTraits(oldValues).length;
    // Known ETag and unchanged identifiers: one replace. Otherwise (identifiers changed: the old ones are needed
    // to remove what is gone) or after a conflict: read first.
    let known: { etag: string; values: TrackedValues; identifiers?: string[] } | undefined =
      prev && prev.ih === ih ? { etag: prev.e, values: valuesFrom(prev.v) } : undefined;
    let mustRead = prev !== undefined && known === undefined;
    for (let attempt = 1; attempt <= 10; attempt++) {
      if (mustRead) {
        const current = await readDoc(id, key);
        if (current?.doc.docType === "erasure_tombstone") return { kind: "erased" };
        if (current && current.doc.docType !== TRAITS_DOC_TYPE)
          throw new TraitsSyncError(`document ${id} is a ${current.doc.docType}, not batch traits`);
        const stored = current?.doc as TraitsDocument | undefined;
        if (stored && stored.loadId === loadId && stored.traitsHash === h && stored.identifiersHash === ih)
          return { kind: "resumed", created: false, withheld: 0, doc: stored, etag: current!.etag };
        known = stored
          ? { etag: current!.etag, values: trackedValues(stored.traits), identifiers: stored.identifiers }
          : undefined;
      }
      const doc = build(known?.values);
      try {
        if (known) {
          const res = await request(() =>
            deps.profiles
              .item(id, key)
              .replace(doc, { accessCondition: { type: "IfMatch", condition: known!.etag } }),
          );
          return {
            kind: "written",
            created: false,
            withheld: withheld(known.values),
            doc,
            etag: res.etag ?? "",
            previousIdentifiers: known.identifiers,
          };
        }
        const res = await request(() => deps.profiles.items.create(doc));
        return { kind: "written", created: true, withheld: withheld(undefined), doc, etag: res.etag ?? "" };
      } catch (error) {
        const status = statusOf(error);
        if (status !== 412 && status !== 409 && status !== 404) throw error;
        summary.conflicts++;
        mustRead = true;
      }
    }
    throw new TraitsSyncError(`traits of ${key} kept changing concurrently`);
  };

  const results = await mapPool(rows, deps.concurrency ?? 16, syncOne);
  const failures = results.filter((r) => r.status === "rejected");
  if (failures.length > 0) {
    const first = (failures[0] as PromiseRejectedResult).reason as unknown;
    throw new TraitsSyncError(
      `${failures.length} of ${rows.length} customers failed; the sync can be retried: ${first instanceof Error ? first.message : String(first)}`,
    );
  }

  const nextCustomers: Record<string, CustomerState> = {};
  const events: ProfileChangeEvent[] = [];
  const removals: Array<{ id: string; key: string }> = [];
  const puts: Array<{ id: string; kind: string; key: string }> = [];
  results.forEach((r, i) => {
    const row = rows[i]!;
    const outcome = (r as PromiseFulfilledResult<Outcome>).value;
    const prev = previous[row.customerKey];
    if (outcome.kind === "unchanged") {
      summary.skippedUnchanged++;
      nextCustomers[row.customerKey] = prev!;
      return;
    }
    if (outcome.kind === "erased") {
      summary.erasedSkipped++;
      return;
    }
    if (outcome.kind === "resumed") summary.resumed++;
    else summary.synced++;
    if (outcome.created) summary.created++;
    summary.withheldForConsent += outcome.withheld;
    const doc = outcome.doc;
    nextCustomers[row.customerKey] = {
      h: doc.traitsHash,
      ih: doc.identifiersHash,
      e: outcome.etag,
      v: TRACKED_TRAITS.map((t) => trackedValues(doc.traits)[t]),
    };
    events.push(...doc.changes);
    if (!prev || prev.ih !== doc.identifiersHash || outcome.kind === "resumed") {
      const current = new Set(doc.identifiers);
      for (const old of outcome.kind === "written" ? (outcome.previousIdentifiers ?? []) : [])
        if (!current.has(old)) removals.push({ id: old, key: row.customerKey });
      for (const entry of identifiersOf(row))
        puts.push({ id: entry.id, kind: entry.kind, key: row.customerKey });
    }
  });

  // Customers gone from gold (merged under another key, erased in batch): their traits document and index entries.
  const inExtract = new Set(rows.map((r) => r.customerKey));
  const departed = Object.entries(previous).filter(([key]) => !inExtract.has(key));
  await mapPool(departed, deps.concurrency ?? 16, async ([key, prev]) => {
    const current = await readDoc(traitsDocId(key), key);
    if (!current || current.doc.docType !== TRAITS_DOC_TYPE) return;
    for (const id of (current.doc as TraitsDocument).identifiers) removals.push({ id, key });
    try {
      await request(() =>
        deps.profiles
          .item(traitsDocId(key), key)
          .delete({ accessCondition: { type: "IfMatch", condition: current.etag || prev.e } }),
      );
      summary.removed++;
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
    }
  });

  // Index: removals first (only entries still naming the customer), then the current entries.
  const indexBefore = deps.index.stats.reads + deps.index.stats.writes + deps.index.stats.deletes;
  const removalResults = await mapPool(removals, deps.concurrency ?? 16, (r) =>
    withRetry(() => deps.index.remove(r.id, r.key), retry),
  );
  const putResults = await mapPool(puts, deps.concurrency ?? 16, (p) =>
    withRetry(() => deps.index.put({ id: p.id, kind: p.kind as "id", customerKey: p.key }), retry),
  );
  summary.indexRequests =
    deps.index.stats.reads + deps.index.stats.writes + deps.index.stats.deletes - indexBefore;
  const indexFailure = [...removalResults, ...putResults].find((r) => r.status === "rejected");
  if (indexFailure)
    throw new TraitsSyncError(
      `identifier index update failed; the sync can be retried: ${String((indexFailure as PromiseRejectedResult).reason)}`,
    );

  summary.changeEvents = events.length;
  summary.changesByKind = countByKind(events);
  summary.published = await publishOnce(deps, loadId, events);

  const nextState: SyncState = {
    version: 1,
    loadId,
    asOf: extractAsOf > (state?.asOf ?? "") ? extractAsOf : (state?.asOf ?? extractAsOf),
    customers: nextCustomers,
  };
  const text = JSON.stringify(nextState);
  const saved = stateEtag
    ? await deps.lake.replaceIfUnchanged("control", STATE_PATH, text, stateEtag)
    : await deps.lake.writeOnce("control", STATE_PATH, text);
  if (!saved)
    throw new TraitsSyncError("the traits sync state changed while this sync ran (a concurrent sync?)");
  summary.durationMs = Date.now() - started;
  await deps.lake.writeOnce("control", runRecordPath(loadId), JSON.stringify(summary, null, 2));
  return summary;
}

/** Sends the events the publish log of this load does not list yet, logging each chunk once it is accepted. */
async function publishOnce(
  deps: TraitsSyncDeps,
  loadId: string,
  events: ProfileChangeEvent[],
): Promise<number> {
  const prefix = publishLogPrefix(loadId);
  const sent = new Set<string>();
  for (const path of await deps.lake.list("control", prefix)) {
    for (const id of JSON.parse((await deps.lake.read("control", path)) ?? "[]") as string[]) sent.add(id);
  }
  const pending = events.filter((e) => !sent.has(e.eventId));
  for (let i = 0; i < pending.length; i += PUBLISH_CHUNK) {
    const chunk = pending.slice(i, i + PUBLISH_CHUNK);
    await deps.changes.publish(chunk);
    const ids = chunk.map((e) => e.eventId);
    const name = createHash("sha256").update(ids.join(",")).digest("hex").slice(0, 32);
    await deps.lake.writeOnce("control", `${prefix}${name}.json`, JSON.stringify(ids));
  }
  return pending.length;
}
