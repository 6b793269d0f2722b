-- Customer contacts: the restricted contact view, one row per resolved customer_key — the golden profile's
-- name, email and phone with the customer's preferred channel and per-channel consent. The only gold table with
-- contact data (the analytics marts carry the pseudonymous customer_key only; a test checks it). Its one use is
-- reaching the customer: marketing activation and service outreach, which must honour the consent columns.
-- Access: in Azure the table is registered in its own Unity Catalog schema (@catalog_schema) whose SELECT grant
-- goes only to the contact-data group (infra/components/unity-catalog.ts, docs/infra.md); analysts read schema gold,
-- which does not hold it. Locally the same separate table (gold.customer_contacts in DuckDB). The golden profile is
-- gold.customer_360's profile_id (one selection rule, there).
-- @materialized full
-- @catalog_schema gold_contacts
-- @unique_key customer_key
-- @zorder customer_key
-- @inputs gold.customer_360, silver.customers
-- @expect fail missing_required_field has_customer_key: customer_key IS NOT NULL
SELECT
  c.customer_key,
  c.profile_id,
  p.first_name,
  p.last_name,
  p.email,
  p.phone,
  p.preferred_channel,
  p.consent_email,
  p.consent_sms,
  c.load_id
FROM gold.customer_360 AS c
INNER JOIN silver.customers AS p ON p.customer_id = c.profile_id AND p.is_current
