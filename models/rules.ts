/**
 * SQL rendered from the contracts' rules, so one rule has one definition on both paths. Models hold the rendered
 * text between marker lines:
 *
 *   -- generated:begin <block> (models/rules.ts; regenerate with npm run models:build)
 *   ...
 *   -- generated:end <block>
 *
 * `npm run models:build` rewrites every block in place; tests/pipeline/generated-sql.test.ts fails when a model's
 * block differs from what its rule renders today (a rule changed in TypeScript and not rendered, or SQL edited by
 * hand). All of it is portable Spark SQL / DuckDB (no backslashes, no anchors that Java's `$` would bend).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { CHURN_PROBABILITY_RULES, CHURN_RISK_DAYS_ABOVE, CLV_FACTORS } from "../contracts/customer-value";
import { IDENTITY_RULES } from "../contracts/identity";
import { allSchemaDocuments } from "../contracts/json-schema";
import {
  DEFAULT_PHONE_REGION,
  EMAIL_MAX_LENGTH,
  EMAIL_PATTERN,
  PHONE_MAX_LENGTH,
} from "../contracts/normalize";
import { ORDER_METRICS } from "../contracts/order-metrics";
import { type CallingCodePlan, nationalFormat, PHONE_PLANS, type RegionPlan } from "../contracts/phone-plans";
import { ERROR_CODES, keywordCode } from "../contracts/validator";
import { VALUE_TIER_RULES } from "../contracts/vocabulary";
import { loadAllModels } from "../pipeline/models";
import { codesOf, codesSql, envelopeTerms, patternSql, payloadTerms, type Term } from "./contract-sql";
import { FRAGMENT_BLOCKS } from "./fragments";

const MODELS_DIR = __dirname;
const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

// ---------------------------------------------------------------------------------------------------------------
// Email: contracts' normalizeEmail (spaces trimmed, ASCII lower case, EMAIL_PATTERN, no "..", ≤ 254 characters).

/**
 * Spaces (U+0020) removed from both ends. Not `trim`: DuckDB's also removes other Unicode blanks (no-break space,
 * ideographic space), Spark's only spaces. (Java's `$` also matches before a final line break, so a value ending
 * in one may keep other spaces in Spark; every rule below rejects a line break anyway.)
 */
export function trimSpacesSql(raw: string): string {
  return `regexp_replace(regexp_replace(${raw}, '^ +', ''), ' +$', '')`;
}

/** SQL of the normalized text (before validation): spaces trimmed, A–Z folded to a–z and nothing else. */
export function emailNormalizedSql(raw: string): string {
  return `translate(${trimSpacesSql(raw)}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
}

/** SQL that is TRUE when the normalized email (`email`) is valid, FALSE otherwise (never NULL). */
export function emailValidSql(email: string): string {
  // The JS pattern, with `\.` spelled `[.]` (the lint forbids backslashes). Java's `$` also matches before a final
  // line break, so a second check requires every character to be one the pattern allows.
  const pattern = EMAIL_PATTERN.source.replaceAll("\\.", "[.]");
  if (pattern.includes("\\")) throw new Error(`EMAIL_PATTERN needs a portable spelling: ${pattern}`);
  return [
    `coalesce(`,
    `  regexp_like(${email}, ${lit(pattern)})`,
    `  AND regexp_replace(${email}, '[a-z0-9._%+@-]', '') = ''`,
    `  AND NOT ${email} LIKE '%..%' AND length(${email}) <= ${EMAIL_MAX_LENGTH},`,
    `  false`,
    `)`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Phone: contracts' normalizePhone for the default region, as CTEs over `phone_inputs(phone_raw)` ending in
// `phone_normalized(phone_raw, phone)`.

const anchored = (col: string, pattern: string): string => `regexp_like(${col}, ${lit(`^(?:${pattern})$`)})`;

function regionValidSql(nsn: string, r: RegionPlan): string {
  const national = anchored(nsn, r.nationalPattern);
  if (r.types === undefined) return national;
  return `(${national} AND ${numberTypesSql(nsn, r)})`;
}

function numberTypesSql(nsn: string, r: RegionPlan): string {
  const types = r.types ?? [];
  if (types.length === 0) return "false";
  const byLength = types.map(
    (t) => `(length(${nsn}) IN (${t.lengths.join(", ")}) AND ${anchored(nsn, t.pattern)})`,
  );
  return `(${byLength.join(" OR ")})`;
}

function callingCodeValidSql(nsn: string, plan: CallingCodePlan): string {
  const [main, ...others] = plan.regions as [RegionPlan, ...RegionPlan[]];
  if (others.length === 0) return regionValidSql(nsn, main);
  const whens = plan.regions.map((r) =>
    r.leadingDigits !== undefined
      ? `WHEN regexp_like(${nsn}, ${lit(`^(?:${r.leadingDigits})`)}) THEN ${regionValidSql(nsn, r)}`
      : r.types === undefined
        ? "" // never claims a number: libphonenumber finds no number type without types
        : `WHEN (${anchored(nsn, r.nationalPattern)} AND ${numberTypesSql(nsn, r)}) THEN true`,
  );
  return `CASE ${whens.filter(Boolean).join(" ")} ELSE ${regionValidSql(nsn, main)} END`;
}

export function phoneNormalizationSql(): string {
  const national = nationalFormat(DEFAULT_PHONE_REGION);
  if (!national) throw new Error(`no numbering plan for ${DEFAULT_PHONE_REGION}`);
  const prefix = national.nationalPrefix;
  const nationalDigits =
    prefix === undefined
      ? `s.phone_digits`
      : `CASE WHEN s.phone_digits LIKE ${lit(prefix + "%")} THEN substring(s.phone_digits, ${prefix.length + 1}) ELSE s.phone_digits END`;
  const dispatch = PHONE_PLANS.map(
    (p) =>
      `      WHEN x.digits LIKE ${lit(p.callingCode + "%")} THEN ${callingCodeValidSql(`x.nsn${p.callingCode.length}`, p)}`,
  ).join("\n");
  return `phone_shapes AS (
  -- Spaces trimmed; the shape: digits and ( ) . - and blanks, one optional leading '+' (checked by removing the
  -- allowed characters, as anchors behave differently in Java).
  SELECT
    p.phone_raw,
    ${trimSpacesSql("p.phone_raw")} AS phone_text,
    regexp_replace(${trimSpacesSql("p.phone_raw")}, '[0-9 ().-]', '') AS phone_rest,
    regexp_replace(p.phone_raw, '[^0-9]', '') AS phone_digits
  FROM phone_inputs AS p
),

phone_international AS (
  -- International digits: as written after '+', else a national number of ${national.region} (trunk prefix dropped once).
  SELECT
    s.phone_raw,
    CASE
      WHEN length(s.phone_text) > ${PHONE_MAX_LENGTH} THEN NULL
      WHEN s.phone_rest = '' AND length(s.phone_text) >= 1 THEN ${lit(national.callingCode)} || ${nationalDigits}
      WHEN s.phone_rest = '+' AND s.phone_text LIKE '+%' AND length(s.phone_text) >= 2 THEN s.phone_digits
    END AS digits
  FROM phone_shapes AS s
),

phone_parts AS (
  SELECT
    i.phone_raw,
    i.digits,
    substring(i.digits, 2) AS nsn1,
    substring(i.digits, 3) AS nsn2,
    substring(i.digits, 4) AS nsn3
  FROM phone_international AS i
),

phone_normalized AS (
  -- libphonenumber's numbering plan of the calling code (contracts/phone-plans.ts), one branch per code.
  SELECT
    x.phone_raw,
    CASE WHEN CASE
${dispatch}
      ELSE false
    END THEN '+' || x.digits END AS phone
  FROM phone_parts AS x
)`;
}

// ---------------------------------------------------------------------------------------------------------------
// Value tier: contracts' VALUE_TIER_RULES (valueSegment()).

export function valueTierSql(spent: string, orders: string): string {
  const whens = VALUE_TIER_RULES.tiers.map(
    (t) => `  WHEN ${spent} > ${t.spentAbove} AND ${orders} > ${t.ordersAbove} THEN ${lit(t.segment)}`,
  );
  return ["CASE", ...whens, `  ELSE ${lit(VALUE_TIER_RULES.otherwise)}`, "END"].join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Churn probability and CLV factors: contracts/customer-value.ts.

/** A decimal literal that stays DECIMAL in both engines (1 → 1.0). */
const decimal = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));

/** A CASE over `value`: the first step whose test holds gives its result, else `otherwise` (NULL stays NULL if asked). */
function stepsSql(
  value: string,
  steps: readonly { test: string; result: number }[],
  otherwise: number,
  nullIsNull = false,
): string {
  return [
    "CASE",
    ...steps.map((s) => `  WHEN ${value} ${s.test} THEN ${decimal(s.result)}`),
    ...(nullIsNull ? [`  WHEN ${value} IS NULL THEN NULL`] : []),
    `  ELSE ${decimal(otherwise)}`,
    "END",
  ].join("\n");
}

export function churnProbabilitySql(days: string): string {
  const r = CHURN_PROBABILITY_RULES;
  const steps = r.steps.map((s) => ({ test: `> ${s.daysAbove}`, result: s.probability }));
  return stepsSql(days, steps, r.otherwise, true);
}

export function churnRiskSql(days: string): string {
  return `coalesce(${days} > ${CHURN_RISK_DAYS_ABOVE}, false)`;
}

export function recencyFactorSql(days: string): string {
  const r = CLV_FACTORS.recency;
  return stepsSql(
    days,
    r.steps.map((s) => ({ test: `<= ${s.daysAtMost}`, result: s.factor })),
    r.otherwise,
  );
}

export function frequencyFactorSql(orders: string): string {
  const r = CLV_FACTORS.frequency;
  return stepsSql(
    orders,
    r.steps.map((s) => ({ test: `> ${s.ordersAbove}`, result: s.factor })),
    r.otherwise,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Order metrics: contracts' ORDER_METRICS (the real-time profile's definition), per customer over silver.orders.

const inList = (values: readonly string[]): string => values.map(lit).join(", ");

/** The aggregate columns of a GROUP BY over orders aliased `o`. */
export function orderMetricsSql(): string {
  const m = ORDER_METRICS;
  const completed = `o.status = ${lit(m.countedStatus)}`;
  const counted = `o.transaction_type IN (${inList(m.countedTypes)}) AND ${completed}`;
  const adds = `o.transaction_type IN (${inList(m.spendAdds)}) AND ${completed}`;
  const subtracts = `o.transaction_type IN (${inList(m.spendSubtracts)}) AND ${completed}`;
  return [
    `count(*) FILTER (WHERE ${counted}) AS total_orders,`,
    `coalesce(sum(CASE WHEN ${adds} THEN o.total_amount WHEN ${subtracts} THEN -o.total_amount END), 0) AS total_spent,`,
    `min(CASE WHEN ${counted} THEN o.order_date END) AS first_order_date,`,
    `max(CASE WHEN ${counted} THEN o.order_date END) AS last_order_date,`,
    `count(*) FILTER (WHERE ${subtracts}) AS return_count`,
  ].join("\n");
}

/**
 * Money ÷ a count in whole cents, half-up (ties toward +∞, as Math.round), by integer arithmetic: the rule of every
 * money ratio (average order values, the 3-year CLV). Never DOUBLE money (2090864.175 is 2090864.1749999998 as a
 * DOUBLE), never DECIMAL ÷ integer: a DOUBLE in DuckDB, an exact DECIMAL in Spark, so 2.03 ÷ 2 rounds to 1.01 on
 * one engine and 1.02 on the other. NULL when the count is 0.
 */
export function moneyRatioSql(amount: string, count: string): string {
  const cents = `CAST(${/^[\w.]+$/.test(amount) ? amount : `(${amount})`} * 100 AS BIGINT)`;
  return `CAST(CAST(floor((2 * ${cents} + ${count}) / (2 * NULLIF(${count}, 0))) AS BIGINT) * 0.01 AS DECIMAL(18, 2))`;
}

// ---------------------------------------------------------------------------------------------------------------
// The contract on the batch path (models/contract-sql.ts): the envelope's violations in bronze.events
// (envelope_violations), each event type's payload violations added in its silver model (contract_violations),
// and one drop rule per code, in ERROR_CODES order, so the quarantine's reason is a code the validator gives.

const CONTRACT_MODELS = ["order", "behavioral_event", "support_interaction", "customer_profile"] as const;
type ContractModel = (typeof CONTRACT_MODELS)[number];

/** validateEvent's rules outside the JSON Schemas, and formats a model checks itself, per silver model. */
function modelTerms(eventType: ContractModel): Term[] {
  if (eventType !== "customer_profile") return [];
  const wellFormedVersion = patternSql("r.schema_version", "^[0-9]+\\.[0-9]+$");
  return [
    // validateEvent: the payload's customerId must equal the envelope's (both strings, a well-formed version).
    {
      cond: `${wellFormedVersion} AND r.customer_id IS NOT NULL AND r.pm['customerId'] IS NOT NULL AND r.customer_id <> r.pm['customerId']`,
      code: "customer_id_mismatch",
    },
  ];
}

/** The phone format's code, checked in silver.customers after its normalization CTEs (phoneViolationSql). */
function phoneFormatCode(): string {
  const doc = allSchemaDocuments()[`customer_profile/1.1.json`] as {
    properties: { payload: { properties: Record<string, { errorCode?: string }> } };
  };
  return keywordCode("format", doc.properties.payload.properties.phone?.errorCode);
}

const SKIPPED_FORMATS: Partial<Record<ContractModel, string[]>> = { customer_profile: ["phone"] };

function silverTerms(eventType: ContractModel): Term[] {
  return [
    ...payloadTerms(eventType, "r.pm", "r.schema_version", { skipFormats: SKIPPED_FORMATS[eventType] }),
    ...modelTerms(eventType),
  ];
}

/** bronze.events: the envelope's violations of a parsed envelope `p.record`. */
export function envelopeViolationsSql(): string {
  return codesSql(envelopeTerms("p.record"));
}

/** A silver event model's contract violations: the envelope's (bronze's contract_violations) and the payload's. */
export function contractViolationsSql(eventType: ContractModel): string {
  return codesSql(silverTerms(eventType), ["NULLIF(r.contract_violations, '')"]);
}

/** A drop rule per code: the record's contract_violations list does not hold it. `unless`: rows checked later. */
function dropRules(codes: string[], unless?: string): string {
  return codes
    .map(
      (code) =>
        `-- @expect drop ${code} contract_${code}: ${unless ? `${unless} OR ` : ""}NOT array_contains(split(contract_violations, ','), ${lit(code)})`,
    )
    .join("\n");
}

/**
 * bronze.events' drop rules: envelopes with a violation whose event type no silver model checks (unknown, missing,
 * product); the silver event models quarantine their own with the payload's codes too.
 */
export function envelopeExpectationsSql(): string {
  const checkedLater = `event_type IN (${CONTRACT_MODELS.map(lit).join(", ")})`;
  return dropRules(codesOf(envelopeTerms("p.record"), ERROR_CODES), checkedLater);
}

/** silver.customers: a phone the contract's normalizePhone rejects (n.phone_text as sent, pn.phone normalized). */
export function phoneViolationSql(): string {
  return `CASE WHEN n.phone_text IS NOT NULL AND pn.phone IS NULL THEN ${lit(phoneFormatCode())} END`;
}

/** The drop rules of a silver event model: one per code its contract checks can give. */
export function contractExpectationsSql(eventType: ContractModel): string {
  const terms = [...envelopeTerms("p.record"), ...silverTerms(eventType)];
  if (eventType === "customer_profile") terms.push({ cond: "", code: phoneFormatCode() });
  return dropRules(codesOf(terms, ERROR_CODES));
}

// ---------------------------------------------------------------------------------------------------------------
// Identity: contracts' IDENTITY_RULES as a one-row relation.

export function identitySettingsSql(): string {
  return `identity_settings AS (
  SELECT ${IDENTITY_RULES.maxProfilesPerIdentifier} AS max_profiles_per_identifier
)`;
}

// ---------------------------------------------------------------------------------------------------------------
// The models a run of which reads only what its load brought (@reads new_only): their loads' run records add up.

export function newOnlyModelsSql(): string {
  const ids = loadAllModels()
    .filter((m) => m.readsNewOnly)
    .map((m) => m.id);
  if (ids.length === 0) return "SELECT CAST(NULL AS STRING) AS model WHERE false";
  return ids
    .map((id, i) => `${i === 0 ? "SELECT" : "UNION ALL SELECT"} ${lit(id)}${i === 0 ? " AS model" : ""}`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks in model files.

export const BLOCKS: Record<string, (modelText: string) => string> = {
  ...FRAGMENT_BLOCKS,
  phone_normalization: phoneNormalizationSql,
  email_normalized: () => emailNormalizedSql("r.pm['email']"),
  email_valid: () => emailValidSql("n.email"),
  value_tier: () => valueTierSql("j.total_spent", "j.total_orders"),
  order_metrics: orderMetricsSql,
  average_order_value: () => moneyRatioSql("o.total_spent", "o.total_orders"),
  channel_average_order_value: () => moneyRatioSql("s.revenue", "s.orders"),
  daily_average_order_value: () =>
    moneyRatioSql("sum(CASE WHEN o.is_sale THEN o.total_amount END)", "count(*) FILTER (WHERE o.is_sale)"),
  historical_clv: () => moneyRatioSql("f.clv_spent * 365 * 3", "f.lifespan_days"),
  identity_settings: identitySettingsSql,
  new_only_models: newOnlyModelsSql,
  churn_probability_clv: () => churnProbabilitySql("f.days_since_last_order"),
  churn_probability_features: () => churnProbabilitySql("c.days_since_last_order"),
  churn_risk: () => churnRiskSql("c.days_since_last_order"),
  recency_factor: () => recencyFactorSql("b.days_since_last_order"),
  frequency_factor: () => frequencyFactorSql("b.total_orders"),
  envelope_violations: envelopeViolationsSql,
  envelope_rules: envelopeExpectationsSql,
  phone_violation: phoneViolationSql,
  ...Object.fromEntries(
    CONTRACT_MODELS.flatMap((t) => [
      [`contract_violations_${t}`, () => contractViolationsSql(t)],
      [`contract_rules_${t}`, () => contractExpectationsSql(t)],
    ]),
  ),
};

const BLOCK = /^([ \t]*)-- generated:begin ([a-z_]+)[^\n]*\n[\s\S]*?^[ \t]*-- generated:end \2[^\n]*$/gm;

/**
 * The model text with every generated block rendered anew (indentation kept). A block may read the model's text
 * (the latest-version block reads its drop rules, some of them generated): rendered until nothing changes.
 */
export function renderBlocks(text: string): string {
  for (let pass = 0; pass < 5; pass++) {
    const next = renderOnce(text);
    if (next === text) return text;
    text = next;
  }
  throw new Error("generated blocks do not settle: a block depends on itself");
}

function renderOnce(text: string): string {
  return text.replace(BLOCK, (_all, indent: string, name: string) => {
    const render = BLOCKS[name];
    if (!render) throw new Error(`unknown generated block ${name}`);
    const body = render(text)
      .split("\n")
      .map((l) => (l === "" ? "" : indent + l))
      .join("\n");
    return `${indent}-- generated:begin ${name} (models/rules.ts; regenerate with npm run models:build)\n${body}\n${indent}-- generated:end ${name}`;
  });
}

/** The text of one generated block of a model (the SQL between its markers). */
export function blockText(text: string, name: string): string {
  const m = new RegExp(
    `-- generated:begin ${name}[^\\n]*\\n([\\s\\S]*?)\\n[ \\t]*-- generated:end ${name}`,
  ).exec(text);
  if (!m) throw new Error(`no generated block ${name}`);
  return m[1] as string;
}

/** Every model file (layer/name.sql) with generated blocks. */
export function modelFilesWithBlocks(dir = MODELS_DIR): string[] {
  const out: string[] = [];
  for (const layer of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()))
    for (const f of readdirSync(join(dir, layer.name)).filter((f) => f.endsWith(".sql"))) {
      const path = join(dir, layer.name, f);
      if (readFileSync(path, "utf8").includes("-- generated:begin ")) out.push(path);
    }
  return out.sort();
}
