/**
 * SQL the silver event models share, defined once here and rendered into each model that uses it as a generated
 * block (models/rules.ts BLOCKS; `npm run models:build`; tests/pipeline/generated-sql.test.ts fails on drift). The
 * rendered model is plain SQL, so both engines run the same text: DuckDB through pipeline/duckdb, Databricks through
 * notebooks/c360, which read the model files as they are.
 *
 * - rescued fields: the payload's keys that its contract does not name (every schema version of the event type),
 *   sorted and comma-separated ('' when none) — the fields the real-time validator warns about as unexpected;
 * - latest version: per natural key, the newest version in the run's input (occurredAt, then eventId) among the
 *   versions that pass the model's drop rules; a version that fails them stays (and is quarantined by them), so an
 *   invalid later version never hides a valid earlier one — as on the real-time path, where the valid version is
 *   applied and the invalid one quarantined, whichever window each arrives in. A row without a key is ranked by its
 *   event id, and a row without either stays.
 */
import { allSchemaDocuments } from "../contracts/json-schema";
import { allPass, dropRules } from "../pipeline/core/expectations";
import { parseAnnotations } from "../pipeline/models";

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const identifier = (s: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`not a column or relation name: ${s}`);
  return s;
};

/** Payload fields the contracts name for `eventType`, over every schema version, in schema order. */
export function contractPayloadFields(eventType: string): string[] {
  const fields = new Set<string>();
  for (const [path, doc] of Object.entries(allSchemaDocuments())) {
    if (!path.startsWith(`${eventType}/`)) continue;
    const payload = (doc.properties as Record<string, { properties?: Record<string, unknown> }>).payload;
    for (const f of Object.keys(payload?.properties ?? {})) fields.add(f);
  }
  if (fields.size === 0) throw new Error(`no contract for event type ${eventType}`);
  return [...fields];
}

/**
 * The rescued fields of a parsed payload `pm` (a `MAP<STRING, STRING>`): its keys not named by the contract of
 * `eventType` nor in `alsoKnown` (columns a source sends besides the contract, e.g. a catalog extract's).
 */
export function rescuedFieldsSql(eventType: string, pm: string, alsoKnown: string[] = []): string {
  const known = [...contractPayloadFields(eventType), ...alsoKnown];
  return [
    `coalesce(array_join(array_sort(array_except(`,
    `  map_keys(${pm}),`,
    `  split(${lit(known.join(","))}, ',')`,
    `)), ','), '')`,
  ].join("\n");
}

/**
 * Two CTEs, `versioned_keys` and `latest`: the newest version of each `key` among the rows of `relation` that pass
 * `valid` (`version_rank` = 1), by occurred_at (NULL last), then event_id; rows failing `valid` keep rank 1, for the
 * model's drop rules to quarantine. Only keys with more than one version go through the ranking window (a window
 * over every wide row cost more than the rest of a model; as silver.event_deliveries does for redeliveries), so
 * `valid` is evaluated on those rows only.
 */
export function latestVersionSql(relation: string, key: string, valid: string): string {
  const k = `coalesce(n.${identifier(key)}, n.event_id)`;
  const rel = identifier(relation);
  return `versioned_keys AS (
  -- Keys with more than one version in this input: only these go through the ranking window.
  SELECT ${k} AS version_key
  FROM ${rel} AS n
  WHERE ${k} IS NOT NULL
  GROUP BY ${k}
  HAVING count(*) > 1
),

latest AS (
  -- The latest valid version of each key (rows without a key stay apart; invalid versions stay for the quarantine).
  SELECT n.*, 1 AS version_rank
  FROM ${rel} AS n
  WHERE ${k} IS NULL
    OR ${k} NOT IN (SELECT k.version_key FROM versioned_keys AS k)
  UNION ALL
  SELECT * FROM (
    SELECT
      n.*,
      CASE WHEN ${valid} THEN row_number() OVER (
        PARTITION BY ${k}, ${valid} ORDER BY n.occurred_at DESC NULLS LAST, n.event_id DESC
      ) ELSE 1 END AS version_rank
    FROM ${rel} AS n
    WHERE ${k} IN (SELECT k.version_key FROM versioned_keys AS k)
  ) AS v
  WHERE v.version_rank = 1
)`;
}

/** SQL: a row of the model in `modelText` passes all its drop rules (TRUE; NULL fails), over its own columns. */
export function passesDropRulesSql(modelText: string): string {
  const drops = dropRules(parseAnnotations("model", modelText));
  return drops.length === 0 ? "true" : `(${allPass(drops)})`;
}

/** The generated blocks of this module (merged into models/rules.ts BLOCKS). */
export const FRAGMENT_BLOCKS: Record<string, (modelText: string) => string> = {
  rescued_fields_order: () => rescuedFieldsSql("order", "r.pm"),
  rescued_fields_behavioral_event: () => rescuedFieldsSql("behavioral_event", "r.pm"),
  rescued_fields_support_interaction: () => rescuedFieldsSql("support_interaction", "r.pm"),
  rescued_fields_customer_profile: () => rescuedFieldsSql("customer_profile", "r.pm"),
  // The catalog extract (CSV/Parquet) carries updatedAt beside the product contract's fields.
  rescued_fields_product: () => rescuedFieldsSql("product", "s.pm", ["updatedAt"]),
  latest_version_order: (text) => latestVersionSql("renamed", "order_id", passesDropRulesSql(text)),
  latest_version_support_interaction: (text) =>
    latestVersionSql("renamed", "interaction_id", passesDropRulesSql(text)),
  latest_version_product: (text) => latestVersionSql("renamed", "product_id", passesDropRulesSql(text)),
};
