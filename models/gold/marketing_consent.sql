-- Marketing consent per resolved customer: the latest consent statement among the customer's current profiles
-- (consent is the person's, whichever source recorded it last), per channel, with the time it took effect.
-- has_marketing_consent: consent on at least one marketing channel — email, sms or push (MARKETING_CHANNELS and
-- hasMarketingConsent() in contracts/consent.ts, the rule the real-time path applies). No statement: no consent.
-- Gates the marketing uses of gold: personalization features exclude customers without it, lead scores flag them;
-- a withdrawal (a profile event with the channel false) takes effect in the next gold run.
-- @materialized full
-- @unique_key customer_key
-- @zorder customer_key
-- @inputs gold.customer_360, silver.customer_identity, silver.customers
-- @expect fail missing_required_field has_customer_key: customer_key IS NOT NULL
WITH statements AS (
  SELECT * FROM (
    SELECT
      i.customer_key,
      p.customer_id AS profile_id,
      p.consent_email,
      p.consent_sms,
      p.consent_push,
      p.consent_updated_at,
      row_number() OVER (
        PARTITION BY i.customer_key ORDER BY p.consent_updated_at DESC NULLS LAST, p.customer_id
      ) AS statement_rank
    FROM silver.customers AS p
    INNER JOIN silver.customer_identity AS i ON i.source_customer_id = p.customer_id
    WHERE p.is_current
  ) AS s
  WHERE s.statement_rank = 1
)

SELECT
  c.customer_key,
  s.profile_id AS consent_profile_id,
  coalesce(s.consent_email, false) AS consent_email,
  coalesce(s.consent_sms, false) AS consent_sms,
  coalesce(s.consent_push, false) AS consent_push,
  s.consent_updated_at,
  coalesce(s.consent_email, false) OR coalesce(s.consent_sms, false) OR coalesce(s.consent_push, false) AS has_marketing_consent,
  c.load_id
FROM gold.customer_360 AS c
LEFT JOIN statements AS s ON s.customer_key = c.customer_key
