/**
 * SQL the silver event models share, defined once here and rendered into each model that uses it as a generated
 * block (models/rules.ts BLOCKS; `npm run models:build`; tests/pipeline/generated-sql.test.ts fails on drift). The
 * rendered model is plain SQL, so both engines run the same text: DuckDB through pipeline/duckdb, Databricks through
 * notebooks/c360, which read the model files as they are.
 *
 * - rescued fields: the payload's keys that its contract does not name (every schema version of the event type),
 *   sorted and comma-separated ('' when none) — the fields the real-time validator warns about as unexpected;
 * - latest version: per natural key, the newest version in the run's input (occurredAt, then eventId); a row without
 *   a key is ranked by its event id, and a row without either stays (and meets the model's rules).
 */
import { allSchemaDocuments } from "../contracts/json-schema";

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
 * Two CTEs, `versioned_keys` and `latest`: the newest version of each `key` among the rows of `relation`
 * (`version_rank` = 1), by occurred_at (NULL last), then event_id. Only keys with more than one version go through
 * the ranking window (a window over every wide row cost more than the rest of a model; as silver.event_deliveries
 * does for redeliveries).
 */
export function latestVersionSql(relation: string, key: string): string {
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
  -- The latest version of each key (rows without a key stay apart).
  SELECT n.*, 1 AS version_rank
  FROM ${rel} AS n
  WHERE ${k} IS NULL
    OR ${k} NOT IN (SELECT k.version_key FROM versioned_keys AS k)
  UNION ALL
  SELECT * FROM (
    SELECT
      n.*,
      row_number() OVER (
        PARTITION BY ${k} ORDER BY n.occurred_at DESC NULLS LAST, n.event_id DESC
      ) AS version_rank
    FROM ${rel} AS n
    WHERE ${k} IN (SELECT k.version_key FROM versioned_keys AS k)
  ) AS v
  WHERE v.version_rank = 1
)`;
}

/** The generated blocks of this module (merged into models/rules.ts BLOCKS). */
export const FRAGMENT_BLOCKS: Record<string, () => string> = {
  rescued_fields_order: () => rescuedFieldsSql("order", "r.pm"),
  rescued_fields_behavioral_event: () => rescuedFieldsSql("behavioral_event", "r.pm"),
  rescued_fields_support_interaction: () => rescuedFieldsSql("support_interaction", "r.pm"),
  rescued_fields_customer_profile: () => rescuedFieldsSql("customer_profile", "r.pm"),
  // The catalog extract (CSV/Parquet) carries updatedAt beside the product contract's fields.
  rescued_fields_product: () => rescuedFieldsSql("product", "s.pm", ["updatedAt"]),
  latest_version_order: () => latestVersionSql("renamed", "order_id"),
  latest_version_support_interaction: () => latestVersionSql("renamed", "interaction_id"),
  latest_version_product: () => latestVersionSql("renamed", "product_id"),
};
