/**
 * Marketing consent: one rule for both paths. A customer may be used for marketing (personalization, lead scoring,
 * activation) only with consent on at least one marketing channel; no consent statement is no consent. The batch
 * path applies the same rule in models/gold/marketing_consent.sql (a test keeps the channel lists equal).
 */
export const MARKETING_CHANNELS = ["email", "sms", "push"] as const;
export type MarketingChannel = (typeof MARKETING_CHANNELS)[number];

export function hasMarketingConsent(
  consent: Partial<Record<MarketingChannel, boolean>> | undefined | null,
): boolean {
  return !!consent && MARKETING_CHANNELS.some((channel) => consent[channel] === true);
}
