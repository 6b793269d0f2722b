/**
 * Ground truth for identity resolution: profiles planted so a test can measure merges.
 *
 * - True duplicates: a customer also signed up at a store, so the POS system holds a second profile of the same
 *   person under its own id (`POS-…`, source `pos`), carrying the customer's current email (typed differently) or
 *   the current phone (in E.164 where the CRM has it formatted) and a store-issued email. Resolution must merge
 *   each pair.
 * - Traps: strangers who share an identifier — a placeholder phone a clerk typed, one store's phone, a family's
 *   email. Resolution must merge none of them.
 *
 * The plants take the place of profile updates in the requested counts (the event totals stay as asked; a run
 * whose customers' profiles were mostly rejected may plant fewer duplicates than it set aside), are
 * emitted clean (no defect is drawn for them) in the last hour of the window and are listed in the manifest.
 */
import { normalizePhone } from "../contracts";
import { type CustomerBook, customerId } from "./customers";
import type { Emitted, EventFactory } from "./events";
import { emailLocal, FEMALE_NAMES, LAST_NAMES, MALE_NAMES } from "./geography";
import { Rng } from "./prng";

/** Share of customers with a second (POS) profile. */
export const DUPLICATE_RATE = 0.02;
/** A number CRMs are full of: valid by the numbering plan, nobody's phone. */
export const PLACEHOLDER_PHONE = "+1 212 555 5555";
export const STORE_PHONE = "+1 312 555 0142";

export interface TruePair {
  crmId: string;
  posId: string;
  /** The identifier the two records share. */
  via: "email" | "phone";
}

export interface Trap {
  kind: "placeholder_phone" | "store_phone" | "family_email";
  /** Profiles of different people sharing one identifier: none may merge with another. */
  ids: string[];
}

export interface IdentityTruth {
  duplicates: TruePair[];
  traps: Trap[];
}

export interface Plant {
  profile: Record<string, unknown>;
  customerId: string;
}

/** How many plants a run of `customers` customers holds (before capping by the update budget). */
export function plannedPlants(customers: number): { duplicates: number; trapProfiles: number } {
  const duplicates = Math.floor(customers * DUPLICATE_RATE);
  // 6 on a placeholder, 5 on a store phone, 3 families of 2: only for data sets big enough to hold them.
  const trapProfiles = customers >= 100 ? 17 : 0;
  return { duplicates, trapProfiles };
}

/** How many profile events the plants of a run take from the `budget` of profile updates. */
export function plantCounts(customers: number, budget: number): { duplicates: number; trapProfiles: number } {
  const planned = plannedPlants(customers);
  const trapProfiles = planned.trapProfiles <= budget ? planned.trapProfiles : 0;
  return { duplicates: Math.max(0, Math.min(planned.duplicates, budget - trapProfiles)), trapProfiles };
}

/**
 * The plants for a run, within `budget` profile events; called after the window's updates, so a duplicate
 * carries its customer's current email or phone.
 */
export function plantIdentity(
  seed: number,
  customers: CustomerBook,
  budget: number,
  /** Customers with a profile record the contract rejects (an injected defect): no second record is planted
   * for them, since their first may never reach the lake — a pair no resolver can see is no ground truth. */
  rejectedProfiles: ReadonlySet<string> = new Set(),
): { plants: Plant[]; truth: IdentityTruth } {
  const rng = Rng.derive(seed, 0x1de);
  const counts = plantCounts(customers.count, budget);
  const { trapProfiles } = counts;
  const duplicates = Math.min(counts.duplicates, customers.count - rejectedProfiles.size);
  const plants: Plant[] = [];
  const truth: IdentityTruth = { duplicates: [], traps: [] };

  // True duplicates: distinct customers, spread over the book.
  const chosen = new Set<number>();
  while (chosen.size < duplicates) {
    const i = rng.int(customers.count);
    if (!rejectedProfiles.has(customerId(i))) chosen.add(i);
  }
  let n = 0;
  for (const i of [...chosen].sort((a, b) => a - b)) {
    const current = customers.profile(i, customers.updates[i] ?? 0) as Record<string, unknown>;
    const posId = `POS-${String(++n).padStart(6, "0")}`;
    const phone = typeof current.phone === "string" ? normalizePhone(current.phone) : undefined;
    const byPhone = phone !== undefined && rng.bool(0.5);
    const email = String(current.email).trim();
    const profile: Record<string, unknown> = {
      customerId: posId,
      firstName: current.firstName,
      lastName: current.lastName,
      // The same mailbox as typed at a till (upper case), or a store-issued one beside the same phone.
      email: byPhone
        ? `${emailLocal(String(current.firstName))}.${posId.toLowerCase()}@store.example.com`
        : email.toUpperCase(),
      ...(byPhone ? { phone } : {}),
      registrationDate: current.registrationDate,
      status: "ACTIVE",
      customerSegment: current.customerSegment,
      loyaltyTier: "BRONZE",
      loyaltyPoints: 0,
      consent: { email: false, sms: false },
    };
    plants.push({ profile, customerId: posId });
    truth.duplicates.push({ crmId: customerId(i), posId, via: byPhone ? "phone" : "email" });
  }

  if (trapProfiles > 0) {
    let t = 0;
    const used = new Set<string>();
    const stranger = (extra: Record<string, unknown>, last?: string): Plant => {
      const id = `POS-T${String(++t).padStart(4, "0")}`;
      // Distinct first names: strangers (and family members) are different people.
      let first: string;
      do first = rng.pick(rng.bool(0.5) ? FEMALE_NAMES : MALE_NAMES);
      while (used.has(first));
      used.add(first);
      return {
        customerId: id,
        profile: {
          customerId: id,
          firstName: first,
          lastName: last ?? rng.pick(LAST_NAMES),
          email: `walkin.${id.toLowerCase()}@store.example.com`,
          registrationDate: "2024-01-01",
          status: "ACTIVE",
          customerSegment: "BASIC",
          loyaltyTier: "BRONZE",
          loyaltyPoints: 0,
          consent: { email: false, sms: false },
          ...extra,
        },
      };
    };
    const group = (kind: Trap["kind"], members: Plant[]) => {
      plants.push(...members);
      truth.traps.push({ kind, ids: members.map((m) => m.customerId) });
    };
    group(
      "placeholder_phone",
      Array.from({ length: 6 }, () => stranger({ phone: PLACEHOLDER_PHONE })),
    );
    group(
      "store_phone",
      Array.from({ length: 5 }, () => stranger({ phone: STORE_PHONE })),
    );
    for (let f = 1; f <= 3; f++) {
      const last = rng.pick(LAST_NAMES);
      const email = `${emailLocal(last)}.family${f}@gmail.com`;
      group("family_email", [stranger({ email }, last), stranger({ email }, last)]);
    }
  }
  return { plants, truth };
}

/** The plants as profile events of the `pos` source, in the window's last hour. */
export function plantEvents(factory: EventFactory, plants: Plant[], endMs: number): Emitted[] {
  return plants.map((p, k) =>
    factory.posProfile(
      p.profile,
      p.customerId,
      endMs - 3_600_000 + Math.floor((k * 3_000_000) / plants.length),
    ),
  );
}
