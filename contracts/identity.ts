/**
 * Identity resolution rules shared by the batch path (silver.customer_identity, rendered by models/rules.ts) and
 * the tests that measure merges against the generator's planted duplicates and traps.
 */

export const IDENTITY_RULES = {
  /**
   * An email or phone shared by more profiles than this links none of them (a store's phone, a family inbox, a
   * placeholder that passed validation): like the identity limits of Segment-style resolvers. A real person has
   * a handful of source records (CRM, POS, e-commerce); a shared line has dozens.
   */
  maxProfilesPerIdentifier: 3,
} as const;

/**
 * Within the limit, an identifier links only profiles whose holders agree on the first name (case-insensitive):
 * a family inbox or a household phone joins different people (`conflicting_holders`). Nicknames (Robert / Bob)
 * are therefore not merged by email or phone alone; external ids still link them.
 */

/** Reasons a candidate link is refused, as recorded in silver.identity_links (`refusal_reason`). */
export const LINK_REFUSAL_REASONS = [
  "invalid_identifier",
  "shared_beyond_limit",
  "conflicting_holders",
] as const;
export type LinkRefusalReason = (typeof LINK_REFUSAL_REASONS)[number];
