/**
 * Seasonality: a yearly curve with a November/December peak (Black Friday, Cyber Monday, the
 * run-up to Christmas), a weekly curve with busier weekends, and a daily curve per activity.
 * All times are UTC.
 */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** January … December. */
export const MONTH_FACTORS = [0.85, 0.8, 0.9, 0.9, 0.95, 0.95, 0.95, 1.0, 0.95, 1.0, 1.3, 1.55] as const;
/** Sunday … Saturday. */
export const WEEKDAY_FACTORS = [1.1, 0.9, 0.9, 0.95, 1.0, 1.1, 1.25] as const;

/** Shopping and browsing: quiet nights, a lunch bump, an evening peak. */
export const SHOPPING_HOURS = [
  0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.5, 0.8, 1.0, 1.1, 1.2, 1.3, 1.2, 1.1, 1.1, 1.2, 1.3, 1.5, 1.7, 1.8,
  1.6, 1.1, 0.6,
] as const;
/** Support desks and CRM updates: office hours. */
export const OFFICE_HOURS = [
  0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.3, 1.5, 1.5, 1.4, 1.2, 1.4, 1.5, 1.4, 1.2, 0.9, 0.5, 0.3,
  0.2, 0.1, 0.05, 0.05,
] as const;

/** Day after the fourth Thursday of November. */
export function blackFriday(year: number): number {
  const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const firstThursday = 1 + ((4 - nov1 + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 21 + 1);
}

/** Relative activity of the UTC day that starts at `dayStartMs`. */
export function dayWeight(dayStartMs: number): number {
  const d = new Date(dayStartMs);
  let w = MONTH_FACTORS[d.getUTCMonth()] * WEEKDAY_FACTORS[d.getUTCDay()];
  const bf = blackFriday(d.getUTCFullYear());
  if (dayStartMs === bf) w *= 2.5;
  else if (dayStartMs === bf + 3 * DAY_MS)
    w *= 2.0; // Cyber Monday
  else if (d.getUTCMonth() === 11 && d.getUTCDate() <= 22) w *= 1.2;
  else if (d.getUTCMonth() === 11 && d.getUTCDate() >= 25) w *= 0.7;
  return w;
}
