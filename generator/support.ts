/** Support interactions: type, priority, category, status, resolution time, satisfaction and sentiment. */
import {
  INTERACTION_TYPES,
  type SupportInteraction,
  TICKET_CATEGORIES,
  TICKET_PRIORITIES,
} from "../contracts";
import { customerId } from "./customers";
import type { Emitted, EventContext } from "./events";

export function buildSupport(ctx: EventContext, i: number, at: number): Emitted {
  const rng = ctx.rng;
  const category = rng.weighted(TICKET_CATEGORIES, [30, 25, 30, 15]);
  const status = rng.weighted(["RESOLVED", "CLOSED", "IN_PROGRESS", "OPEN"] as const, [55, 20, 15, 10]);
  const done = status === "RESOLVED" || status === "CLOSED";
  const satisfaction =
    done && rng.bool(0.75) ? rng.weighted([5, 4, 3, 2, 1], [35, 30, 15, 10, 10]) : undefined;
  const sentiment =
    satisfaction !== undefined
      ? Math.max(-1, Math.min(1, (satisfaction - 3) * 0.4 + rng.normal() * 0.15))
      : Math.max(-1, Math.min(1, rng.normal() * 0.4));
  const seq = ++ctx.seq.support;
  const payload: SupportInteraction = {
    interactionId: `INT-${String(seq).padStart(8, "0")}`,
    ticketId: `TCK-${String(Math.ceil(seq / 1.3)).padStart(8, "0")}`,
    interactionType: rng.weighted(INTERACTION_TYPES, [30, 25, 30, 10, 5]),
    priority: rng.weighted(TICKET_PRIORITIES, [35, 40, 20, 5]),
    category,
    status,
    subject: rng.pick(SUBJECTS[category]),
    resolutionTimeMin: done ? Math.min(525600, Math.round(rng.lognormal(90, 1.1))) : undefined,
    satisfactionScore: satisfaction,
    sentimentScore: Math.round(sentiment * 100) / 100,
    agentId: `AGT-${String(rng.range(1, 40)).padStart(3, "0")}`,
  };
  return ctx.envelope("support_interaction", "1.0", "support", at, customerId(i), payload);
}

const SUBJECTS: Record<(typeof TICKET_CATEGORIES)[number], readonly string[]> = {
  BILLING: ["Charged twice", "Refund not received", "Invoice request", "Promo code not applied"],
  TECHNICAL: ["Cannot log in", "App crashes at checkout", "Password reset email missing"],
  PRODUCT: ["Item arrived damaged", "Wrong size delivered", "Product question", "Missing part"],
  GENERAL: ["Store opening hours", "Loyalty points balance", "Change of address"],
};
