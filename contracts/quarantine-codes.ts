/**
 * Quarantine reasons that are not validation codes, named once for both paths: the real-time quarantine
 * (functions/src/core/quarantine.ts) and the batch path's bronze rule (models/bronze/events.sql, checked by
 * tests/pipeline/contract-codes.test.ts).
 */

/** A record that is not a JSON object: not JSON at all, truncated, or JSON of another shape. */
export const UNPARSEABLE_CODE = "unparseable";
