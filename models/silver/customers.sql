-- Silver customers: SCD Type 2 history of CRM/source customer profiles. Each profile event is a candidate
-- version valid from its occurredAt; the adapter keeps a new version only when record_hash changes, and sets
-- valid_to / is_current. Email lower-cased, phone to E.164 digits (NANP default for 10-digit numbers).
-- @materialized scd2
-- @unique_key customer_id
-- @valid_from valid_from
-- @compare record_hash
-- @erase_by customer_id
-- @inputs silver.event_deliveries, run_context, control_erasure
-- @expect drop unknown_schema_version known_schema_version: schema_version IN ('1.0', '1.1')
-- @expect drop missing_required_field has_customer_id: customer_id IS NOT NULL
-- @expect drop customer_id_mismatch envelope_matches_payload: envelope_customer_id IS NULL OR envelope_customer_id = customer_id
-- @expect drop invalid_timestamp valid_occurred_at: valid_from IS NOT NULL
-- @expect drop invalid_email valid_email: email_is_valid
-- @expect drop invalid_name has_name: first_name <> '' AND last_name <> ''
-- @expect warn invalid_phone valid_phone: phone_raw IS NULL OR phone IS NOT NULL
-- @expect warn invalid_enum_value known_loyalty_tier: loyalty_tier IN ('BRONZE', 'SILVER', 'GOLD', 'PLATINUM')
-- @expect warn unexpected_field no_unexpected_fields: rescued_fields = ''
WITH delivered AS (
  -- This event type's first deliveries (silver.event_deliveries: window, erasure, redelivery dedup), also
  -- without profiles whose payload names an erased customer; one parse of the payload into a map of its
  -- fields as text: the values and (map_keys) the rescued fields from the same parse.
  SELECT d.*, from_json(d.payload, 'MAP<STRING, STRING>') AS pm
  FROM silver.event_deliveries AS d
  WHERE d.event_type = 'customer_profile'
    AND (get_json_object(d.payload, '$.customerId') IS NULL OR get_json_object(d.payload, '$.customerId') NOT IN (SELECT y.customer_id FROM control_erasure AS y WHERE y.customer_id IS NOT NULL))
),

renamed AS (
  SELECT
    trim(r.pm['customerId']) AS customer_id,
    trim(r.customer_id) AS envelope_customer_id,
    r.source_system,
    initcap(trim(r.pm['firstName'])) AS first_name,
    initcap(trim(r.pm['lastName'])) AS last_name,
    lower(trim(r.pm['email'])) AS email,
    trim(r.pm['phone']) AS phone_raw,
    regexp_replace(r.pm['phone'], '[^0-9]', '') AS phone_digits,
    TRY_CAST(r.pm['dateOfBirth'] AS DATE) AS date_of_birth,
    upper(trim(r.pm['gender'])) AS gender,
    initcap(trim(get_json_object(r.pm['address'], '$.city'))) AS city,
    upper(trim(get_json_object(r.pm['address'], '$.stateCode'))) AS state_code,
    trim(get_json_object(r.pm['address'], '$.postalCode')) AS postal_code,
    upper(trim(get_json_object(r.pm['address'], '$.countryCode'))) AS country_code,
    upper(trim(r.pm['customerSegment'])) AS customer_segment,
    upper(trim(r.pm['loyaltyTier'])) AS loyalty_tier,
    TRY_CAST(r.pm['loyaltyPoints'] AS BIGINT) AS loyalty_points,
    TRY_CAST(r.pm['registrationDate'] AS DATE) AS registration_date,
    upper(trim(r.pm['status'])) AS status,
    upper(trim(r.pm['preferredChannel'])) AS preferred_channel,
    TRY_CAST(get_json_object(r.pm['consent'], '$.email') AS BOOLEAN) AS consent_email,
    TRY_CAST(get_json_object(r.pm['consent'], '$.sms') AS BOOLEAN) AS consent_sms,
    get_json_object(r.pm['preferences'], '$.categories') AS preferred_categories_json,
    r.pm['externalIds'] AS external_ids_json,
    coalesce(array_join(array_sort(array_except(
      map_keys(r.pm), k.known_fields
    )), ','), '') AS rescued_fields,
    r.schema_version,
    r.event_id,
    r.occurred_at AS valid_from,
    r.source_file,
    r.line_no
  FROM delivered AS r
CROSS JOIN (SELECT split('customerId,firstName,lastName,email,phone,dateOfBirth,gender,address,customerSegment,loyaltyTier,loyaltyPoints,registrationDate,status,preferredChannel,consent,preferences,externalIds', ',') AS known_fields) AS k
),

cleaned AS (
  SELECT
    n.*,
    coalesce(
      regexp_like(n.email, '^[a-z0-9._%+-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?([.][a-z0-9]([a-z0-9-]*[a-z0-9])?)*[.][a-z]{2,}$')
      AND NOT n.email LIKE '%..%' AND length(n.email) <= 254,
      false
    ) AS email_is_valid,
    CASE
      WHEN n.phone_raw IS NULL THEN NULL
      WHEN n.phone_raw LIKE '+%' AND length(n.phone_digits) BETWEEN 8 AND 15 AND substring(n.phone_digits, 1, 1) <> '0'
        THEN '+' || n.phone_digits
      WHEN n.phone_digits LIKE '00%' AND length(n.phone_digits) BETWEEN 10 AND 17
        THEN '+' || substring(n.phone_digits, 3)
      WHEN length(n.phone_digits) = 10 AND substring(n.phone_digits, 1, 1) BETWEEN '2' AND '9' THEN '+1' || n.phone_digits
      WHEN length(n.phone_digits) = 11 AND substring(n.phone_digits, 1, 1) = '1' THEN '+' || n.phone_digits
    END AS phone
  FROM renamed AS n
)

SELECT
  c.customer_id,
  c.envelope_customer_id,
  c.source_system,
  c.first_name,
  c.last_name,
  c.email,
  c.email_is_valid,
  c.phone,
  c.phone_raw,
  c.date_of_birth,
  c.gender,
  c.city,
  c.state_code,
  c.postal_code,
  c.country_code,
  c.customer_segment,
  c.loyalty_tier,
  c.loyalty_points,
  c.registration_date,
  c.status,
  c.preferred_channel,
  c.consent_email,
  c.consent_sms,
  c.preferred_categories_json,
  c.external_ids_json,
  c.rescued_fields,
  c.schema_version,
  sha2(concat_ws(
    '|', coalesce(c.source_system, ''), coalesce(c.first_name, ''), coalesce(c.last_name, ''), coalesce(c.email, ''),
    coalesce(c.phone, ''), coalesce(CAST(c.date_of_birth AS STRING), ''), coalesce(c.gender, ''), coalesce(c.city, ''),
    coalesce(c.state_code, ''), coalesce(c.postal_code, ''), coalesce(c.country_code, ''),
    coalesce(c.customer_segment, ''), coalesce(c.loyalty_tier, ''), coalesce(CAST(c.loyalty_points AS STRING), ''),
    coalesce(CAST(c.registration_date AS STRING), ''), coalesce(c.status, ''), coalesce(c.preferred_channel, ''),
    coalesce(CAST(c.consent_email AS STRING), ''), coalesce(CAST(c.consent_sms AS STRING), ''),
    coalesce(c.preferred_categories_json, ''), coalesce(c.external_ids_json, '')
  ), 256) AS record_hash,
  c.event_id,
  c.valid_from,
  c.source_file,
  c.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM cleaned AS c
CROSS JOIN run_context AS rc
