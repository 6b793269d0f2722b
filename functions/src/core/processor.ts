/**
 * One Event Hubs batch (one partition) through the real-time path:
 * validate → enrich → coalesce per customer → one optimistic-concurrency write per customer →
 * quarantine the rejected → land the accepted. Errors are handled per event: invalid and poison
 * events are quarantined; transient failures are retried (bounded) and, if they persist, fail the
 * whole batch after every other customer has been written, so the host redelivers it and the
 * idempotency bookkeeping skips what was already applied.
 */
import { landingPath, parseJsonBounded, quarantinePath, type Violation } from "../../../contracts";
import type { ChangePublisher } from "./change-events";
import { enrich, type EnrichedEvent } from "./enrich";
import type { IdIndex, IdKind } from "./id-index";
import { alreadyApplied, type Position, recordApplied } from "./idempotency";
import { identityHashesOf } from "./identity-hash";
import type { IdentityIndex } from "./identity-index";
import type { Lake } from "./lake";
import { personStatement } from "./person-consent";
import { mapPool } from "./pool";
import { type EventPosition, readBatchPositions } from "./positions";
import {
  cachedId,
  type CustomerProfileDocument,
  emptyProfile,
  finalizeProfile,
  idClaimsOf,
  type IdDecisions,
  idKey,
  mergeEvent,
  profileKey,
  releasePinnedStamps,
} from "./profile";
import { ConcurrencyConflict, isErased, type ProfileStore } from "./profile-store";
import {
  QUARANTINE_CODES,
  type QuarantinedBody,
  type QuarantineRecord,
  quarantineRecord,
} from "./quarantine";
import { indexQuarantineFile, recordIdentityHashes } from "./quarantine-index";
import { changeToGate, flushOutbox, flushPending, recordTierChange, unsentOf } from "./realtime-changes";
import { DEFAULT_RETRY, type RetryOptions, withRetry } from "./retry";
import type { StreamDefinition } from "./streams";
import { type RecordOptions, validateRecord } from "./validate-record";

export interface ProcessorDeps {
  store: ProfileStore;
  lake: Lake;
  /** Order, session and ticket ids seen per customer (without it, only the profile's capped cache). */
  ids?: IdIndex;
  retry?: RetryOptions;
  /** Clock and bounds of the one record validation (default: now, the default skew and limits). */
  validation?: RecordOptions;
  /** Customers written in parallel within one batch. */
  concurrency?: number;
  /** Re-read-and-merge attempts on ETag conflicts before the customer counts as failed. */
  maxConflictRetries?: number;
  log?: (message: string) => void;
  /** Where value tier changes go (realtime-changes.ts); none means none are recorded. */
  changes?: ChangePublisher;
  /**
   * The identifier index (identity-index.ts): which customer an identifier was resolved to. Reads resolve ids through
   * it, and a change is gated with the person's consent (person-consent.ts); without it, ids are taken as given and
   * a change is gated with the profile's own consent.
   */
  index?: IdentityIndex;
}

export interface BatchSummary {
  batchId: string;
  received: number;
  accepted: number;
  quarantined: number;
  quarantinedByCode: Record<string, number>;
  /** Events already applied to their profile (redeliveries), skipped. */
  duplicates: number;
  applied: number;
  /** Events for erased customers: not applied (landed all the same; the batch path drops them). */
  erasedSkipped: number;
  anonymous: number;
  profilesWritten: number;
  conflicts: number;
  landingFiles: number;
  quarantineFiles: number;
  /** When the batch's oldest event entered Event Hubs (ISO); null for an empty batch. */
  oldestEnqueuedAt: string | null;
  /** The newest occurredAt among the accepted events (ISO); null when none was accepted. */
  newestOccurredAt: string | null;
}

export class BatchFailedError extends Error {
  constructor(
    message: string,
    readonly causes: unknown[],
    readonly summary: BatchSummary,
  ) {
    super(message);
    this.name = "BatchFailedError";
  }
}

export interface Accepted {
  /** Built from the validated record (unknown keys removed): what the profile sees. */
  enriched: EnrichedEvent;
  position: EventPosition;
  /** The event as received (bounded; rescued fields included), as its landing line. */
  line: string;
}

export interface ProfilesOutcome {
  duplicates: number;
  applied: number;
  erasedSkipped: number;
  conflicts: number;
  profilesWritten: number;
  anonymous: number;
  /** Events whose merge threw: quarantined, never applied. */
  poison: Set<string>;
  /** Events of erased customers (a tombstone found at write time): neither applied nor landed. */
  erased: Set<string>;
  /** Customers whose write failed after retries (the batch must fail). */
  failures: unknown[];
}

/** A summary with every counter at zero: the one place a new counter has to be added. */
export function emptyBatchSummary(batchId: string, received: number): BatchSummary {
  return {
    batchId,
    received,
    accepted: 0,
    quarantined: 0,
    quarantinedByCode: {},
    duplicates: 0,
    applied: 0,
    erasedSkipped: 0,
    anonymous: 0,
    profilesWritten: 0,
    conflicts: 0,
    landingFiles: 0,
    quarantineFiles: 0,
    oldestEnqueuedAt: null,
    newestOccurredAt: null,
  };
}

/** The coalescing writer: groups accepted events by customer and writes each profile once. */
export async function applyToProfiles(
  accepted: readonly Accepted[],
  streamKey: string,
  deps: ProcessorDeps,
): Promise<ProfilesOutcome> {
  const retry = deps.retry ?? DEFAULT_RETRY;
  const outcome: ProfilesOutcome = {
    duplicates: 0,
    applied: 0,
    erasedSkipped: 0,
    conflicts: 0,
    profilesWritten: 0,
    anonymous: 0,
    poison: new Set(),
    erased: new Set(),
    failures: [],
  };
  const byCustomer = new Map<string, Accepted[]>();
  for (const a of accepted) {
    const key = profileKey(a.enriched.event);
    if (key === undefined) {
      outcome.anonymous++;
      continue;
    }
    const list = byCustomer.get(key);
    if (list) list.push(a);
    else byCustomer.set(key, [a]);
  }
  const results = await mapPool([...byCustomer], deps.concurrency ?? 16, ([customerId, events]) =>
    writeCustomer(customerId, events, streamKey, deps, retry, outcome.poison, outcome.erased),
  );
  for (const r of results) {
    if (r.status === "fulfilled") {
      outcome.duplicates += r.value.duplicates;
      outcome.applied += r.value.applied;
      outcome.erasedSkipped += r.value.erasedSkipped;
      outcome.conflicts += r.value.conflicts;
      if (r.value.written) outcome.profilesWritten++;
    } else outcome.failures.push(r.reason);
  }
  return outcome;
}

/** A message's bytes as received: its text when they are valid UTF-8, else base64 (nothing is replaced). */
export type RawMessage = { text: string } | { base64: string };

type Decoded =
  | { ok: true; value: unknown; raw?: RawMessage }
  | { ok: false; raw: RawMessage; code: string; message: string; pointer?: string };

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Event bodies arrive as bytes (the trigger's `dataType: "binary"`), as text, or parsed (in-process
 * callers). Bytes that are not UTF-8 or text that is not JSON are a data error, never a throw.
 */
export function decodeMessage(message: unknown): Decoded {
  let text: string;
  if (typeof message === "string") text = message;
  else if (message instanceof Uint8Array) {
    try {
      text = strictUtf8.decode(message);
    } catch {
      return {
        ok: false,
        raw: { base64: Buffer.from(message).toString("base64") },
        code: QUARANTINE_CODES.unparseable,
        message: "is not valid UTF-8",
      };
    }
  } else return { ok: true, value: message };
  // Parsed within the JSON bounds (contracts/bounds.ts); parsed values are bounded by validateRecord.
  const parsed = parseJsonBounded(text);
  if (parsed.ok) return { ok: true, value: parsed.value, raw: { text } };
  const { code, detail } = parsed.error;
  return code === "malformed_json"
    ? { ok: false, raw: { text }, code: QUARANTINE_CODES.unparseable, message: "is not valid JSON" }
    : { ok: false, raw: { text }, code, message: detail, pointer: parsed.error.pointer };
}

/** The earliest or latest of ISO instants (offsets allowed), as UTC ISO; null when none parses. */
function isoExtreme(values: readonly string[], which: "min" | "max"): string | null {
  let best: number | undefined;
  for (const v of values) {
    const t = Date.parse(v);
    if (!Number.isNaN(t) && (best === undefined || (which === "min" ? t < best : t > best))) best = t;
  }
  return best === undefined ? null : new Date(best).toISOString();
}

const errorMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * What to keep of a message whose processing threw: its bytes or text as received (with the value it parsed to,
 * for the record's ids), else the value.
 */
function bodyOf(message: unknown): QuarantinedBody {
  const decoded = decodeMessage(message);
  if (decoded.ok && decoded.raw && "text" in decoded.raw) return { ...decoded.raw, value: decoded.value };
  if (decoded.raw) return decoded.raw;
  return { parsed: message };
}

/** A quarantine line; a value that cannot be serialized (only possible for in-process callers passing
 * objects) is kept as null with a note rather than failing the batch. */
function serializeRecord(record: QuarantineRecord): string {
  try {
    return JSON.stringify(record);
  } catch (error) {
    return JSON.stringify({
      ...record,
      event: null,
      violations: [
        ...record.violations,
        {
          pointer: "",
          code: QUARANTINE_CODES.processingFailed,
          message: `not serializable: ${errorMessage(error)}`,
        },
      ],
    });
  }
}

/**
 * Writes a quarantine file after its index entries (quarantine-index.ts), so every file that exists is
 * findable by the identities it names; an entry whose file write then failed points at nothing and is
 * skipped by its readers.
 */
async function writeQuarantineFile(
  lake: Lake,
  path: string,
  records: readonly QuarantineRecord[],
  retry: RetryOptions,
): Promise<boolean> {
  await withRetry(() => indexQuarantineFile(lake, path, records), retry);
  const content = records.map(serializeRecord).join("\n") + "\n";
  return withRetry(() => lake.writeOnce("quarantine", path, content), retry);
}

/** Removes events and rejected records naming an erased identity; returns how many. */
async function dropErased(
  accepted: Accepted[],
  rejected: QuarantineRecord[],
  ids: IdIndex,
  retry: RetryOptions,
): Promise<number> {
  const acceptedHashes = accepted.map((a) => identityHashesOf(a.enriched.event));
  const rejectedHashes = rejected.map(recordIdentityHashes);
  const all = new Set<string>();
  for (const set of [...acceptedHashes, ...rejectedHashes]) for (const h of set) all.add(h);
  if (all.size === 0) return 0;
  const erased = await withRetry(() => ids.suppressed(all), retry);
  if (erased.size === 0) return 0;
  const hit = (set: Set<string>) => [...set].some((h) => erased.has(h));
  let dropped = 0;
  for (let i = accepted.length - 1; i >= 0; i--) {
    if (hit(acceptedHashes[i])) {
      accepted.splice(i, 1);
      dropped++;
    }
  }
  for (let i = rejected.length - 1; i >= 0; i--) {
    if (hit(rejectedHashes[i])) {
      rejected.splice(i, 1);
      dropped++;
    }
  }
  return dropped;
}

const errorsOnly = (violations: Violation[]) =>
  violations
    .filter((v) => v.severity === "error")
    .map(({ pointer, code, message }) => ({ pointer, code, message }));

export async function processBatch(
  stream: StreamDefinition,
  messages: readonly unknown[],
  triggerMetadata: Record<string, unknown> | undefined,
  deps: ProcessorDeps,
): Promise<BatchSummary> {
  const retry = deps.retry ?? DEFAULT_RETRY;
  const batch = readBatchPositions(triggerMetadata, messages.length, stream.hubName);
  const first = batch.positions[0];
  const last = batch.positions[batch.positions.length - 1];
  const batchId = `${batch.eventHubName}-p${batch.partitionId}-${first?.sequenceNumber ?? 0}-${last?.sequenceNumber ?? 0}`;
  const summary = emptyBatchSummary(batchId, messages.length);
  if (messages.length === 0) return summary;

  // 1. Decode, validate and enrich, per event. A data error of any kind (bytes, JSON, bounds, contract,
  // an exception in enrichment) rejects that event alone: nothing in this stage may fail the batch.
  const accepted: Accepted[] = [];
  const rejected: QuarantineRecord[] = [];
  const reject = (
    position: EventPosition,
    violations: QuarantineRecord["violations"],
    body: QuarantinedBody,
  ) => rejected.push(quarantineRecord(stream.eventType, batch.eventHubName, position, violations, body));
  const classify = (message: unknown, position: EventPosition): void => {
    const decoded = decodeMessage(message);
    if (!decoded.ok) {
      reject(
        position,
        [{ pointer: decoded.pointer ?? "", code: decoded.code, message: decoded.message }],
        decoded.raw,
      );
      return;
    }
    const validation = validateRecord("event", decoded.value, deps.validation);
    if (!validation.valid || !validation.record) {
      reject(position, errorsOnly(validation.errors), { parsed: decoded.value });
      return;
    }
    const event = validation.record;
    if (event.eventType !== stream.eventType) {
      reject(
        position,
        [
          {
            pointer: "/eventType",
            code: QUARANTINE_CODES.wrongStream,
            message: `does not belong on hub ${batch.eventHubName}`,
          },
        ],
        { parsed: event },
      );
      return;
    }
    // The landing line keeps the event as received (bounded, so serializing it cannot overflow), with
    // its rescued fields for the batch path; serialized here so a failure is this event's alone.
    const line = JSON.stringify(decoded.value);
    accepted.push({ enriched: enrich(event, validation.warnings), position, line });
  };
  messages.forEach((message, i) => {
    const position = batch.positions[i];
    try {
      classify(message, position);
    } catch (error) {
      reject(
        position,
        [{ pointer: "", code: QUARANTINE_CODES.processingFailed, message: errorMessage(error) }],
        bodyOf(message),
      );
    }
  });

  // 2. Events about erased people — valid, invalid or unparseable, matched by any identity hash — are
  // dropped: not applied, not landed, not quarantined; only counted.
  if (deps.ids) {
    const erasedNow = await dropErased(accepted, rejected, deps.ids, retry);
    summary.erasedSkipped += erasedNow;
  }

  // 3. Coalesce per customer and write each profile once.
  let poison = new Set<string>();
  let erased = new Set<string>();
  let failures: unknown[] = [];
  if (stream.updatesProfile) {
    const outcome = await applyToProfiles(accepted, `${batch.eventHubName}/${batch.partitionId}`, deps);
    ({ poison, erased, failures } = outcome);
    summary.duplicates += outcome.duplicates;
    summary.applied += outcome.applied;
    summary.erasedSkipped += outcome.erasedSkipped;
    summary.conflicts += outcome.conflicts;
    summary.profilesWritten += outcome.profilesWritten;
    summary.anonymous += outcome.anonymous;
    for (const a of accepted) {
      if (poison.has(a.enriched.event.eventId)) {
        reject(
          a.position,
          [
            {
              pointer: "",
              code: QUARANTINE_CODES.processingFailed,
              message: "the profile merge failed on this event",
            },
          ],
          { parsed: a.enriched.event },
        );
      }
    }
  }
  if (failures.length > 0) {
    deps.log?.(`batch ${batchId}: ${failures.length} customer(s) failed; the batch will be redelivered`);
    throw new BatchFailedError(
      `batch ${batchId}: ${failures.length} profile write(s) failed: ${String(failures[0])}`,
      failures,
      summary,
    );
  }

  // 4. Land the accepted events and quarantine the rejected, with names fixed by the batch position.
  const landed = accepted.filter(
    (a) => !poison.has(a.enriched.event.eventId) && !erased.has(a.enriched.event.eventId),
  );
  const at = new Date(first.enqueuedTimeUtc);
  const bySource = new Map<string, string[]>();
  for (const a of landed) {
    const path = landingPath(a.enriched.event.source, stream.eventType, at, batchId);
    const lines = bySource.get(path);
    if (lines) lines.push(a.line);
    else bySource.set(path, [a.line]);
  }
  const writes: Array<Promise<void>> = [];
  for (const [path, lines] of bySource) {
    writes.push(
      withRetry(() => deps.lake.writeOnce("landing", path, lines.join("\n") + "\n"), retry).then(
        (written) => {
          if (written) summary.landingFiles++;
        },
      ),
    );
  }
  if (rejected.length > 0) {
    const path = quarantinePath("realtime", stream.eventType, at, batchId);
    writes.push(
      writeQuarantineFile(deps.lake, path, rejected, retry).then((written) => {
        if (written) summary.quarantineFiles++;
      }),
    );
  }
  await Promise.all(writes);

  summary.accepted = landed.length;
  summary.quarantined = rejected.length;
  summary.oldestEnqueuedAt = isoExtreme(
    batch.positions.map((p) => p.enqueuedTimeUtc),
    "min",
  );
  summary.newestOccurredAt = isoExtreme(
    landed.map((a) => a.enriched.event.occurredAt),
    "max",
  );
  for (const r of rejected)
    summary.quarantinedByCode[r.reason] = (summary.quarantinedByCode[r.reason] ?? 0) + 1;
  return summary;
}

interface CustomerResult {
  written: boolean;
  applied: number;
  duplicates: number;
  erasedSkipped: number;
  conflicts: number;
}

async function writeCustomer(
  customerId: string,
  events: Accepted[],
  streamKey: string,
  deps: ProcessorDeps,
  retry: RetryOptions,
  poison: Set<string>,
  erased: Set<string>,
): Promise<CustomerResult> {
  const maxAttempts = deps.maxConflictRetries ?? 25;
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    const stored = await withRetry(
      () => (attempt === 1 ? deps.store.readForUpdate(customerId) : deps.store.readCurrent(customerId)),
      retry,
    );
    // Erased: nothing is applied and nothing recreated. A conflict on a later attempt lands here
    // too, when the erasure's tombstone replaced the profile between our read and our write.
    if (isErased(stored)) {
      // Poison events from an earlier attempt are quarantined already, so not counted here.
      const skipped = events.filter((e) => !poison.has(e.enriched.event.eventId));
      for (const e of skipped) erased.add(e.enriched.event.eventId);
      const erasedSkipped = skipped.length;
      return { written: false, applied: 0, duplicates: 0, erasedSkipped, conflicts };
    }
    const doc = stored?.doc ?? emptyProfile(customerId);
    const tierBefore = doc.valueSegment;
    // Stamps stored before the clock rule (far future, leap seconds) must not outrank real events.
    releasePinnedStamps(doc, deps.validation?.now ?? new Date(), deps.validation?.maxFutureSkewSeconds);
    let applied = 0;
    let duplicates = 0;
    let restart = false;
    const claimed = deps.ids
      ? await claimIds(customerId, events, doc, streamKey, deps.ids, retry, poison)
      : new Map<string, IdDecisions>();
    for (const { enriched, position } of events) {
      const id = enriched.event.eventId;
      if (poison.has(id)) continue;
      const at: Position = { stream: streamKey, seq: position.sequenceNumber };
      if (alreadyApplied(doc.idempotency, id, at)) {
        duplicates++;
        continue;
      }
      const decisions = claimed.get(id);
      try {
        mergeEvent(doc, enriched, decisions);
      } catch {
        // The document may be half-merged: mark the event poison and start this customer over without it.
        poison.add(id);
        restart = true;
        break;
      }
      recordApplied(doc.idempotency, id, at);
      applied++;
    }
    if (restart) continue;
    if (applied === 0) {
      // A redelivery after a write whose change event was not sent yet: send it now, under the person's consent now
      // (realtime-changes.ts); the consent is read only when something may be unsent.
      if (stored && deps.changes && unsentOf(stored.doc).length > 0) {
        const statement = await withRetry(() => personStatement(deps, stored.doc), retry);
        await withRetry(() => flushPending(deps, stored.doc, statement), retry);
      }
      return { written: false, applied, duplicates, erasedSkipped: 0, conflicts };
    }
    finalizeProfile(doc);
    const lastApplied = doc.idempotency.applied[doc.idempotency.applied.length - 1]?.id ?? "";
    // The person's consent gates the change (person-consent.ts): read only when there is a change to gate.
    const statement =
      deps.changes && changeToGate(tierBefore, doc)
        ? await withRetry(() => personStatement(deps, doc), retry)
        : undefined;
    const fresh = deps.changes
      ? recordTierChange(tierBefore, doc, lastApplied, deps.validation?.now ?? new Date(), statement)
      : undefined;
    try {
      await withRetry(() => deps.store.write(doc, stored?.etag), retry);
      await withRetry(() => flushOutbox(deps, doc, fresh), retry);
      return { written: true, applied, duplicates, erasedSkipped: 0, conflicts };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) || attempt >= maxAttempts) throw error;
      conflicts++;
    }
  }
}

/**
 * Ids the profile's cache does not hold are decided by the id index (a replay however old), all claims of
 * a customer's batch at once. Per event: the first event of the batch naming an uncached id claims it;
 * a later one naming the same id does not count it (whatever the claim answered).
 */
async function claimIds(
  customerId: string,
  events: readonly Accepted[],
  doc: CustomerProfileDocument,
  streamKey: string,
  ids: IdIndex,
  retry: RetryOptions,
  poison: ReadonlySet<string>,
): Promise<Map<string, IdDecisions>> {
  const byEvent = new Map<string, Map<string, boolean>>();
  const claims: Array<{ eventId: string; kind: IdKind; value: string }> = [];
  const seenKeys = new Set<string>();
  const seenEvents = new Set<string>();
  for (const { enriched, position } of events) {
    const eventId = enriched.event.eventId;
    if (poison.has(eventId) || seenEvents.has(eventId)) continue;
    seenEvents.add(eventId);
    if (alreadyApplied(doc.idempotency, eventId, { stream: streamKey, seq: position.sequenceNumber }))
      continue;
    const decisions = new Map<string, boolean>();
    for (const { kind, value } of idClaimsOf(enriched.event)) {
      if (cachedId(doc, kind, value)) continue;
      const key = idKey(kind, value);
      if (seenKeys.has(key)) decisions.set(key, false);
      else {
        seenKeys.add(key);
        claims.push({ eventId, kind, value });
      }
    }
    byEvent.set(eventId, decisions);
  }
  const results = await mapPool(claims, 8, (c) =>
    withRetry(() => ids.claim(customerId, c.kind, c.value, c.eventId), retry),
  );
  results.forEach((r, i) => {
    if (r.status === "rejected") throw r.reason;
    const c = claims[i];
    byEvent.get(c.eventId)!.set(idKey(c.kind, c.value), r.value);
  });
  return byEvent;
}

/**
 * Parks a whole batch in quarantine (reason `retries_exhausted`) when the host's retry policy is
 * about to give up on it, so the events are not lost when the checkpoint moves past them. Events
 * already applied are harmless to replay from there: the profile's idempotency skips them.
 */
export async function quarantineBatch(
  stream: StreamDefinition,
  messages: readonly unknown[],
  triggerMetadata: Record<string, unknown> | undefined,
  deps: Pick<ProcessorDeps, "lake" | "retry">,
  cause: unknown,
): Promise<number> {
  const batch = readBatchPositions(triggerMetadata, messages.length, stream.hubName);
  if (messages.length === 0) return 0;
  const first = batch.positions[0];
  const last = batch.positions[batch.positions.length - 1];
  const batchId = `${batch.eventHubName}-p${batch.partitionId}-${first.sequenceNumber}-${last.sequenceNumber}-exhausted`;
  const message = cause instanceof Error ? cause.message : String(cause);
  const records = messages.map((m, i) =>
    quarantineRecord(
      stream.eventType,
      batch.eventHubName,
      batch.positions[i],
      [{ pointer: "", code: QUARANTINE_CODES.retriesExhausted, message: message.slice(0, 500) }],
      bodyOf(m),
    ),
  );
  const path = quarantinePath("realtime", stream.eventType, new Date(first.enqueuedTimeUtc), batchId);
  await writeQuarantineFile(deps.lake, path, records, deps.retry ?? DEFAULT_RETRY);
  return messages.length;
}
