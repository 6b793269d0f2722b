/**
 * Marketing consent: one rule for both paths. A customer may be used for marketing (personalization, lead scoring,
 * activation) only with consent on at least one marketing channel; no consent statement is no consent. The batch
 * path applies the same rule in models/gold/marketing_consent.sql (a test keeps the channel lists equal).
 */
export const MARKETING_CHANNELS = ["email", "sms", "push"] as const;
export type MarketingChannel = (typeof MARKETING_CHANNELS)[number];

export function hasMarketingConsent(
  consent: Partial<Record<MarketingChannel, boolean | null>> | undefined | null,
): boolean {
  return !!consent && MARKETING_CHANNELS.some((channel) => consent[channel] === true);
}

/** Per-channel consent with the instant its statement took effect: what a profile change event carries. */
export type ChannelConsent = Record<MarketingChannel, boolean> & { updatedAt: string | null };

/**
 * The activation gate, one rule for the real-time path and the traits sync: a trait change event is published only
 * for a customer with marketing consent (hasMarketingConsent) and carries the per-channel consent, so activation
 * uses only the channels consented to; `undefined` means the event is withheld. `updatedAt` is when the statement
 * took effect: the real-time profile's consent stamp, gold.marketing_consent's `consent_updated_at` (the same rule:
 * the statement's own updatedAt, never later than the record that reported it), as an ISO instant in UTC.
 */
export function activationConsent(
  consent: Partial<Record<MarketingChannel, boolean | null>> | undefined | null,
  updatedAt: string | null | undefined,
): ChannelConsent | undefined {
  if (!hasMarketingConsent(consent)) return undefined;
  return {
    email: consent?.email === true,
    sms: consent?.sms === true,
    push: consent?.push === true,
    updatedAt: instant(updatedAt),
  };
}

/** An ISO instant in UTC with milliseconds (both paths' stamps compare equal); null when absent or not an instant. */
function instant(value: string | null | undefined): string | null {
  const t = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
