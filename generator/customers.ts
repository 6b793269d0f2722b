/**
 * Customer master data. Only compact per-customer arrays are kept in memory (activation time,
 * country, favourite category, purchase propensity, number of profile updates); a customer's full
 * profile is recomputed on demand from (seed, customer index, update number), so memory stays small
 * even for millions of customers and every profile snapshot is reproducible.
 */
import type { CustomerProfile } from "../contracts";
import { COMMUNICATION_CHANNELS, CUSTOMER_STATUSES, PRODUCT_CATEGORIES, SALES_CHANNELS } from "../contracts";
import { COUNTRIES, emailLocal, FEMALE_NAMES, LAST_NAMES, MALE_NAMES, STREETS } from "./geography";
import { AliasTable, Rng } from "./prng";

const DAY_MS = 86_400_000;
/** Share of customers already registered when the window starts (their initial profiles load on day 1). */
export const INITIAL_LOAD_SHARE = 0.8;

const idCache: string[] = [];

export function customerId(index: number): string {
  // Ids are requested for every event; formatting each once keeps that off the hot path.
  if (index < 10_000_000) return (idCache[index] ??= `CUST-${String(index + 1).padStart(7, "0")}`);
  return `CUST-${String(index + 1).padStart(7, "0")}`;
}

/** A well-formed id that is guaranteed not to belong to any of `count` customers. */
export function unknownCustomerId(count: number, rng: Rng): string {
  return customerId(count + 1 + rng.int(9_000_000));
}

const countryPicker = new AliasTable(COUNTRIES.map((c) => c.weight));

export class CustomerBook {
  readonly count: number;
  /** Epoch ms from which the customer exists (its first profile event); non-decreasing in the index. */
  readonly activeFrom: Float64Array;
  readonly country: Uint8Array;
  readonly favoriteCategory: Uint8Array;
  readonly preferredChannel: Uint8Array;
  /** Relative purchase propensity (Pareto: a few heavy buyers, a long tail). */
  readonly propensity: Float64Array;
  /** Profile updates emitted so far per customer. */
  readonly updates: Uint16Array;
  private readonly purchasePicker: AliasTable;
  /** Customers of the initial CRM load (registered before the window). */
  readonly initialCount: number;

  constructor(
    private readonly seed: number,
    count: number,
    private readonly startMs: number,
    endMs: number,
  ) {
    if (count < 1) throw new Error("at least one customer is required");
    this.count = count;
    this.activeFrom = new Float64Array(count);
    this.country = new Uint8Array(count);
    this.favoriteCategory = new Uint8Array(count);
    this.preferredChannel = new Uint8Array(count);
    this.propensity = new Float64Array(count);
    this.updates = new Uint16Array(count);
    const rng = Rng.derive(seed, 0xc0570);
    // The initial CRM load is spread over the first day; later registrations over the rest of the window.
    const firstDay = Math.min(DAY_MS, endMs - startMs);
    const span = endMs - startMs - firstDay;
    const initial = span > 0 ? Math.max(1, Math.round(count * INITIAL_LOAD_SHARE)) : count;
    this.initialCount = initial;
    for (let i = 0; i < initial; i++) this.activeFrom[i] = startMs + Math.floor((i * firstDay) / initial);
    const later = count - initial;
    for (let i = 0; i < later; i++) {
      this.activeFrom[initial + i] = startMs + firstDay + Math.floor(((i + rng.float()) * span) / later);
    }
    for (let i = 0; i < count; i++) {
      this.country[i] = countryPicker.sample(rng);
      this.favoriteCategory[i] = rng.int(PRODUCT_CATEGORIES.length);
      this.preferredChannel[i] = rng.weighted([0, 1, 2, 3], [40, 35, 20, 5]);
      this.propensity[i] = Math.min(rng.pareto(1.2), 400);
    }
    this.purchasePicker = new AliasTable(this.propensity);
  }

  /** Number of customers that exist at `t` (a prefix of the index range). */
  activeCount(t: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.activeFrom[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A customer existing at `t`, weighted by purchase propensity. */
  pickBuyer(rng: Rng, t: number): number {
    for (let attempt = 0; attempt < 4; attempt++) {
      const i = this.purchasePicker.sample(rng);
      if (this.activeFrom[i] <= t) return i;
    }
    return this.pickAny(rng, t);
  }

  /** Any customer existing at `t`, uniformly. */
  pickAny(rng: Rng, t: number): number {
    return rng.int(Math.max(1, this.activeCount(t)));
  }

  currency(i: number): string {
    return COUNTRIES[this.country[i]].currency;
  }

  /** The full profile after `update` updates (0 = the initial record), in the newest schema's shape. */
  profile(i: number, update: number): CustomerProfile {
    const country = COUNTRIES[this.country[i]];
    const r = Rng.derive(this.seed, 0xc1, i);
    const female = r.bool(0.52);
    const firstName = r.pick(female ? FEMALE_NAMES : MALE_NAMES);
    const lastName = r.pick(LAST_NAMES);
    const gender =
      r.float() < 0.04 ? r.pick(["NON_BINARY", "UNDISCLOSED"] as const) : female ? "FEMALE" : "MALE";
    const startYear = new Date(this.startMs).getUTCFullYear();
    const birth = new Date(Date.UTC(startYear - r.range(18, 80), r.int(12), r.range(1, 28)));
    const registered =
      i < this.initialCount
        ? new Date(this.startMs - r.range(1, 5 * 365) * DAY_MS)
        : new Date(this.activeFrom[i]);
    const tag = (i + 1).toString(36);
    const domain = r.pick(country.emailDomains);
    let email = `${emailLocal(firstName)}.${emailLocal(lastName)}${tag}@${domain}`;
    // Some CRMs keep what the customer typed: mixed case, stray blanks (normalized downstream).
    if (r.bool(0.05)) {
      const first = emailLocal(firstName);
      email = ` ${first[0].toUpperCase()}${first.slice(1)}.${emailLocal(lastName)}${tag}@${domain.toUpperCase()} `;
    }
    const hasPhone = r.bool(0.85);
    let phone = country.phone(r);
    const hasAddress = r.bool(0.9);
    const makeAddress = (ar: Rng) => {
      const city = ar.pick(country.cities);
      return {
        line1: `${ar.range(1, 999)} ${ar.pick(STREETS)}`,
        ...(ar.bool(0.15) ? { line2: `Apt ${ar.range(1, 120)}` } : {}),
        city: city.city,
        ...(city.stateCode ? { stateCode: city.stateCode } : {}),
        postalCode: city.postal(ar),
        countryCode: country.code,
      };
    };
    let address = makeAddress(r);
    const p = this.propensity[i];
    const segment = p > 4 ? "PREMIUM" : p > 1.6 ? "STANDARD" : "BASIC";
    let points = Math.round(p * r.range(50, 400));
    const tierFor = (pts: number) =>
      pts > 4000 ? "PLATINUM" : pts > 1500 ? "GOLD" : pts > 400 ? "SILVER" : "BRONZE";
    const status = r.weighted(CUSTOMER_STATUSES, [92, 6, 2]);
    const consent = { email: r.bool(0.7), sms: r.bool(0.35), push: r.bool(0.5) };
    const favorite = PRODUCT_CATEGORIES[this.favoriteCategory[i]];
    const second = r.pick(PRODUCT_CATEGORIES);
    const categories = second === favorite ? [favorite] : [favorite, second];
    const communication = COMMUNICATION_CHANNELS.filter(() => r.bool(0.4));
    const externalIds: Record<string, string> = {};
    if (r.bool(0.6)) externalIds.ecommerce = `SHOP-${r.range(100000, 999999)}`;
    if (r.bool(0.3)) externalIds.loyalty_app = `LOY.${tag.toUpperCase()}`;
    const hasDob = r.bool(0.9);

    for (let u = 1; u <= update; u++) {
      const ur = Rng.derive(this.seed, 0xc2, i, u);
      const kind = ur.weighted(
        ["address", "consent", "email", "phone", "loyalty"] as const,
        [30, 25, 15, 10, 20],
      );
      if (kind === "address") address = makeAddress(ur);
      else if (kind === "consent") {
        consent.email = !consent.email;
        consent.sms = ur.bool(0.35);
      } else if (kind === "email")
        email = `${emailLocal(firstName)[0]}${emailLocal(lastName)}${tag}u${u}@${ur.pick(country.emailDomains)}`;
      else if (kind === "phone") phone = country.phone(ur);
      else points += ur.range(20, 800);
    }

    const profile: CustomerProfile = {
      customerId: customerId(i),
      firstName,
      lastName,
      email,
      ...(hasPhone ? { phone } : {}),
      ...(hasDob ? { dateOfBirth: birth.toISOString().slice(0, 10) } : {}),
      gender,
      ...(hasAddress ? { address } : {}),
      customerSegment: segment,
      loyaltyTier: tierFor(points),
      loyaltyPoints: points,
      registrationDate: registered.toISOString().slice(0, 10),
      status,
      preferredChannel: SALES_CHANNELS[this.preferredChannel[i]],
      consent,
      preferences: { categories, communication },
      ...(Object.keys(externalIds).length ? { externalIds } : {}),
    };
    return profile;
  }
}
