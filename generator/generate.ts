/**
 * The synthetic data generator: `generate(options)` writes a seeded, deterministic retail data set.
 *
 * Time is walked forward in slots (an hour, or a fraction of an hour when an hour holds more than the
 * slot budget). Each slot's events are generated, pushed into the delivery queue and every line due
 * before the slot's end is written; so memory holds the master data (customers as typed arrays, the
 * catalog) plus at most a few slots of events and the bounded set of late/redelivered events.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { type EventType, landingPath, localLakeDir, SOURCE_SYSTEMS, type SourceSystem } from "../contracts";
import { DAY_MS, dayWeight, HOUR_MS, OFFICE_HOURS, SHOPPING_HOURS } from "./calendar";
import { buildCatalog, catalogCsv } from "./catalog";
import { CustomerBook, customerId, unknownCustomerId } from "./customers";
import {
  checkRates,
  corrupt,
  DEFAULT_DEFECT_RATES,
  DEFECT_KINDS,
  type DefectKind,
  type DefectRates,
  drawDefect,
  garble,
  parseDefects,
} from "./defects";
import { DeliveryQueue } from "./delivery";
import { type Emitted, EventFactory } from "./events";
import { plantCounts, plantEvents, plantIdentity } from "./identity";
import { type Manifest, MANIFEST_FILE, writeManifest } from "./manifest";
import { apportion, Rng } from "./prng";
import { LandingFiles, LineFile, PartedFile } from "./writers";

export type StreamEventType = Exclude<EventType, "product">;
export const STREAM_EVENT_TYPES: readonly StreamEventType[] = [
  "customer_profile",
  "order",
  "behavioral_event",
  "support_interaction",
];

export interface GenerateOptions {
  /** Output directory for the stream, the manifest and reference files. */
  out: string;
  /** Lake root for landing files (catalog extracts; all events with landingAll). Default: localLakeDir(). */
  lakeDir?: string;
  seed?: number;
  customers?: number;
  products?: number;
  /** Total events for the default mix (profiles, orders, behaviour, support). */
  events?: number;
  /** Per-type counts; override the mix. customer_profile counts initial profiles plus updates. */
  counts?: Partial<Record<StreamEventType, number>>;
  days?: number;
  /** First day of the window, YYYY-MM-DD (UTC). */
  startDate?: string;
  /** "off", "default", "kind=rate,..." or explicit rates (missing kinds take the default rate). */
  defects?: string | Partial<DefectRates>;
  /** Write every event as landing JSONL in the lake layout instead of the stream. */
  landingAll?: boolean;
  /** Lines per stream part / landing file. */
  partLines?: number;
  /** Upper bound on events held in memory at once (slots plus late/redelivered events). */
  maxBufferedEvents?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ResolvedOptions {
  seed: number;
  customers: number;
  products: number;
  counts: Record<StreamEventType, number>;
  days: number;
  startDate: string;
  defects: DefectRates;
  landingAll: boolean;
  partLines: number;
  maxBufferedEvents: number;
}

/** Defects after which the contract rejects the record (the manifest's invalid events). */
const REJECTING_DEFECTS: ReadonlySet<DefectKind> = new Set([
  "unparseable_line",
  "invalid_email",
  "invalid_phone",
  "missing_required_field",
  "unknown_schema_version",
]);

const positiveInt = (name: string, v: number) => {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return v;
};

export function resolveOptions(o: Omit<GenerateOptions, "out">): ResolvedOptions {
  const seed = positiveInt("seed", o.seed ?? 42);
  const events = o.events === undefined ? undefined : positiveInt("events", o.events);
  const customers = positiveInt(
    "customers",
    o.customers ?? (events !== undefined ? Math.max(5, Math.round(events / 50)) : 1000),
  );
  if (customers < 1) throw new Error("customers must be at least 1");
  const profiles = customers + Math.round(customers * 0.3);
  let counts: Record<StreamEventType, number>;
  if (events !== undefined) {
    if (events < profiles && o.counts?.customer_profile === undefined) {
      throw new Error(
        `events=${events} is too small for ${customers} customers (their profiles alone are ${profiles} events)`,
      );
    }
    const rest = Math.max(0, events - profiles);
    const support = Math.round(rest * 0.04);
    const order = Math.round(rest * 0.25);
    counts = {
      customer_profile: profiles,
      order,
      behavioral_event: rest - support - order,
      support_interaction: support,
    };
  } else {
    counts = {
      customer_profile: profiles,
      order: customers * 5,
      behavioral_event: customers * 15,
      support_interaction: Math.round(customers * 0.3),
    };
  }
  for (const [type, n] of Object.entries(o.counts ?? {})) {
    if (!(STREAM_EVENT_TYPES as readonly string[]).includes(type))
      throw new Error(`unknown event type in counts: ${type}`);
    if (n !== undefined) counts[type as StreamEventType] = positiveInt(`counts.${type}`, n);
  }
  if (counts.customer_profile < customers) {
    throw new Error(
      `customer_profile count ${counts.customer_profile} is below the number of customers (${customers}): every customer has an initial profile`,
    );
  }
  const startDate = o.startDate ?? "2025-01-01";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(Date.parse(`${startDate}T00:00:00Z`))) {
    throw new Error(`startDate must be YYYY-MM-DD, got ${startDate}`);
  }
  const days = positiveInt("days", o.days ?? 365);
  if (days < 1) throw new Error("days must be at least 1");
  const defects =
    typeof o.defects === "string"
      ? parseDefects(o.defects)
      : checkRates({ ...DEFAULT_DEFECT_RATES, ...(o.defects ?? {}) });
  const products = positiveInt(
    "products",
    o.products ?? Math.min(5000, Math.max(50, Math.round(customers / 20))),
  );
  if (products < 10) throw new Error("products must be at least 10 (one per category)");
  const maxBufferedEvents = positiveInt("maxBufferedEvents", o.maxBufferedEvents ?? 200_000);
  if (maxBufferedEvents < 400) throw new Error("maxBufferedEvents must be at least 400");
  return {
    seed,
    customers,
    products,
    counts,
    days,
    startDate,
    defects,
    landingAll: o.landingAll ?? false,
    partLines: Math.max(1, positiveInt("partLines", o.partLines ?? 250_000)),
    maxBufferedEvents,
  };
}

/** Removes what an earlier run into the same `out` wrote (its manifest lists the files). */
function removePreviousRun(out: string, lakeDir: string): void {
  const manifestPath = join(out, MANIFEST_FILE);
  if (existsSync(manifestPath)) {
    try {
      const previous = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
      for (const rel of [...previous.files.landing, ...previous.files.catalog])
        rmSync(join(lakeDir, rel), { force: true });
    } catch {
      // An unreadable manifest: nothing we can safely remove from the lake.
    }
    rmSync(manifestPath, { force: true });
  }
  rmSync(join(out, "stream"), { recursive: true, force: true });
  rmSync(join(out, "reference"), { recursive: true, force: true });
}

export async function generate(options: GenerateOptions): Promise<Manifest> {
  const o = resolveOptions(options);
  const out = options.out;
  const lakeDir = options.lakeDir ?? localLakeDir();
  removePreviousRun(out, lakeDir);

  const startMs = Date.parse(`${o.startDate}T00:00:00Z`);
  const endMs = startMs + o.days * DAY_MS;
  const rng = new Rng(o.seed);
  const defectRng = Rng.derive(o.seed, 0xdefec7);
  const catalog = buildCatalog(o.seed, o.products);
  const customers = new CustomerBook(o.seed, o.customers, startMs, endMs);
  const factory = new EventFactory(rng, customers, catalog);
  const anyDefects = DEFECT_KINDS.some((k) => o.defects[k] > 0);
  const slotMax = Math.floor(o.maxBufferedEvents / 4);
  const maxPending = Math.floor(o.maxBufferedEvents / 4);
  const batchPrefix = `gen-s${o.seed}`;

  // Reference data: the valid customer ids (for reconciliation) and the catalog extracts.
  const idsFile = new LineFile(join(out, "reference", "customer_ids.txt"));
  for (let i = 0; i < customers.count; i++) {
    idsFile.write(customerId(i));
    if (i % 100_000 === 99_999) await idsFile.settle();
  }
  await idsFile.close();
  const catalogCsvPath = join(
    "landing",
    landingPath("catalog", "product", new Date(startMs), `${batchPrefix}-catalog`, "csv"),
  );
  const catalogJsonlPath = join(
    "landing",
    landingPath("catalog", "product", new Date(startMs), `${batchPrefix}-catalog`),
  );
  const csvFile = new LineFile(join(lakeDir, catalogCsvPath));
  csvFile.write(catalogCsv(catalog.products).trimEnd());
  await csvFile.close();
  const catalogRng = Rng.derive(o.seed, 0xca7);
  const jsonlFile = new LineFile(join(lakeDir, catalogJsonlPath));
  for (const product of catalog.products) {
    jsonlFile.write(
      JSON.stringify({
        eventId: catalogRng.uuid(),
        eventType: "product",
        schemaVersion: "1.0",
        source: "catalog",
        occurredAt: new Date(startMs).toISOString(),
        payload: product,
      }),
    );
  }
  await jsonlFile.close();

  // Delivery.
  const queue = new DeliveryQueue();
  const stream = o.landingAll ? undefined : new PartedFile(join(out, "stream"), "events", o.partLines);
  const landing = o.landingAll ? new LandingFiles(lakeDir, batchPrefix, o.partLines) : undefined;
  const defects = Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0])) as Record<DefectKind, number>;
  const byType = Object.fromEntries(STREAM_EVENT_TYPES.map((t) => [t, 0])) as Record<StreamEventType, number>;
  const bySource = Object.fromEntries(SOURCE_SYSTEMS.map((s) => [s, 0])) as Record<SourceSystem, number>;
  let lines = 0;
  let seq = 0;
  let maxOccurred = -Infinity;
  let generated = 0;

  // Customers one of whose profile records the contract rejects: identity plants leave them out.
  const rejectedProfiles = new Set<string>();
  const emit = ({ envelope, occurredMs }: Emitted, clean = false): void => {
    generated++;
    let defect: DefectKind | undefined;
    if (anyDefects && !clean) {
      const profile = envelope.eventType === "customer_profile";
      defect = drawDefect(
        defectRng,
        o.defects,
        envelope.eventType,
        envelope.customerId !== undefined,
        profile,
        profile && envelope.payload.phone !== undefined,
      );
      if ((defect === "late" || defect === "duplicate") && queue.deferred >= maxPending) defect = undefined;
      if (defect) corrupt(defect, envelope, defectRng, () => unknownCustomerId(customers.count, defectRng));
      if (
        profile &&
        defect !== undefined &&
        REJECTING_DEFECTS.has(defect) &&
        envelope.customerId !== undefined
      )
        rejectedProfiles.add(envelope.customerId);
    }
    let line = JSON.stringify(envelope);
    const parseable = defect !== "unparseable_line";
    if (!parseable) line = garble(line, defectRng);
    const latency = rng.int(5000);
    const enqueue = (deliverAt: number, kind: typeof defect, deferred: boolean) =>
      queue.push({
        deliverAt,
        seq: seq++,
        occurredAt: occurredMs,
        line,
        source: envelope.source,
        eventType: envelope.eventType,
        defect: kind,
        parseable,
        deferred,
      });
    if (defect === "late") {
      enqueue(occurredMs + DAY_MS + 2 * HOUR_MS + defectRng.int(70 * HOUR_MS), defect, true);
    } else if (defect === "duplicate") {
      // The original goes out clean; the redelivered copy carries the defect.
      const deliverAt = occurredMs + latency;
      enqueue(deliverAt, undefined, false);
      enqueue(deliverAt + 60_000 + defectRng.int(6 * HOUR_MS - 60_000), defect, true);
    } else {
      enqueue(occurredMs + latency, defect, false);
    }
  };

  const deliver = async (limit: number): Promise<void> => {
    for (let item = queue.popBefore(limit); item; item = queue.popBefore(limit)) {
      if (item.parseable) {
        // "Late" means what a consumer can observe: it arrives more than a day behind the newest event seen.
        if (item.defect === "late" && !(maxOccurred - item.occurredAt > DAY_MS)) item.defect = undefined;
        if (item.occurredAt > maxOccurred) maxOccurred = item.occurredAt;
      }
      if (item.defect) defects[item.defect]++;
      if (item.defect !== "duplicate") {
        byType[item.eventType as StreamEventType]++;
        bySource[item.source]++;
      }
      lines++;
      if (stream) {
        if (!stream.tryWrite(item.line)) await stream.write(item.line);
      } else landing!.write(item.line, item.source, item.eventType, item.deliverAt);
    }
    await stream?.settle();
    await landing?.settle();
  };

  // Plan: per-type counts per day (seasonality), then per hour (daily curve).
  const dayStarts = Array.from({ length: o.days }, (_, d) => startMs + d * DAY_MS);
  const weights = dayStarts.map(dayWeight);
  const profileUpdates = o.counts.customer_profile - o.customers;
  // Identity plants (true duplicates and traps) take the place of some updates: the totals stay as asked.
  const planned = plantCounts(o.customers, profileUpdates);
  const updates = profileUpdates - planned.duplicates - planned.trapProfiles;
  const perDay = {
    order: apportion(o.counts.order, weights),
    behavioral: apportion(o.counts.behavioral_event, weights),
    support: apportion(o.counts.support_interaction, weights),
    updates: apportion(
      updates,
      dayStarts.map(() => 1),
    ),
  };
  const total = STREAM_EVENT_TYPES.reduce((sum, t) => sum + o.counts[t], 0);
  let activated = 0;
  const split = (c: number, j: number, k: number) => Math.floor((c * (j + 1)) / k) - Math.floor((c * j) / k);
  const uniform = (s0: number, s1: number) => s0 + Math.floor(rng.float() * (s1 - s0));

  for (let d = 0; d < o.days; d++) {
    const hours = {
      order: apportion(perDay.order[d], SHOPPING_HOURS),
      behavioral: apportion(perDay.behavioral[d], SHOPPING_HOURS),
      support: apportion(perDay.support[d], OFFICE_HOURS),
      updates: apportion(perDay.updates[d], OFFICE_HOURS),
    };
    for (let h = 0; h < 24; h++) {
      const h0 = dayStarts[d] + h * HOUR_MS;
      const h1 = h0 + HOUR_MS;
      const activations = customers.activeCount(h1 - 1) - activated;
      const hourTotal =
        activations + hours.order[h] + hours.behavioral[h] + hours.support[h] + hours.updates[h];
      const k = Math.max(1, Math.ceil(hourTotal / (slotMax - 8)));
      for (let j = 0; j < k; j++) {
        const s0 = h0 + Math.floor((j * HOUR_MS) / k);
        const s1 = h0 + Math.floor(((j + 1) * HOUR_MS) / k);
        // New customers first: their initial profile precedes anything they do.
        const activeEnd = customers.activeCount(s1 - 1);
        for (; activated < activeEnd; activated++)
          emit(factory.profile(activated, 0, customers.activeFrom[activated]));
        for (let n = split(hours.updates[h], j, k); n > 0; n--) {
          const t = uniform(s0, s1);
          const i = customers.pickAny(rng, t);
          emit(factory.profile(i, ++customers.updates[i], t));
        }
        let ordersLeft = split(hours.order[h], j, k);
        let behaviourLeft = split(hours.behavioral[h], j, k);
        while (behaviourLeft > 0) {
          const session = factory.session(uniform(s0, s1), behaviourLeft, ordersLeft > 0);
          for (const e of session.events) emit(e);
          behaviourLeft -= session.events.length;
          if (session.order) {
            emit(session.order);
            ordersLeft--;
          }
        }
        for (; ordersLeft > 0; ordersLeft--) {
          const t = uniform(s0, s1);
          emit(factory.order(customers.pickBuyer(rng, t), t));
        }
        for (let n = split(hours.support[h], j, k); n > 0; n--) {
          const t = uniform(s0, s1);
          emit(factory.support(customers.pickAny(rng, t), t));
        }
        await deliver(s1);
        options.onProgress?.(generated, total);
      }
    }
  }
  const identity = plantIdentity(o.seed, customers, profileUpdates, rejectedProfiles);
  for (const e of plantEvents(factory, identity.plants, endMs)) emit(e, true);
  await deliver(Infinity);
  await stream?.close();
  await landing?.close();

  const invalid =
    defects.unparseable_line +
    defects.invalid_email +
    defects.invalid_phone +
    defects.missing_required_field +
    defects.unknown_schema_version;
  const manifest: Manifest = {
    generator: "c360 generate",
    formatVersion: 1,
    seed: o.seed,
    options: o,
    window: { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), days: o.days },
    customers: o.customers,
    products: o.products,
    counts: {
      events: generated,
      lines,
      byType: { ...byType, product: o.products },
      bySource: { ...bySource, catalog: o.products },
    },
    defects,
    identity: identity.truth,
    expected: {
      lines,
      unparseableLines: defects.unparseable_line,
      invalidEvents: invalid - defects.unparseable_line,
      validEvents: lines - invalid,
      uniqueValidEvents: lines - invalid - defects.duplicate,
      unknownCustomerEvents: defects.unknown_customer,
      warningEvents: defects.unexpected_field,
    },
    files: {
      stream: stream ? stream.files.map((f) => `stream/${f}`) : [],
      landing: landing ? landing.files : [],
      catalog: [catalogCsvPath, catalogJsonlPath].map((p) => p.split("\\").join("/")),
      customerIds: "reference/customer_ids.txt",
    },
    memory: { peakBufferedEvents: queue.peak, maxBufferedEvents: o.maxBufferedEvents },
  };
  await writeManifest(out, manifest);
  return manifest;
}
