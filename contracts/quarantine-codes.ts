import { ERROR_CODES } from "./validator";

/**
 * Quarantine reasons that are not validation codes, named once for both paths: the real-time quarantine
 * (functions/src/core/quarantine.ts) and the batch path's bronze rule (models/bronze/events.sql, checked by
 * tests/pipeline/contract-codes.test.ts).
 */

/** A record that is not a JSON object: not JSON at all, truncated, or JSON of another shape. */
export const UNPARSEABLE_CODE = "unparseable";

/**
 * The reason of a rejected record, the same on both paths: of its codes, the first in ERROR_CODES order (the batch
 * path's generated drop rules come in that order, models/rules.ts); a code outside ERROR_CODES (unparseable, …)
 * only when it is the record's only kind. `codes` in the order found; undefined when empty.
 */
export function reasonCode(codes: readonly string[]): string | undefined {
  const rank = (c: string) => {
    const i = (ERROR_CODES as readonly string[]).indexOf(c);
    return i < 0 ? ERROR_CODES.length : i;
  };
  let best: string | undefined;
  for (const c of codes) if (best === undefined || rank(c) < rank(best)) best = c;
  return best;
}
