-- Silver customers: SCD Type 2 history of CRM/source customer profiles. Each profile event is a candidate
-- version valid from its occurredAt; the adapter keeps a new version only when record_hash changes, and sets
-- valid_to / is_current. Email and phone normalized by the contracts' rules (normalizeEmail, normalizePhone; the
-- generated blocks below), so a value the real-time validator rejects is rejected here for the same reason.
-- @materialized scd2
-- @unique_key customer_id
-- @valid_from valid_from
-- @compare record_hash
-- @erase_by customer_id
-- @inputs silver.event_deliveries, run_context, control_erasure
-- generated:begin contract_rules_customer_profile (models/rules.ts; regenerate with npm run models:build)
-- @expect drop missing_required_field contract_missing_required_field: NOT array_contains(split(contract_violations, ','), 'missing_required_field')
-- @expect drop wrong_type contract_wrong_type: NOT array_contains(split(contract_violations, ','), 'wrong_type')
-- @expect drop invalid_email contract_invalid_email: NOT array_contains(split(contract_violations, ','), 'invalid_email')
-- @expect drop invalid_phone contract_invalid_phone: NOT array_contains(split(contract_violations, ','), 'invalid_phone')
-- @expect drop invalid_timestamp contract_invalid_timestamp: NOT array_contains(split(contract_violations, ','), 'invalid_timestamp')
-- @expect drop invalid_date contract_invalid_date: NOT array_contains(split(contract_violations, ','), 'invalid_date')
-- @expect drop invalid_country_code contract_invalid_country_code: NOT array_contains(split(contract_violations, ','), 'invalid_country_code')
-- @expect drop out_of_range contract_out_of_range: NOT array_contains(split(contract_violations, ','), 'out_of_range')
-- @expect drop invalid_enum_value contract_invalid_enum_value: NOT array_contains(split(contract_violations, ','), 'invalid_enum_value')
-- @expect drop invalid_name contract_invalid_name: NOT array_contains(split(contract_violations, ','), 'invalid_name')
-- @expect drop invalid_format contract_invalid_format: NOT array_contains(split(contract_violations, ','), 'invalid_format')
-- @expect drop string_too_long contract_string_too_long: NOT array_contains(split(contract_violations, ','), 'string_too_long')
-- @expect drop string_too_short contract_string_too_short: NOT array_contains(split(contract_violations, ','), 'string_too_short')
-- @expect drop too_many_items contract_too_many_items: NOT array_contains(split(contract_violations, ','), 'too_many_items')
-- @expect drop unknown_event_type contract_unknown_event_type: NOT array_contains(split(contract_violations, ','), 'unknown_event_type')
-- @expect drop unknown_source contract_unknown_source: NOT array_contains(split(contract_violations, ','), 'unknown_source')
-- @expect drop invalid_schema_version contract_invalid_schema_version: NOT array_contains(split(contract_violations, ','), 'invalid_schema_version')
-- @expect drop unknown_schema_version contract_unknown_schema_version: NOT array_contains(split(contract_violations, ','), 'unknown_schema_version')
-- @expect drop customer_id_mismatch contract_customer_id_mismatch: NOT array_contains(split(contract_violations, ','), 'customer_id_mismatch')
-- generated:end contract_rules_customer_profile
-- @expect drop invalid_timestamp valid_occurred_at: valid_from IS NOT NULL
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
    -- generated:begin email_normalized (models/rules.ts; regenerate with npm run models:build)
    translate(regexp_replace(regexp_replace(r.pm['email'], '^ +', ''), ' +$', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    -- generated:end email_normalized
    AS email,
    trim(r.pm['phone']) AS phone_raw,
    r.pm['phone'] AS phone_text,
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
    TRY_CAST(get_json_object(r.pm['consent'], '$.push') AS BOOLEAN) AS consent_push,
    get_json_object(r.pm['consent'], '$.updatedAt') AS consent_updated_at_raw,
    get_json_object(r.pm['preferences'], '$.categories') AS preferred_categories_json,
    r.pm['externalIds'] AS external_ids_json,
    -- generated:begin rescued_fields_customer_profile (models/rules.ts; regenerate with npm run models:build)
    coalesce(array_join(array_sort(array_except(
      map_keys(r.pm),
      split('customerId,firstName,lastName,email,phone,dateOfBirth,gender,address,customerSegment,loyaltyTier,loyaltyPoints,registrationDate,status,preferredChannel,consent,preferences,externalIds', ',')
    )), ','), '')
    -- generated:end rescued_fields_customer_profile
    AS rescued_fields,
    -- generated:begin contract_violations_customer_profile (models/rules.ts; regenerate with npm run models:build)
    concat_ws(
      ',',
      NULLIF(r.contract_violations, ''),
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'customerId') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'firstName') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'lastName') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'email') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'customerSegment') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'loyaltyTier') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'loyaltyPoints') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'registrationDate') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'status') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND NOT array_contains(map_keys(r.pm), 'consent') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'customerId') AND r.pm['customerId'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['customerId'] IS NOT NULL AND length(r.pm['customerId']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['customerId'] IS NOT NULL AND length(r.pm['customerId']) > 64 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['customerId'] IS NOT NULL AND NOT regexp_like(r.pm['customerId'] || '#', '^(?:[A-Za-z0-9][A-Za-z0-9_.:-]*)#$') THEN 'invalid_format' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'firstName') AND r.pm['firstName'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['firstName'] IS NOT NULL AND length(r.pm['firstName']) < 1 THEN 'invalid_name' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['firstName'] IS NOT NULL AND length(r.pm['firstName']) > 100 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['firstName'] IS NOT NULL AND NOT regexp_like(r.pm['firstName'], '[^' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || ' ' || chr(160) || '  -   　﻿]') THEN 'invalid_name' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'lastName') AND r.pm['lastName'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['lastName'] IS NOT NULL AND length(r.pm['lastName']) < 1 THEN 'invalid_name' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['lastName'] IS NOT NULL AND length(r.pm['lastName']) > 100 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['lastName'] IS NOT NULL AND NOT regexp_like(r.pm['lastName'], '[^' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || ' ' || chr(160) || '  -   　﻿]') THEN 'invalid_name' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'email') AND r.pm['email'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['email'] IS NOT NULL AND length(r.pm['email']) > 254 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['email'] IS NOT NULL AND NOT coalesce(
      regexp_like(translate(regexp_replace(regexp_replace(r.pm['email'], '^ +', ''), ' +$', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '^[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:[.][a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*[.][a-z]{2,}$')
      AND regexp_replace(translate(regexp_replace(regexp_replace(r.pm['email'], '^ +', ''), ' +$', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '[a-z0-9._%+@-]', '') = ''
      AND NOT translate(regexp_replace(regexp_replace(r.pm['email'], '^ +', ''), ' +$', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE '%..%' AND length(translate(regexp_replace(regexp_replace(r.pm['email'], '^ +', ''), ' +$', ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) <= 254,
      false
    ) THEN 'invalid_email' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'phone') AND r.pm['phone'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['phone'] IS NOT NULL AND length(r.pm['phone']) > 40 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'dateOfBirth') AND r.pm['dateOfBirth'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['dateOfBirth'] IS NOT NULL AND NOT (regexp_like(r.pm['dateOfBirth'] || '#', '^(?:[0-9]{4}-[0-9]{2}-[0-9]{2})#$') AND TRY_CAST(r.pm['dateOfBirth'] AS DATE) IS NOT NULL) THEN 'invalid_date' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'gender') AND r.pm['gender'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'gender') AND r.pm['gender'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['gender'] IS NOT NULL AND r.pm['gender'] NOT IN ('FEMALE', 'MALE', 'NON_BINARY', 'UNDISCLOSED') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'address') AND r.pm['address'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] IS NOT NULL AND NOT r.pm['address'] LIKE '{%' THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND NOT array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'line1') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND NOT array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'city') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND NOT array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'countryCode') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'line1') AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['line1'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['line1'] IS NOT NULL AND length(from_json(r.pm['address'], 'MAP<STRING, STRING>')['line1']) > 100 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'line2') AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['line2'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['line2'] IS NOT NULL AND length(from_json(r.pm['address'], 'MAP<STRING, STRING>')['line2']) > 100 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'city') AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['city'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['city'] IS NOT NULL AND length(from_json(r.pm['address'], 'MAP<STRING, STRING>')['city']) < 1 THEN 'string_too_short' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['city'] IS NOT NULL AND length(from_json(r.pm['address'], 'MAP<STRING, STRING>')['city']) > 50 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'stateCode') AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['stateCode'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['stateCode'] IS NOT NULL AND length(from_json(r.pm['address'], 'MAP<STRING, STRING>')['stateCode']) > 3 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'postalCode') AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['postalCode'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['postalCode'] IS NOT NULL AND length(from_json(r.pm['address'], 'MAP<STRING, STRING>')['postalCode']) > 10 THEN 'string_too_long' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'countryCode') AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['countryCode'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['address'], 'MAP<STRING, STRING>')), 'countryCode') AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['countryCode'] IS NULL THEN 'invalid_country_code' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['address'] LIKE '{%' AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['countryCode'] IS NOT NULL AND from_json(r.pm['address'], 'MAP<STRING, STRING>')['countryCode'] NOT IN ('AC', 'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ', 'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM', 'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GT', 'GU', 'GW', 'GY', 'HK', 'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN', 'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA', 'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW', 'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ', 'TA', 'TC', 'TD', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI', 'VN', 'VU', 'WF', 'WS', 'XK', 'YE', 'YT', 'ZA', 'ZM', 'ZW') THEN 'invalid_country_code' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'customerSegment') AND r.pm['customerSegment'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'customerSegment') AND r.pm['customerSegment'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['customerSegment'] IS NOT NULL AND r.pm['customerSegment'] NOT IN ('PREMIUM', 'STANDARD', 'BASIC') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'loyaltyTier') AND r.pm['loyaltyTier'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'loyaltyTier') AND r.pm['loyaltyTier'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['loyaltyTier'] IS NOT NULL AND r.pm['loyaltyTier'] NOT IN ('BRONZE', 'SILVER', 'GOLD', 'PLATINUM') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'loyaltyPoints') AND r.pm['loyaltyPoints'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['loyaltyPoints'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPoints'] AS DOUBLE) IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['loyaltyPoints'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPoints'] AS DOUBLE) <> floor(TRY_CAST(r.pm['loyaltyPoints'] AS DOUBLE)) THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['loyaltyPoints'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPoints'] AS DOUBLE) < 0 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['loyaltyPoints'] IS NOT NULL AND TRY_CAST(r.pm['loyaltyPoints'] AS DOUBLE) > 1000000000 THEN 'out_of_range' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'registrationDate') AND r.pm['registrationDate'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['registrationDate'] IS NOT NULL AND NOT (regexp_like(r.pm['registrationDate'] || '#', '^(?:[0-9]{4}-[0-9]{2}-[0-9]{2})#$') AND TRY_CAST(r.pm['registrationDate'] AS DATE) IS NOT NULL) THEN 'invalid_date' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'status') AND r.pm['status'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'status') AND r.pm['status'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['status'] IS NOT NULL AND r.pm['status'] NOT IN ('ACTIVE', 'INACTIVE', 'BLOCKED') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'preferredChannel') AND r.pm['preferredChannel'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'preferredChannel') AND r.pm['preferredChannel'] IS NULL THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['preferredChannel'] IS NOT NULL AND r.pm['preferredChannel'] NOT IN ('POS', 'ECOMMERCE', 'MOBILE', 'SOCIAL') THEN 'invalid_enum_value' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND array_contains(map_keys(r.pm), 'consent') AND r.pm['consent'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] IS NOT NULL AND NOT r.pm['consent'] LIKE '{%' THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND NOT array_contains(map_keys(from_json(r.pm['consent'], 'MAP<STRING, STRING>')), 'email') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND NOT array_contains(map_keys(from_json(r.pm['consent'], 'MAP<STRING, STRING>')), 'sms') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['consent'], 'MAP<STRING, STRING>')), 'email') AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['email'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['email'] IS NOT NULL AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['email'] NOT IN ('true', 'false') THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['consent'], 'MAP<STRING, STRING>')), 'sms') AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['sms'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['sms'] IS NOT NULL AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['sms'] NOT IN ('true', 'false') THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['consent'], 'MAP<STRING, STRING>')), 'push') AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['push'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['push'] IS NOT NULL AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['push'] NOT IN ('true', 'false') THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['consent'], 'MAP<STRING, STRING>')), 'updatedAt') AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['updatedAt'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.0', '1.1') AND r.pm['consent'] LIKE '{%' AND from_json(r.pm['consent'], 'MAP<STRING, STRING>')['updatedAt'] IS NOT NULL AND NOT (regexp_like(from_json(r.pm['consent'], 'MAP<STRING, STRING>')['updatedAt'] || '#', '^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?))#$') AND TRY_CAST(substring(from_json(r.pm['consent'], 'MAP<STRING, STRING>')['updatedAt'], 1, 10) AS DATE) IS NOT NULL) THEN 'invalid_timestamp' END,
      CASE WHEN r.schema_version IN ('1.1') AND array_contains(map_keys(r.pm), 'preferences') AND r.pm['preferences'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] IS NOT NULL AND NOT r.pm['preferences'] LIKE '{%' THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] LIKE '{%' AND NOT array_contains(map_keys(from_json(r.pm['preferences'], 'MAP<STRING, STRING>')), 'categories') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] LIKE '{%' AND NOT array_contains(map_keys(from_json(r.pm['preferences'], 'MAP<STRING, STRING>')), 'communication') THEN 'missing_required_field' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['preferences'], 'MAP<STRING, STRING>')), 'categories') AND from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['categories'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] LIKE '{%' AND from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['categories'] IS NOT NULL AND NOT from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['categories'] LIKE '[%' THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] LIKE '{%' AND from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['categories'] IS NOT NULL AND from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['categories'] LIKE '[%' AND json_array_length(from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['categories']) > 10 THEN 'too_many_items' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] LIKE '{%' AND array_contains(map_keys(from_json(r.pm['preferences'], 'MAP<STRING, STRING>')), 'communication') AND from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['communication'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] LIKE '{%' AND from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['communication'] IS NOT NULL AND NOT from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['communication'] LIKE '[%' THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['preferences'] LIKE '{%' AND from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['communication'] IS NOT NULL AND from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['communication'] LIKE '[%' AND json_array_length(from_json(r.pm['preferences'], 'MAP<STRING, STRING>')['communication']) > 4 THEN 'too_many_items' END,
      CASE WHEN r.schema_version IN ('1.1') AND array_contains(map_keys(r.pm), 'externalIds') AND r.pm['externalIds'] IS NULL THEN 'wrong_type' END,
      CASE WHEN r.schema_version IN ('1.1') AND r.pm['externalIds'] IS NOT NULL AND NOT r.pm['externalIds'] LIKE '{%' THEN 'wrong_type' END,
      CASE WHEN regexp_like(r.schema_version || '#', '^(?:[0-9]+[.][0-9]+)#$') AND r.customer_id IS NOT NULL AND r.pm['customerId'] IS NOT NULL AND r.customer_id <> r.pm['customerId'] THEN 'customer_id_mismatch' END
    )
    -- generated:end contract_violations_customer_profile
    AS schema_violations,
    r.schema_version,
    r.event_id,
    r.occurred_at AS valid_from,
    r.source_file,
    r.line_no
  FROM delivered AS r
),

phone_inputs AS (
  -- As received: the contract's rule trims (spaces only) itself.
  SELECT DISTINCT n.phone_text AS phone_raw FROM renamed AS n WHERE n.phone_text IS NOT NULL
),

-- generated:begin phone_normalization (models/rules.ts; regenerate with npm run models:build)
phone_shapes AS (
  -- Spaces trimmed; the shape: digits and ( ) . - and blanks, one optional leading '+' (checked by removing the
  -- allowed characters, as anchors behave differently in Java).
  SELECT
    p.phone_raw,
    regexp_replace(regexp_replace(p.phone_raw, '^ +', ''), ' +$', '') AS phone_text,
    regexp_replace(regexp_replace(regexp_replace(p.phone_raw, '^ +', ''), ' +$', ''), '[0-9 ().-]', '') AS phone_rest,
    regexp_replace(p.phone_raw, '[^0-9]', '') AS phone_digits
  FROM phone_inputs AS p
),

phone_international AS (
  -- International digits: as written after '+', else a national number of US (trunk prefix dropped once).
  SELECT
    s.phone_raw,
    CASE
      WHEN length(s.phone_text) > 40 THEN NULL
      WHEN s.phone_rest = '' AND length(s.phone_text) >= 1 THEN '1' || CASE WHEN s.phone_digits LIKE '1%' THEN substring(s.phone_digits, 2) ELSE s.phone_digits END
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
      WHEN x.digits LIKE '1%' THEN CASE WHEN (regexp_like(x.nsn1, '^(?:[2-9][0-9]{9}|3[0-9]{6})$') AND ((length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:983[2-57-9][0-9]{6}|(?:2(?:0[1-35-9]|1[02-9]|2[03-57-9]|3[1459]|4[08]|5[1-46]|6[0279]|7[02469]|8[13])|3(?:0[1-57-9]|1[02-9]|2[013-79]|3[0-24679]|4[167]|5[0-3]|6[01349]|8[056])|4(?:0[124-9]|1[02-579]|2[3-5]|3[0245]|4[023578]|58|6[349]|7[02589]|8[04])|5(?:0[1-57-9]|1[0235-8]|20|3[0149]|4[01]|5[179]|6[1-47]|7[0-5]|8[0256])|6(?:0[1-35-9]|1[024-9]|2[03689]|3[016]|4[0156]|5[01679]|6[0-279]|78|8[0-269])|7(?:0[1-46-8]|1[2-9]|2[04-8]|3[0-2478]|4[0378]|5[47]|6[02359]|7[0-59]|8[156])|8(?:0[1-68]|1[02-8]|2[0168]|3[0-2589]|4[03578]|5[046-9]|6[02-5]|7[028])|9(?:0[1346-9]|1[02-9]|2[0589]|3[0146-8]|4[01357-9]|5[12469]|7[0-3589]|8[04-69]))[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:8(?:00|33|44|55|66|77|88)[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:900[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:52(?:3(?:[2-46-9][02-9][0-9]|5(?:[02-46-9][0-9]|5[0-46-9]))|4(?:[2-478][02-9][0-9]|5(?:[034][0-9]|2[024-9]|5[0-46-9])|6(?:0[1-9]|[2-9][0-9])|9(?:[05-9][0-9]|2[0-5]|49)))[0-9]{4}|52[34][2-9]1[02-9][0-9]{4}|5(?:00|2[125-9]|3[23]|44|66|77|88)[2-9][0-9]{6})$')))) THEN true WHEN regexp_like(x.nsn1, '^(?:268)') THEN regexp_like(x.nsn1, '^(?:(?:268|[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:264)') THEN regexp_like(x.nsn1, '^(?:(?:264|[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:684)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|684|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:246)') THEN regexp_like(x.nsn1, '^(?:(?:246|[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:441)') THEN regexp_like(x.nsn1, '^(?:(?:441|[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:242)') THEN regexp_like(x.nsn1, '^(?:(?:242|[58][0-9][0-9]|900)[0-9]{7})$') WHEN (regexp_like(x.nsn1, '^(?:[2-9][0-9]{9}|3[0-9]{6})$') AND ((length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:(?:2(?:04|[23]6|[48]9|5[07]|[67]3)|3(?:06|43|54|6[578]|82)|4(?:03|1[68]|[26]8|3[178]|50|74)|5(?:06|1[49]|48|79|8[147])|6(?:04|[18]3|39|47|72)|7(?:0[59]|42|53|78|8[02])|8(?:[06]7|19|25|7[39])|9(?:0[25]|42))[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:8(?:00|33|44|55|66|77|88)[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:900[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:52(?:3(?:[2-46-9][02-9][0-9]|5(?:[02-46-9][0-9]|5[0-46-9]))|4(?:[2-478][02-9][0-9]|5(?:[034][0-9]|2[024-9]|5[0-46-9])|6(?:0[1-9]|[2-9][0-9])|9(?:[05-9][0-9]|2[0-5]|49)))[0-9]{4}|52[34][2-9]1[02-9][0-9]{4}|(?:5(?:2[125-9]|3[23]|44|66|77|88)|6(?:22|33))[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (7) AND regexp_like(x.nsn1, '^(?:310[0-9]{4})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:600[2-9][0-9]{6})$')))) THEN true WHEN regexp_like(x.nsn1, '^(?:767)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|767|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:8001|8[024]9)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:473)') THEN regexp_like(x.nsn1, '^(?:(?:473|[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:671)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|671|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:658|876)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|658|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:869)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:345)') THEN regexp_like(x.nsn1, '^(?:(?:345|[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:758)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|758|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:670)') THEN regexp_like(x.nsn1, '^(?:[58][0-9]{9}|(?:67|90)0[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:664)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|664|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:787|939)') THEN regexp_like(x.nsn1, '^(?:(?:[589][0-9][0-9]|787)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:721)') THEN regexp_like(x.nsn1, '^(?:7215[0-9]{6}|(?:[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:649)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|649|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:868)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:784)') THEN regexp_like(x.nsn1, '^(?:(?:[58][0-9][0-9]|784|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:284)') THEN regexp_like(x.nsn1, '^(?:(?:284|[58][0-9][0-9]|900)[0-9]{7})$') WHEN regexp_like(x.nsn1, '^(?:340)') THEN regexp_like(x.nsn1, '^(?:[58][0-9]{9}|(?:34|90)0[0-9]{7})$') ELSE (regexp_like(x.nsn1, '^(?:[2-9][0-9]{9}|3[0-9]{6})$') AND ((length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:983[2-57-9][0-9]{6}|(?:2(?:0[1-35-9]|1[02-9]|2[03-57-9]|3[1459]|4[08]|5[1-46]|6[0279]|7[02469]|8[13])|3(?:0[1-57-9]|1[02-9]|2[013-79]|3[0-24679]|4[167]|5[0-3]|6[01349]|8[056])|4(?:0[124-9]|1[02-579]|2[3-5]|3[0245]|4[023578]|58|6[349]|7[02589]|8[04])|5(?:0[1-57-9]|1[0235-8]|20|3[0149]|4[01]|5[179]|6[1-47]|7[0-5]|8[0256])|6(?:0[1-35-9]|1[024-9]|2[03689]|3[016]|4[0156]|5[01679]|6[0-279]|78|8[0-269])|7(?:0[1-46-8]|1[2-9]|2[04-8]|3[0-2478]|4[0378]|5[47]|6[02359]|7[0-59]|8[156])|8(?:0[1-68]|1[02-8]|2[0168]|3[0-2589]|4[03578]|5[046-9]|6[02-5]|7[028])|9(?:0[1346-9]|1[02-9]|2[0589]|3[0146-8]|4[01357-9]|5[12469]|7[0-3589]|8[04-69]))[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:8(?:00|33|44|55|66|77|88)[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:900[2-9][0-9]{6})$')) OR (length(x.nsn1) IN (10) AND regexp_like(x.nsn1, '^(?:52(?:3(?:[2-46-9][02-9][0-9]|5(?:[02-46-9][0-9]|5[0-46-9]))|4(?:[2-478][02-9][0-9]|5(?:[034][0-9]|2[024-9]|5[0-46-9])|6(?:0[1-9]|[2-9][0-9])|9(?:[05-9][0-9]|2[0-5]|49)))[0-9]{4}|52[34][2-9]1[02-9][0-9]{4}|5(?:00|2[125-9]|3[23]|44|66|77|88)[2-9][0-9]{6})$')))) END
      WHEN x.digits LIKE '20%' THEN regexp_like(x.nsn2, '^(?:[189][0-9]{8,9}|[24-6][0-9]{8}|[135][0-9]{7})$')
      WHEN x.digits LIKE '211%' THEN regexp_like(x.nsn3, '^(?:[19][0-9]{8})$')
      WHEN x.digits LIKE '212%' THEN CASE WHEN regexp_like(x.nsn3, '^(?:[5-8])') THEN regexp_like(x.nsn3, '^(?:[5-8][0-9]{8})$') WHEN (regexp_like(x.nsn3, '^(?:[5-8][0-9]{8})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:528[89][0-9]{5})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:6(?:[0-79][0-9]|8[0-247-9])|7(?:[016-8][0-9]|2[0-8]|3[01]|5[0-5]))[0-9]{6})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:80[0-7][0-9]{6})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:89[0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:592(?:4[0-2]|93)|80[89][0-9][0-9])[0-9]{4})$')))) THEN true ELSE regexp_like(x.nsn3, '^(?:[5-8][0-9]{8})$') END
      WHEN x.digits LIKE '213%' THEN regexp_like(x.nsn3, '^(?:(?:[1-4]|[5-79][0-9]|80)[0-9]{7})$')
      WHEN x.digits LIKE '216%' THEN regexp_like(x.nsn3, '^(?:[2-57-9][0-9]{7})$')
      WHEN x.digits LIKE '218%' THEN regexp_like(x.nsn3, '^(?:[2-9][0-9]{8})$')
      WHEN x.digits LIKE '220%' THEN regexp_like(x.nsn3, '^(?:[48][0-9]{8}|[2-9][0-9]{6})$')
      WHEN x.digits LIKE '221%' THEN regexp_like(x.nsn3, '^(?:(?:[378][0-9]|93)[0-9]{7})$')
      WHEN x.digits LIKE '222%' THEN regexp_like(x.nsn3, '^(?:(?:[2-4][0-9][0-9]|800)[0-9]{5})$')
      WHEN x.digits LIKE '223%' THEN regexp_like(x.nsn3, '^(?:[24-9][0-9]{7})$')
      WHEN x.digits LIKE '224%' THEN regexp_like(x.nsn3, '^(?:722[0-9]{6}|(?:3|6[0-9])[0-9]{7})$')
      WHEN x.digits LIKE '225%' THEN regexp_like(x.nsn3, '^(?:[02][0-9]{9})$')
      WHEN x.digits LIKE '226%' THEN regexp_like(x.nsn3, '^(?:[024-7][0-9]{7})$')
      WHEN x.digits LIKE '227%' THEN regexp_like(x.nsn3, '^(?:[027-9][0-9]{7})$')
      WHEN x.digits LIKE '228%' THEN regexp_like(x.nsn3, '^(?:[279][0-9]{7})$')
      WHEN x.digits LIKE '229%' THEN regexp_like(x.nsn3, '^(?:01[0-9]{8})$')
      WHEN x.digits LIKE '230%' THEN regexp_like(x.nsn3, '^(?:(?:[57]|8[0-9][0-9])[0-9]{7}|[2-468][0-9]{6})$')
      WHEN x.digits LIKE '231%' THEN regexp_like(x.nsn3, '^(?:(?:[2457][0-9]|33|88)[0-9]{7}|(?:2[0-9]|[4-6])[0-9]{6})$')
      WHEN x.digits LIKE '232%' THEN regexp_like(x.nsn3, '^(?:(?:[237-9][0-9]|66)[0-9]{6})$')
      WHEN x.digits LIKE '233%' THEN regexp_like(x.nsn3, '^(?:[235][0-9]{8}|800[0-9]{5,6})$')
      WHEN x.digits LIKE '234%' THEN regexp_like(x.nsn3, '^(?:(?:20|9[0-9])[0-9]{8}|[78][0-9]{9,13})$')
      WHEN x.digits LIKE '235%' THEN regexp_like(x.nsn3, '^(?:(?:22|[3689][0-9]|77)[0-9]{6})$')
      WHEN x.digits LIKE '236%' THEN regexp_like(x.nsn3, '^(?:8776[0-9]{4}|(?:[27][0-9]|61)[0-9]{6})$')
      WHEN x.digits LIKE '237%' THEN regexp_like(x.nsn3, '^(?:[26][0-9]{8}|88[0-9]{6,7})$')
      WHEN x.digits LIKE '238%' THEN regexp_like(x.nsn3, '^(?:(?:[2-59][0-9][0-9]|800)[0-9]{4})$')
      WHEN x.digits LIKE '239%' THEN regexp_like(x.nsn3, '^(?:(?:22|9[0-9])[0-9]{5})$')
      WHEN x.digits LIKE '240%' THEN regexp_like(x.nsn3, '^(?:222[0-9]{6}|(?:3[0-9]|55|[89]0)[0-9]{7})$')
      WHEN x.digits LIKE '241%' THEN regexp_like(x.nsn3, '^(?:(?:[067][0-9]|11)[0-9]{6}|[2-7][0-9]{6})$')
      WHEN x.digits LIKE '242%' THEN regexp_like(x.nsn3, '^(?:222[0-9]{6}|(?:0[0-9]|80)[0-9]{7})$')
      WHEN x.digits LIKE '243%' THEN regexp_like(x.nsn3, '^(?:(?:(?:[189]|5[0-9])[0-9]|2)[0-9]{7}|[1-68][0-9]{6})$')
      WHEN x.digits LIKE '244%' THEN regexp_like(x.nsn3, '^(?:[29][0-9]{8})$')
      WHEN x.digits LIKE '245%' THEN regexp_like(x.nsn3, '^(?:[49][0-9]{8}|4[0-9]{6})$')
      WHEN x.digits LIKE '246%' THEN regexp_like(x.nsn3, '^(?:3[0-9]{6})$')
      WHEN x.digits LIKE '247%' THEN regexp_like(x.nsn3, '^(?:(?:[01589][0-9]|[2-467])[0-9]{4})$')
      WHEN x.digits LIKE '248%' THEN regexp_like(x.nsn3, '^(?:(?:[2489][0-9]|64)[0-9]{5})$')
      WHEN x.digits LIKE '249%' THEN regexp_like(x.nsn3, '^(?:[19][0-9]{8})$')
      WHEN x.digits LIKE '250%' THEN regexp_like(x.nsn3, '^(?:(?:06|[27][0-9][0-9]|[89]00)[0-9]{6})$')
      WHEN x.digits LIKE '251%' THEN regexp_like(x.nsn3, '^(?:(?:11|[2-57-9][0-9])[0-9]{7})$')
      WHEN x.digits LIKE '252%' THEN regexp_like(x.nsn3, '^(?:[346-9][0-9]{8}|[12679][0-9]{7}|[1-5][0-9]{6}|[1348][0-9]{5})$')
      WHEN x.digits LIKE '253%' THEN regexp_like(x.nsn3, '^(?:(?:2[0-9]|77)[0-9]{6})$')
      WHEN x.digits LIKE '254%' THEN regexp_like(x.nsn3, '^(?:(?:[17][0-9][0-9]|900)[0-9]{6}|(?:2|80)0[0-9]{6,7}|[4-6][0-9]{6,8})$')
      WHEN x.digits LIKE '255%' THEN regexp_like(x.nsn3, '^(?:(?:[25-8][0-9]|41|90)[0-9]{7})$')
      WHEN x.digits LIKE '256%' THEN regexp_like(x.nsn3, '^(?:800[0-9]{6}|(?:[29]0|[347][0-9])[0-9]{7})$')
      WHEN x.digits LIKE '257%' THEN regexp_like(x.nsn3, '^(?:(?:[267][0-9]|31)[0-9]{6})$')
      WHEN x.digits LIKE '258%' THEN regexp_like(x.nsn3, '^(?:(?:2|8[0-9])[0-9]{7})$')
      WHEN x.digits LIKE '260%' THEN regexp_like(x.nsn3, '^(?:800[0-9]{6}|(?:21|[579][0-9]|63)[0-9]{7})$')
      WHEN x.digits LIKE '261%' THEN regexp_like(x.nsn3, '^(?:[23][0-9]{8})$')
      WHEN x.digits LIKE '262%' THEN CASE WHEN (regexp_like(x.nsn3, '^(?:709[0-9]{6}|(?:26|[689][0-9])[0-9]{7})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:2631[0-6][0-9]{4}|26(?:2[0-9]|30|88)[0-9]{5})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:69(?:2[0-9][0-9]|3(?:[06][0-6]|1[0-3]|2[0-2]|3[0-39]|4[0-9]|5[0-5]|7[0-37]|8[0-8]|9[0-479]))|7092[0-3])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:80[0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:89[1-37-9][0-9]{6})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:9(?:399[0-3]|479[0-6]|76(?:2[278]|3[0-37]))[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:8(?:1[019]|2[0156]|84|90)[0-9]{6})$')))) THEN true WHEN (regexp_like(x.nsn3, '^(?:(?:639[0-9]|7093)[0-9]{5}|(?:26|80|9[0-9])[0-9]{7})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:26(?:89[0-9]|9(?:0[0-467]|15|5[0-4]|6[0-9]|[78]0))[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:639(?:0[0-79]|1[019]|[267][0-9]|3[09]|40|5[05-9]|9[04-79])|7093[5-7])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:80[0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:9(?:(?:39|47)8[01]|769[0-9])[0-9]{4})$')))) THEN true ELSE (regexp_like(x.nsn3, '^(?:709[0-9]{6}|(?:26|[689][0-9])[0-9]{7})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:2631[0-6][0-9]{4}|26(?:2[0-9]|30|88)[0-9]{5})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:69(?:2[0-9][0-9]|3(?:[06][0-6]|1[0-3]|2[0-2]|3[0-39]|4[0-9]|5[0-5]|7[0-37]|8[0-8]|9[0-479]))|7092[0-3])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:80[0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:89[1-37-9][0-9]{6})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:9(?:399[0-3]|479[0-6]|76(?:2[278]|3[0-37]))[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:8(?:1[019]|2[0156]|84|90)[0-9]{6})$')))) END
      WHEN x.digits LIKE '263%' THEN regexp_like(x.nsn3, '^(?:8[0-9]{6}(?:[0-9]{3})?|[235-8][0-9]{8})$')
      WHEN x.digits LIKE '264%' THEN regexp_like(x.nsn3, '^(?:[68][0-9]{7,8})$')
      WHEN x.digits LIKE '265%' THEN regexp_like(x.nsn3, '^(?:(?:[1289][0-9]|31|77)[0-9]{7}|1[0-9]{6})$')
      WHEN x.digits LIKE '266%' THEN regexp_like(x.nsn3, '^(?:(?:[256][0-9][0-9]|800)[0-9]{5})$')
      WHEN x.digits LIKE '267%' THEN regexp_like(x.nsn3, '^(?:90[0-9]{5}|(?:0800|[2-6]|(?:7|800)[0-9])[0-9]{6})$')
      WHEN x.digits LIKE '268%' THEN regexp_like(x.nsn3, '^(?:0800[0-9]{4}|(?:[237][0-9]|900)[0-9]{6})$')
      WHEN x.digits LIKE '269%' THEN regexp_like(x.nsn3, '^(?:[3478][0-9]{6})$')
      WHEN x.digits LIKE '27%' THEN regexp_like(x.nsn2, '^(?:[1-79][0-9]{8}|8[0-9]{4,9})$')
      WHEN x.digits LIKE '290%' THEN CASE WHEN regexp_like(x.nsn3, '^(?:[2569])') THEN regexp_like(x.nsn3, '^(?:(?:[2569][0-9]|8)[0-9]{3})$') WHEN regexp_like(x.nsn3, '^(?:8)') THEN regexp_like(x.nsn3, '^(?:8[0-9]{3})$') ELSE regexp_like(x.nsn3, '^(?:(?:[2569][0-9]|8)[0-9]{3})$') END
      WHEN x.digits LIKE '291%' THEN regexp_like(x.nsn3, '^(?:[178][0-9]{6})$')
      WHEN x.digits LIKE '297%' THEN regexp_like(x.nsn3, '^(?:(?:[25-79][0-9][0-9]|800)[0-9]{4})$')
      WHEN x.digits LIKE '298%' THEN regexp_like(x.nsn3, '^(?:[2-9][0-9]{5})$')
      WHEN x.digits LIKE '299%' THEN regexp_like(x.nsn3, '^(?:(?:19|[2-689][0-9]|70)[0-9]{4})$')
      WHEN x.digits LIKE '30%' THEN regexp_like(x.nsn2, '^(?:5005000[0-9]{3}|8[0-9]{9,11}|(?:[269][0-9]|70)[0-9]{8})$')
      WHEN x.digits LIKE '31%' THEN regexp_like(x.nsn2, '^(?:(?:[124-7][0-9][0-9]|3(?:[02-9][0-9]|1[0-8]))[0-9]{6}|8[0-9]{6,9}|9[0-9]{6,10}|1[0-9]{4,5})$')
      WHEN x.digits LIKE '32%' THEN regexp_like(x.nsn2, '^(?:4[0-9]{8}|[1-9][0-9]{7})$')
      WHEN x.digits LIKE '33%' THEN regexp_like(x.nsn2, '^(?:[1-9][0-9]{8})$')
      WHEN x.digits LIKE '34%' THEN regexp_like(x.nsn2, '^(?:400[0-9]{6}|(?:51|[6-9][0-9])[0-9]{7})$')
      WHEN x.digits LIKE '350%' THEN regexp_like(x.nsn3, '^(?:(?:[25][0-9]|60)[0-9]{6})$')
      WHEN x.digits LIKE '351%' THEN regexp_like(x.nsn3, '^(?:1693[0-9]{5}|(?:[26-9][0-9]|30)[0-9]{7})$')
      WHEN x.digits LIKE '352%' THEN regexp_like(x.nsn3, '^(?:35[013-9][0-9]{4,8}|6[0-9]{8}|35[0-9]{2,4}|(?:[2457-9][0-9]|3[0-46-9])[0-9]{2,9})$')
      WHEN x.digits LIKE '353%' THEN regexp_like(x.nsn3, '^(?:(?:1[0-9]|[2569])[0-9]{6,8}|4[0-9]{6,9}|7[0-9]{8}|8[0-9]{8,9})$')
      WHEN x.digits LIKE '354%' THEN regexp_like(x.nsn3, '^(?:(?:38[0-9]|[4-9])[0-9]{6})$')
      WHEN x.digits LIKE '355%' THEN regexp_like(x.nsn3, '^(?:(?:700[0-9][0-9]|900)[0-9]{3}|8[0-9]{5,7}|(?:[2-5]|6[0-9])[0-9]{7})$')
      WHEN x.digits LIKE '356%' THEN regexp_like(x.nsn3, '^(?:3550[0-9]{4}|(?:[2579][0-9][0-9]|800)[0-9]{5})$')
      WHEN x.digits LIKE '357%' THEN regexp_like(x.nsn3, '^(?:(?:[279][0-9]|[58]0)[0-9]{6})$')
      WHEN x.digits LIKE '358%' THEN CASE WHEN regexp_like(x.nsn3, '^(?:1[03-79]|[2-9])') THEN regexp_like(x.nsn3, '^(?:[1-35689][0-9]{4}|7[0-9]{10,11}|(?:[124-7][0-9]|3[0-46-9])[0-9]{8}|[1-9][0-9]{5,8})$') WHEN regexp_like(x.nsn3, '^(?:18)') THEN regexp_like(x.nsn3, '^(?:2[0-9]{4,9}|35[0-9]{4,5}|(?:60[0-9][0-9]|800)[0-9]{4,6}|7[0-9]{5,11}|(?:[14][0-9]|3[0-46-9]|50)[0-9]{4,8})$') ELSE regexp_like(x.nsn3, '^(?:[1-35689][0-9]{4}|7[0-9]{10,11}|(?:[124-7][0-9]|3[0-46-9])[0-9]{8}|[1-9][0-9]{5,8})$') END
      WHEN x.digits LIKE '359%' THEN regexp_like(x.nsn3, '^(?:00800[0-9]{7}|[2-7][0-9]{6,7}|[89][0-9]{6,8}|2[0-9]{5})$')
      WHEN x.digits LIKE '36%' THEN regexp_like(x.nsn2, '^(?:[235-7][0-9]{8}|[1-9][0-9]{7})$')
      WHEN x.digits LIKE '370%' THEN regexp_like(x.nsn3, '^(?:(?:[3469][0-9]|52|[78]0)[0-9]{6})$')
      WHEN x.digits LIKE '371%' THEN regexp_like(x.nsn3, '^(?:(?:[268][0-9]|78|90)[0-9]{6})$')
      WHEN x.digits LIKE '372%' THEN regexp_like(x.nsn3, '^(?:8[0-9]{9}|[4578][0-9]{7}|(?:[3-8][0-9]|90)[0-9]{5})$')
      WHEN x.digits LIKE '373%' THEN regexp_like(x.nsn3, '^(?:(?:[235-7][0-9]|[89]0)[0-9]{6})$')
      WHEN x.digits LIKE '374%' THEN regexp_like(x.nsn3, '^(?:(?:[1-489][0-9]|55|60|77)[0-9]{6})$')
      WHEN x.digits LIKE '375%' THEN regexp_like(x.nsn3, '^(?:(?:[12][0-9]|33|44|902)[0-9]{7}|8(?:0[0-79][0-9]{5,7}|[1-7][0-9]{9})|8(?:1[0-489]|[5-79][0-9])[0-9]{7}|8[1-79][0-9]{6,7}|8[0-79][0-9]{5}|8[0-9]{5})$')
      WHEN x.digits LIKE '376%' THEN regexp_like(x.nsn3, '^(?:(?:1|6[0-9])[0-9]{7}|[135-9][0-9]{5})$')
      WHEN x.digits LIKE '377%' THEN regexp_like(x.nsn3, '^(?:(?:[3489]|[67][0-9])[0-9]{7})$')
      WHEN x.digits LIKE '378%' THEN regexp_like(x.nsn3, '^(?:(?:0549|[5-7][0-9])[0-9]{6})$')
      WHEN x.digits LIKE '380%' THEN regexp_like(x.nsn3, '^(?:[89][0-9]{9}|[3-9][0-9]{8})$')
      WHEN x.digits LIKE '381%' THEN regexp_like(x.nsn3, '^(?:38[02-9][0-9]{6,9}|6[0-9]{7,9}|90[0-9]{4,8}|38[0-9]{5,6}|(?:7[0-9][0-9]|800)[0-9]{3,9}|(?:[12][0-9]|3[0-79])[0-9]{5,10})$')
      WHEN x.digits LIKE '382%' THEN regexp_like(x.nsn3, '^(?:(?:20|[3-79][0-9])[0-9]{6}|80[0-9]{6,7})$')
      WHEN x.digits LIKE '383%' THEN regexp_like(x.nsn3, '^(?:2[0-9]{7,8}|3[0-9]{7,11}|(?:4[0-9][0-9]|[89]00)[0-9]{5})$')
      WHEN x.digits LIKE '385%' THEN regexp_like(x.nsn3, '^(?:[2-69][0-9]{8}|80[0-9]{5,7}|[1-79][0-9]{7}|6[0-9]{6})$')
      WHEN x.digits LIKE '386%' THEN regexp_like(x.nsn3, '^(?:[1-7][0-9]{7}|8[0-9]{4,7}|90[0-9]{4,6})$')
      WHEN x.digits LIKE '387%' THEN regexp_like(x.nsn3, '^(?:6[0-9]{8}|(?:[35689][0-9]|49|70)[0-9]{6})$')
      WHEN x.digits LIKE '389%' THEN regexp_like(x.nsn3, '^(?:[2-578][0-9]{7})$')
      WHEN x.digits LIKE '39%' THEN CASE WHEN (regexp_like(x.nsn2, '^(?:0[0-9]{5,11}|1[0-9]{8,10}|3(?:[0-8][0-9]{7,10}|9[0-9]{7,8})|(?:43|55|70)[0-9]{8}|8[0-9]{5}(?:[0-9]{2,4})?)$') AND ((length(x.nsn2) IN (6, 7, 8, 9, 10, 11, 12) AND regexp_like(x.nsn2, '^(?:0(?:669[0-79][0-9]{1,6}|831[0-9]{2,8})|0(?:1(?:[0159][0-9]|[27][1-5]|31|4[1-4]|6[1356]|8[2-57])|2[0-9][0-9]|3(?:[0159][0-9]|2[1-4]|3[12]|[48][1-6]|6[2-59]|7[1-7])|4(?:[0159][0-9]|[23][1-9]|4[245]|6[1-5]|7[1-4]|81)|5(?:[0159][0-9]|2[1-5]|3[2-6]|4[1-79]|6[4-6]|7[1-578]|8[3-8])|6(?:[0-57-9][0-9]|6[0-8])|7(?:[0159][0-9]|2[12]|3[1-7]|4[2-46]|6[13569]|7[13-6]|8[1-59])|8(?:[0159][0-9]|2[3-578]|3[2356]|[6-8][1-5])|9(?:[0159][0-9]|[238][1-5]|4[12]|6[1-8]|7[1-6]))[0-9]{2,7})$')) OR (length(x.nsn2) IN (9, 10) AND regexp_like(x.nsn2, '^(?:3[2-9][0-9]{7,8}|(?:31|43)[0-9]{8})$')) OR (length(x.nsn2) IN (6, 9) AND regexp_like(x.nsn2, '^(?:80(?:0[0-9]{3}|3)[0-9]{3})$')) OR (length(x.nsn2) IN (6, 8, 9, 10) AND regexp_like(x.nsn2, '^(?:(?:0878[0-9]{3}|89(?:2[0-9]|3[04]|4(?:[0-4]|[5-9][0-9][0-9])|5[0-4]))[0-9][0-9]|(?:1(?:44|6[346])|89(?:38|5[5-9]|9))[0-9]{6})$')) OR (length(x.nsn2) IN (9, 10) AND regexp_like(x.nsn2, '^(?:1(?:78[0-9]|99)[0-9]{6})$')) OR (length(x.nsn2) IN (11, 12) AND regexp_like(x.nsn2, '^(?:3[2-8][0-9]{9,10})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:55[0-9]{8})$')) OR (length(x.nsn2) IN (6, 9) AND regexp_like(x.nsn2, '^(?:84(?:[08][0-9]{3}|[17])[0-9]{3})$')))) THEN true WHEN regexp_like(x.nsn2, '^(?:06698)') THEN regexp_like(x.nsn2, '^(?:0[0-9]{5,10}|3[0-8][0-9]{7,10}|55[0-9]{8}|8[0-9]{5}(?:[0-9]{2,4})?|(?:1[0-9]|39)[0-9]{7,8})$') ELSE (regexp_like(x.nsn2, '^(?:0[0-9]{5,11}|1[0-9]{8,10}|3(?:[0-8][0-9]{7,10}|9[0-9]{7,8})|(?:43|55|70)[0-9]{8}|8[0-9]{5}(?:[0-9]{2,4})?)$') AND ((length(x.nsn2) IN (6, 7, 8, 9, 10, 11, 12) AND regexp_like(x.nsn2, '^(?:0(?:669[0-79][0-9]{1,6}|831[0-9]{2,8})|0(?:1(?:[0159][0-9]|[27][1-5]|31|4[1-4]|6[1356]|8[2-57])|2[0-9][0-9]|3(?:[0159][0-9]|2[1-4]|3[12]|[48][1-6]|6[2-59]|7[1-7])|4(?:[0159][0-9]|[23][1-9]|4[245]|6[1-5]|7[1-4]|81)|5(?:[0159][0-9]|2[1-5]|3[2-6]|4[1-79]|6[4-6]|7[1-578]|8[3-8])|6(?:[0-57-9][0-9]|6[0-8])|7(?:[0159][0-9]|2[12]|3[1-7]|4[2-46]|6[13569]|7[13-6]|8[1-59])|8(?:[0159][0-9]|2[3-578]|3[2356]|[6-8][1-5])|9(?:[0159][0-9]|[238][1-5]|4[12]|6[1-8]|7[1-6]))[0-9]{2,7})$')) OR (length(x.nsn2) IN (9, 10) AND regexp_like(x.nsn2, '^(?:3[2-9][0-9]{7,8}|(?:31|43)[0-9]{8})$')) OR (length(x.nsn2) IN (6, 9) AND regexp_like(x.nsn2, '^(?:80(?:0[0-9]{3}|3)[0-9]{3})$')) OR (length(x.nsn2) IN (6, 8, 9, 10) AND regexp_like(x.nsn2, '^(?:(?:0878[0-9]{3}|89(?:2[0-9]|3[04]|4(?:[0-4]|[5-9][0-9][0-9])|5[0-4]))[0-9][0-9]|(?:1(?:44|6[346])|89(?:38|5[5-9]|9))[0-9]{6})$')) OR (length(x.nsn2) IN (9, 10) AND regexp_like(x.nsn2, '^(?:1(?:78[0-9]|99)[0-9]{6})$')) OR (length(x.nsn2) IN (11, 12) AND regexp_like(x.nsn2, '^(?:3[2-8][0-9]{9,10})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:55[0-9]{8})$')) OR (length(x.nsn2) IN (6, 9) AND regexp_like(x.nsn2, '^(?:84(?:[08][0-9]{3}|[17])[0-9]{3})$')))) END
      WHEN x.digits LIKE '40%' THEN regexp_like(x.nsn2, '^(?:(?:[2378][0-9]|90)[0-9]{7}|[23][0-9]{5})$')
      WHEN x.digits LIKE '41%' THEN regexp_like(x.nsn2, '^(?:8[0-9]{11}|[2-9][0-9]{8})$')
      WHEN x.digits LIKE '420%' THEN regexp_like(x.nsn3, '^(?:(?:[2-578][0-9]|60)[0-9]{7}|9[0-9]{8,11})$')
      WHEN x.digits LIKE '421%' THEN regexp_like(x.nsn3, '^(?:[2-689][0-9]{8}|[2-59][0-9]{6}|[2-5][0-9]{5})$')
      WHEN x.digits LIKE '423%' THEN regexp_like(x.nsn3, '^(?:[68][0-9]{8}|(?:[2378][0-9]|90)[0-9]{5})$')
      WHEN x.digits LIKE '43%' THEN regexp_like(x.nsn2, '^(?:1[0-9]{3,12}|2[0-9]{6,12}|43(?:(?:0[0-9]|5[02-9])[0-9]{3,9}|2[0-9]{4,5}|[3467][0-9]{4}|8[0-9]{4,6}|9[0-9]{4,7})|5[0-9]{4,12}|8[0-9]{7,12}|9[0-9]{8,12}|(?:[367][0-9]|4[0-24-9])[0-9]{4,11})$')
      WHEN x.digits LIKE '44%' THEN CASE WHEN (regexp_like(x.nsn2, '^(?:[1-357-9][0-9]{9}|[18][0-9]{8}|8[0-9]{6})$') AND ((length(x.nsn2) IN (9, 10) AND regexp_like(x.nsn2, '^(?:(?:1(?:1(?:3(?:[0-58][0-9][0-9]|73[0-5])|4(?:(?:[0-5][0-9]|70)[0-9]|69[7-9])|(?:(?:5[0-26-9]|[78][0-49])[0-9]|6(?:[0-4][0-9]|5[01]))[0-9])|(?:2(?:(?:0[024-9]|2[3-9]|3[3-79]|4[1-689]|[58][02-9]|6[0-47-9]|7[013-9]|9[0-9])[0-9]|1(?:[0-7][0-9]|8[0-3]))|(?:3(?:0[0-9]|1[0-8]|[25][02-9]|3[02-579]|[468][0-46-9]|7[1-35-79]|9[2-578])|4(?:0[03-9]|[137][0-9]|[28][02-57-9]|4[02-69]|5[0-8]|[69][0-79])|5(?:0[1-35-9]|[16][0-9]|2[024-9]|3[015689]|4[02-9]|5[03-9]|7[0-35-9]|8[0-468]|9[0-57-9])|6(?:0[034689]|1[0-9]|2[0-35689]|[38][013-9]|4[1-467]|5[0-69]|6[13-9]|7[0-8]|9[0-24578])|7(?:0[0246-9]|2[0-9]|3[0236-8]|4[03-9]|5[0-46-9]|6[013-9]|7[0-35-9]|8[024-9]|9[02-9])|8(?:0[35-9]|2[1-57-9]|3[02-578]|4[0-578]|5[124-9]|6[2-69]|7[0-9]|8[02-9]|9[02569])|9(?:0[02-589]|[18][0-9]|2[02-689]|3[1-57-9]|4[2-9]|5[0-579]|6[2-47-9]|7[0-24578]|9[2-57]))[0-9])[0-9])|2(?:0[013478]|3[0189]|4[017]|8[0-46-9]|9[0-2])[0-9]{3})[0-9]{4}|1(?:2(?:0(?:46[1-4]|87[2-9])|545[1-79]|76(?:2[0-9]|3[1-8]|6[1-6])|9(?:7(?:2[0-4]|3[2-5])|8(?:2[2-8]|7[0-47-9]|8[3-5])))|3(?:6(?:38[2-5]|47[23])|8(?:47[04-9]|64[0157-9]))|4(?:044[1-7]|20(?:2[23]|8[0-9])|6(?:0(?:30|5[2-57]|6[1-8]|7[2-8])|140)|8(?:052|87[1-3]))|5(?:2(?:4(?:3[2-79]|6[0-9])|76[0-9])|6(?:26[06-9]|686))|6(?:06(?:4[0-9]|7[4-79])|295[5-7]|35[34][0-9]|47(?:24|61)|59(?:5[08]|6[67]|74)|9(?:55[0-4]|77[23]))|7(?:26(?:6[13-9]|7[0-7])|(?:442|688)[0-9]|50(?:2[0-3]|[3-68]2|76))|8(?:27[56][0-9]|37(?:5[2-5]|8[239])|843[2-58])|9(?:0(?:0(?:6[1-8]|85)|52[0-9])|3583|4(?:66[1-8]|9(?:2[01]|81))|63(?:23|3[1-4])|9561))[0-9]{3})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:7(?:457[0-57-9]|700[01]|911[028])[0-9]{5}|7(?:[1-3][0-9][0-9]|4(?:[0-46-9][0-9]|5[0-689])|5(?:0[0-8]|[13-9][0-9]|2[0-35-9])|7(?:0[1-9]|[1-7][0-9]|8[02-9]|9[0-689])|8(?:[014-9][0-9]|[23][0-8])|9(?:[024-9][0-9]|1[02-9]|3[0-689]))[0-9]{6})$')) OR (length(x.nsn2) IN (7, 9, 10) AND regexp_like(x.nsn2, '^(?:80[08][0-9]{7}|800[0-9]{6}|8001111)$')) OR (length(x.nsn2) IN (7, 10) AND regexp_like(x.nsn2, '^(?:(?:8(?:4[2-5]|7[0-3])|9(?:[01][0-9]|8[2-49]))[0-9]{7}|845464[0-9])$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:70[0-9]{8})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:(?:3[0347]|55)[0-9]{8})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:76(?:464|652)[0-9]{5}|76(?:0[0-28]|2[356]|34|4[01347]|5[49]|6[0-369]|77|8[14]|9[139])[0-9]{6})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:56[0-9]{8})$')))) THEN true WHEN (regexp_like(x.nsn2, '^(?:(?:1481|[357-9][0-9]{3})[0-9]{6}|8[0-9]{6}(?:[0-9]{2})?)$') AND ((length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:1481[25-9][0-9]{5})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:7(?:(?:781|839)[0-9]|911[17])[0-9]{5})$')) OR (length(x.nsn2) IN (7, 9, 10) AND regexp_like(x.nsn2, '^(?:80[08][0-9]{7}|800[0-9]{6}|8001111)$')) OR (length(x.nsn2) IN (7, 10) AND regexp_like(x.nsn2, '^(?:(?:8(?:4[2-5]|7[0-3])|9(?:[01][0-9]|8[0-3]))[0-9]{7}|845464[0-9])$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:70[0-9]{8})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:(?:3[0347]|55)[0-9]{8})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:76(?:464|652)[0-9]{5}|76(?:0[0-28]|2[356]|34|4[01347]|5[49]|6[0-369]|77|8[14]|9[139])[0-9]{6})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:56[0-9]{8})$')))) THEN true WHEN regexp_like(x.nsn2, '^(?:74576|(?:16|7[56])24)') THEN regexp_like(x.nsn2, '^(?:1624[0-9]{6}|(?:[3578][0-9]|90)[0-9]{8})$') WHEN (regexp_like(x.nsn2, '^(?:1534[0-9]{6}|(?:[3578][0-9]|90)[0-9]{8})$') AND ((length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:1534[0-24-8][0-9]{5})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:7(?:(?:(?:50|82)9|937)[0-9]|7(?:00[378]|97[0-9]))[0-9]{5})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:80(?:07(?:35|81)|8901)[0-9]{4})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:(?:8(?:4(?:4(?:4(?:05|42|69)|703)|5(?:041|800))|7(?:0002|1206))|90(?:066[59]|1810|71(?:07|55)))[0-9]{4})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:701511[0-9]{4})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:(?:3(?:0(?:07(?:35|81)|8901)|3[0-9]{4}|4(?:4(?:4(?:05|42|69)|703)|5(?:041|800))|7(?:0002|1206))|55[0-9]{4})[0-9]{4})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:76(?:464|652)[0-9]{5}|76(?:0[0-28]|2[356]|34|4[01347]|5[49]|6[0-369]|77|8[14]|9[139])[0-9]{6})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:56[0-9]{8})$')))) THEN true ELSE (regexp_like(x.nsn2, '^(?:[1-357-9][0-9]{9}|[18][0-9]{8}|8[0-9]{6})$') AND ((length(x.nsn2) IN (9, 10) AND regexp_like(x.nsn2, '^(?:(?:1(?:1(?:3(?:[0-58][0-9][0-9]|73[0-5])|4(?:(?:[0-5][0-9]|70)[0-9]|69[7-9])|(?:(?:5[0-26-9]|[78][0-49])[0-9]|6(?:[0-4][0-9]|5[01]))[0-9])|(?:2(?:(?:0[024-9]|2[3-9]|3[3-79]|4[1-689]|[58][02-9]|6[0-47-9]|7[013-9]|9[0-9])[0-9]|1(?:[0-7][0-9]|8[0-3]))|(?:3(?:0[0-9]|1[0-8]|[25][02-9]|3[02-579]|[468][0-46-9]|7[1-35-79]|9[2-578])|4(?:0[03-9]|[137][0-9]|[28][02-57-9]|4[02-69]|5[0-8]|[69][0-79])|5(?:0[1-35-9]|[16][0-9]|2[024-9]|3[015689]|4[02-9]|5[03-9]|7[0-35-9]|8[0-468]|9[0-57-9])|6(?:0[034689]|1[0-9]|2[0-35689]|[38][013-9]|4[1-467]|5[0-69]|6[13-9]|7[0-8]|9[0-24578])|7(?:0[0246-9]|2[0-9]|3[0236-8]|4[03-9]|5[0-46-9]|6[013-9]|7[0-35-9]|8[024-9]|9[02-9])|8(?:0[35-9]|2[1-57-9]|3[02-578]|4[0-578]|5[124-9]|6[2-69]|7[0-9]|8[02-9]|9[02569])|9(?:0[02-589]|[18][0-9]|2[02-689]|3[1-57-9]|4[2-9]|5[0-579]|6[2-47-9]|7[0-24578]|9[2-57]))[0-9])[0-9])|2(?:0[013478]|3[0189]|4[017]|8[0-46-9]|9[0-2])[0-9]{3})[0-9]{4}|1(?:2(?:0(?:46[1-4]|87[2-9])|545[1-79]|76(?:2[0-9]|3[1-8]|6[1-6])|9(?:7(?:2[0-4]|3[2-5])|8(?:2[2-8]|7[0-47-9]|8[3-5])))|3(?:6(?:38[2-5]|47[23])|8(?:47[04-9]|64[0157-9]))|4(?:044[1-7]|20(?:2[23]|8[0-9])|6(?:0(?:30|5[2-57]|6[1-8]|7[2-8])|140)|8(?:052|87[1-3]))|5(?:2(?:4(?:3[2-79]|6[0-9])|76[0-9])|6(?:26[06-9]|686))|6(?:06(?:4[0-9]|7[4-79])|295[5-7]|35[34][0-9]|47(?:24|61)|59(?:5[08]|6[67]|74)|9(?:55[0-4]|77[23]))|7(?:26(?:6[13-9]|7[0-7])|(?:442|688)[0-9]|50(?:2[0-3]|[3-68]2|76))|8(?:27[56][0-9]|37(?:5[2-5]|8[239])|843[2-58])|9(?:0(?:0(?:6[1-8]|85)|52[0-9])|3583|4(?:66[1-8]|9(?:2[01]|81))|63(?:23|3[1-4])|9561))[0-9]{3})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:7(?:457[0-57-9]|700[01]|911[028])[0-9]{5}|7(?:[1-3][0-9][0-9]|4(?:[0-46-9][0-9]|5[0-689])|5(?:0[0-8]|[13-9][0-9]|2[0-35-9])|7(?:0[1-9]|[1-7][0-9]|8[02-9]|9[0-689])|8(?:[014-9][0-9]|[23][0-8])|9(?:[024-9][0-9]|1[02-9]|3[0-689]))[0-9]{6})$')) OR (length(x.nsn2) IN (7, 9, 10) AND regexp_like(x.nsn2, '^(?:80[08][0-9]{7}|800[0-9]{6}|8001111)$')) OR (length(x.nsn2) IN (7, 10) AND regexp_like(x.nsn2, '^(?:(?:8(?:4[2-5]|7[0-3])|9(?:[01][0-9]|8[2-49]))[0-9]{7}|845464[0-9])$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:70[0-9]{8})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:(?:3[0347]|55)[0-9]{8})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:76(?:464|652)[0-9]{5}|76(?:0[0-28]|2[356]|34|4[01347]|5[49]|6[0-369]|77|8[14]|9[139])[0-9]{6})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:56[0-9]{8})$')))) END
      WHEN x.digits LIKE '45%' THEN regexp_like(x.nsn2, '^(?:[2-9][0-9]{7})$')
      WHEN x.digits LIKE '46%' THEN regexp_like(x.nsn2, '^(?:(?:[26][0-9][0-9]|9)[0-9]{9}|[1-9][0-9]{8}|[1-689][0-9]{7}|[1-4689][0-9]{6}|2[0-9]{5})$')
      WHEN x.digits LIKE '47%' THEN CASE WHEN regexp_like(x.nsn2, '^(?:[02-689]|7[0-8])') THEN regexp_like(x.nsn2, '^(?:(?:0|[2-9][0-9]{3})[0-9]{4})$') WHEN regexp_like(x.nsn2, '^(?:79)') THEN regexp_like(x.nsn2, '^(?:0[0-9]{4}|(?:[489][0-9]|79)[0-9]{6})$') ELSE regexp_like(x.nsn2, '^(?:(?:0|[2-9][0-9]{3})[0-9]{4})$') END
      WHEN x.digits LIKE '48%' THEN regexp_like(x.nsn2, '^(?:(?:6|8[0-9][0-9])[0-9]{7}|[1-9][0-9]{6}(?:[0-9]{2})?|[26][0-9]{5})$')
      WHEN x.digits LIKE '49%' THEN regexp_like(x.nsn2, '^(?:[2579][0-9]{5,14}|49(?:[34]0|69|8[0-9])[0-9][0-9]?|49(?:37|49|60|7[089]|9[0-9])[0-9]{1,3}|49(?:2[024-9]|3[2-689]|7[1-7])[0-9]{1,8}|(?:1|[368][0-9]|4[0-8])[0-9]{3,13}|49(?:[015][0-9]|2[13]|31|[46][1-8])[0-9]{1,9})$')
      WHEN x.digits LIKE '500%' THEN regexp_like(x.nsn3, '^(?:[2-7][0-9]{4})$')
      WHEN x.digits LIKE '501%' THEN regexp_like(x.nsn3, '^(?:(?:0800[0-9]|[2-8])[0-9]{6})$')
      WHEN x.digits LIKE '502%' THEN regexp_like(x.nsn3, '^(?:80[0-9]{6}|(?:1[0-9]{3}|[2-7])[0-9]{7})$')
      WHEN x.digits LIKE '503%' THEN regexp_like(x.nsn3, '^(?:[25-7][0-9]{7}|(?:80[0-9]|900)[0-9]{4}(?:[0-9]{4})?)$')
      WHEN x.digits LIKE '504%' THEN regexp_like(x.nsn3, '^(?:8[0-9]{10}|[237-9][0-9]{7})$')
      WHEN x.digits LIKE '505%' THEN regexp_like(x.nsn3, '^(?:(?:1800|[25-8][0-9]{3})[0-9]{4})$')
      WHEN x.digits LIKE '506%' THEN regexp_like(x.nsn3, '^(?:(?:8[0-9]|90)[0-9]{8}|(?:[24-8][0-9]{3}|3005)[0-9]{4})$')
      WHEN x.digits LIKE '507%' THEN regexp_like(x.nsn3, '^(?:(?:00800|8[0-9]{3})[0-9]{6}|[68][0-9]{7}|[1-57-9][0-9]{6})$')
      WHEN x.digits LIKE '508%' THEN regexp_like(x.nsn3, '^(?:[78][0-9]{8}|[2-9][0-9]{5})$')
      WHEN x.digits LIKE '509%' THEN regexp_like(x.nsn3, '^(?:[2-589][0-9]{7})$')
      WHEN x.digits LIKE '51%' THEN regexp_like(x.nsn2, '^(?:(?:[14-8]|9[0-9])[0-9]{7})$')
      WHEN x.digits LIKE '52%' THEN regexp_like(x.nsn2, '^(?:[2-9][0-9]{9})$')
      WHEN x.digits LIKE '53%' THEN regexp_like(x.nsn2, '^(?:(?:[2-7]|8[0-9][0-9])[0-9]{7}|[2-47][0-9]{6}|[34][0-9]{5})$')
      WHEN x.digits LIKE '54%' THEN regexp_like(x.nsn2, '^(?:(?:11|[89][0-9][0-9])[0-9]{8}|[2368][0-9]{9})$')
      WHEN x.digits LIKE '55%' THEN regexp_like(x.nsn2, '^(?:[1-467][0-9]{9,10}|55[0-46-9][0-9]{8}|[34][0-9]{7}|55[0-9]{7,8}|(?:5[0-46-9]|[89][0-9])[0-9]{7,9})$')
      WHEN x.digits LIKE '56%' THEN regexp_like(x.nsn2, '^(?:12300[0-9]{6}|6[0-9]{9,10}|[2-9][0-9]{8})$')
      WHEN x.digits LIKE '57%' THEN regexp_like(x.nsn2, '^(?:(?:46|60[0-9][0-9])[0-9]{6}|(?:1[0-9]|[39])[0-9]{9})$')
      WHEN x.digits LIKE '58%' THEN regexp_like(x.nsn2, '^(?:[68]00[0-9]{7}|(?:[24][0-9]|[59]0)[0-9]{8})$')
      WHEN x.digits LIKE '590%' THEN CASE WHEN (regexp_like(x.nsn3, '^(?:7090[0-9]{5}|(?:[56]9|[89][0-9])[0-9]{7})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:59(?:0(?:0[1-68]|[14][0-24-9]|2[0-68]|3[1-9]|5[3-579]|[68][0-689]|7[08]|9[0-9])|87[0-9])|80[6-9][0-9][0-9])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:69(?:0[0-9][0-9]|1(?:2[2-9]|3[0-5]))|7090[0-4])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:80[0-5][0-9]{6})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:8[129][0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:9(?:(?:39[5-7]|76[018])[0-9]|475[0-6])[0-9]{4})$')))) THEN true WHEN (regexp_like(x.nsn3, '^(?:7090[0-9]{5}|(?:[56]9|[89][0-9])[0-9]{7})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:59(?:0(?:2[7-9]|3[3-7]|5[12]|87)|87[0-9])|80[6-9][0-9][0-9])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:69(?:0[0-9][0-9]|1(?:2[2-9]|3[0-5]))|7090[0-4])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:80[0-5][0-9]{6})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:8[129][0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:9(?:(?:39[5-7]|76[018])[0-9]|475[0-6])[0-9]{4})$')))) THEN true WHEN (regexp_like(x.nsn3, '^(?:7090[0-9]{5}|(?:[56]9|[89][0-9])[0-9]{7})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:59(?:0(?:0[079]|[14]3|[27][79]|3[03-7]|5[0-268]|87)|87[0-9])|80[6-9][0-9][0-9])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:69(?:0[0-9][0-9]|1(?:2[2-9]|3[0-5]))|7090[0-4])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:80[0-5][0-9]{6})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:8[129][0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:9(?:(?:39[5-7]|76[018])[0-9]|475[0-6])[0-9]{4})$')))) THEN true ELSE (regexp_like(x.nsn3, '^(?:7090[0-9]{5}|(?:[56]9|[89][0-9])[0-9]{7})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:59(?:0(?:0[1-68]|[14][0-24-9]|2[0-68]|3[1-9]|5[3-579]|[68][0-689]|7[08]|9[0-9])|87[0-9])|80[6-9][0-9][0-9])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:(?:69(?:0[0-9][0-9]|1(?:2[2-9]|3[0-5]))|7090[0-4])[0-9]{4})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:80[0-5][0-9]{6})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:8[129][0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:9(?:(?:39[5-7]|76[018])[0-9]|475[0-6])[0-9]{4})$')))) END
      WHEN x.digits LIKE '591%' THEN regexp_like(x.nsn3, '^(?:(?:[2-7][0-9][0-9]|8001)[0-9]{5})$')
      WHEN x.digits LIKE '592%' THEN regexp_like(x.nsn3, '^(?:(?:[2-8][0-9]{3}|9008)[0-9]{3})$')
      WHEN x.digits LIKE '593%' THEN regexp_like(x.nsn3, '^(?:1[0-9]{9,10}|(?:[2-7]|9[0-9])[0-9]{7})$')
      WHEN x.digits LIKE '594%' THEN regexp_like(x.nsn3, '^(?:(?:694[0-9]|7093)[0-9]{5}|(?:59|[89][0-9])[0-9]{7})$')
      WHEN x.digits LIKE '595%' THEN regexp_like(x.nsn3, '^(?:[36-8][0-9]{5,8}|4[0-9]{6,8}|59[0-9]{6}|9[0-9]{5,10}|(?:2[0-9]|5[0-8])[0-9]{6,7})$')
      WHEN x.digits LIKE '596%' THEN regexp_like(x.nsn3, '^(?:7091[0-9]{5}|(?:[56]9|[89][0-9])[0-9]{7})$')
      WHEN x.digits LIKE '597%' THEN regexp_like(x.nsn3, '^(?:(?:[2-5]|[6-9][0-9])[0-9]{5})$')
      WHEN x.digits LIKE '598%' THEN regexp_like(x.nsn3, '^(?:0004[0-9]{2,9}|[1249][0-9]{7}|2[0-9]{3,4}|(?:[49][0-9]|80)[0-9]{5})$')
      WHEN x.digits LIKE '599%' THEN CASE WHEN regexp_like(x.nsn3, '^(?:[69])') THEN regexp_like(x.nsn3, '^(?:(?:[34]1|60|(?:7|9[0-9])[0-9])[0-9]{5})$') WHEN regexp_like(x.nsn3, '^(?:[347])') THEN regexp_like(x.nsn3, '^(?:(?:[34]1|7[0-9])[0-9]{5})$') ELSE regexp_like(x.nsn3, '^(?:(?:[34]1|60|(?:7|9[0-9])[0-9])[0-9]{5})$') END
      WHEN x.digits LIKE '60%' THEN regexp_like(x.nsn2, '^(?:1[0-9]{8,9}|(?:3[0-9]|[4-9])[0-9]{7})$')
      WHEN x.digits LIKE '61%' THEN CASE WHEN (regexp_like(x.nsn2, '^(?:1(?:[0-79][0-9]{7}(?:[0-9](?:[0-9]{2})?)?|8[0-24-9][0-9]{7})|[2-478][0-9]{8}|1[0-9]{4,7})$') AND ((length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:(?:(?:241|349)0[0-9][0-9]|8(?:51(?:0(?:0[03-9]|[12479][0-9]|3[2-9]|5[0-8]|6[1-9]|8[0-7])|1(?:[0235689][0-9]|1[0-69]|4[0-589]|7[0-47-9])|2(?:0[0-79]|[18][13579]|2[14-9]|3[0-46-9]|[4-6][0-9]|7[89]|9[0-4])|[34][0-9][0-9])|91(?:(?:[0-58][0-9]|6[0135-9])[0-9]|7(?:0[0-24-9]|[1-9][0-9])|9(?:[0-46-9][0-9]|5[0-79]))))[0-9]{3}|(?:2(?:[0-26-9][0-9]|3[0-8]|4[02-9]|5[0135-9])|3(?:[0-3589][0-9]|4[0-578]|6[1-9]|7[0-35-9])|7(?:[013-57-9][0-9]|2[0-8])|8(?:55|6[0-8]|[78][0-9]|9[02-9]))[0-9]{6})$')) OR (length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:4(?:79[01]|83[0-36-9]|9(?:5[0-3]|6[0-4]))[0-9]{5}|4(?:[0-36][0-9]|4[047-9]|[58][0-24-9]|7[02-8]|9[0-47-9])[0-9]{6})$')) OR (length(x.nsn2) IN (7, 10) AND regexp_like(x.nsn2, '^(?:180(?:0[0-9]{3}|2)[0-9]{3})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:190[0-26][0-9]{6})$')) OR (length(x.nsn2) IN (5, 6, 7, 8, 9) AND regexp_like(x.nsn2, '^(?:163[0-9]{2,6})$')) OR (length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:14(?:5(?:1[0458]|[23][458])|71[0-9])[0-9]{4})$')) OR (length(x.nsn2) IN (6, 8, 10, 12) AND regexp_like(x.nsn2, '^(?:13(?:00[0-9]{6}(?:[0-9]{2})?|45[0-4][0-9]{3})|13[0-9]{4})$')))) THEN true WHEN (regexp_like(x.nsn2, '^(?:1(?:[0-79][0-9]{8}(?:[0-9]{2})?|8[0-24-9][0-9]{7})|[148][0-9]{8}|1[0-9]{5,7})$') AND ((length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:8(?:51(?:0(?:02|31|60|89)|1(?:18|76)|223)|91(?:0(?:1[0-2]|29)|1(?:[28]2|50|79)|2(?:10|64)|3(?:[06]8|22)|4[29]8|62[0-9]|70[23]|959))[0-9]{3})$')) OR (length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:4(?:79[01]|83[0-36-9]|9(?:5[0-3]|6[0-4]))[0-9]{5}|4(?:[0-36][0-9]|4[047-9]|[58][0-24-9]|7[02-8]|9[0-47-9])[0-9]{6})$')) OR (length(x.nsn2) IN (7, 10) AND regexp_like(x.nsn2, '^(?:180(?:0[0-9]{3}|2)[0-9]{3})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:190[0-26][0-9]{6})$')) OR (length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:14(?:5(?:1[0458]|[23][458])|71[0-9])[0-9]{4})$')) OR (length(x.nsn2) IN (6, 8, 10, 12) AND regexp_like(x.nsn2, '^(?:13(?:00[0-9]{6}(?:[0-9]{2})?|45[0-4][0-9]{3})|13[0-9]{4})$')))) THEN true WHEN (regexp_like(x.nsn2, '^(?:1(?:[0-79][0-9]{8}(?:[0-9]{2})?|8[0-24-9][0-9]{7})|[148][0-9]{8}|1[0-9]{5,7})$') AND ((length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:8(?:51(?:0(?:01|30|59|88)|1(?:17|46|75)|2(?:22|35))|91(?:00[6-9]|1(?:[28]1|49|78)|2(?:09|63)|3(?:12|26|75)|4(?:56|97)|64[0-9]|7(?:0[01]|1[0-2])|958))[0-9]{3})$')) OR (length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:4(?:79[01]|83[0-36-9]|9(?:5[0-3]|6[0-4]))[0-9]{5}|4(?:[0-36][0-9]|4[047-9]|[58][0-24-9]|7[02-8]|9[0-47-9])[0-9]{6})$')) OR (length(x.nsn2) IN (7, 10) AND regexp_like(x.nsn2, '^(?:180(?:0[0-9]{3}|2)[0-9]{3})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:190[0-26][0-9]{6})$')) OR (length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:14(?:5(?:1[0458]|[23][458])|71[0-9])[0-9]{4})$')) OR (length(x.nsn2) IN (6, 8, 10, 12) AND regexp_like(x.nsn2, '^(?:13(?:00[0-9]{6}(?:[0-9]{2})?|45[0-4][0-9]{3})|13[0-9]{4})$')))) THEN true ELSE (regexp_like(x.nsn2, '^(?:1(?:[0-79][0-9]{7}(?:[0-9](?:[0-9]{2})?)?|8[0-24-9][0-9]{7})|[2-478][0-9]{8}|1[0-9]{4,7})$') AND ((length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:(?:(?:241|349)0[0-9][0-9]|8(?:51(?:0(?:0[03-9]|[12479][0-9]|3[2-9]|5[0-8]|6[1-9]|8[0-7])|1(?:[0235689][0-9]|1[0-69]|4[0-589]|7[0-47-9])|2(?:0[0-79]|[18][13579]|2[14-9]|3[0-46-9]|[4-6][0-9]|7[89]|9[0-4])|[34][0-9][0-9])|91(?:(?:[0-58][0-9]|6[0135-9])[0-9]|7(?:0[0-24-9]|[1-9][0-9])|9(?:[0-46-9][0-9]|5[0-79]))))[0-9]{3}|(?:2(?:[0-26-9][0-9]|3[0-8]|4[02-9]|5[0135-9])|3(?:[0-3589][0-9]|4[0-578]|6[1-9]|7[0-35-9])|7(?:[013-57-9][0-9]|2[0-8])|8(?:55|6[0-8]|[78][0-9]|9[02-9]))[0-9]{6})$')) OR (length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:4(?:79[01]|83[0-36-9]|9(?:5[0-3]|6[0-4]))[0-9]{5}|4(?:[0-36][0-9]|4[047-9]|[58][0-24-9]|7[02-8]|9[0-47-9])[0-9]{6})$')) OR (length(x.nsn2) IN (7, 10) AND regexp_like(x.nsn2, '^(?:180(?:0[0-9]{3}|2)[0-9]{3})$')) OR (length(x.nsn2) IN (10) AND regexp_like(x.nsn2, '^(?:190[0-26][0-9]{6})$')) OR (length(x.nsn2) IN (5, 6, 7, 8, 9) AND regexp_like(x.nsn2, '^(?:163[0-9]{2,6})$')) OR (length(x.nsn2) IN (9) AND regexp_like(x.nsn2, '^(?:14(?:5(?:1[0458]|[23][458])|71[0-9])[0-9]{4})$')) OR (length(x.nsn2) IN (6, 8, 10, 12) AND regexp_like(x.nsn2, '^(?:13(?:00[0-9]{6}(?:[0-9]{2})?|45[0-4][0-9]{3})|13[0-9]{4})$')))) END
      WHEN x.digits LIKE '62%' THEN regexp_like(x.nsn2, '^(?:00[1-9][0-9]{9,14}|(?:[1-36]|8[0-9]{5})[0-9]{6}|00[0-9]{9}|[1-9][0-9]{8,10}|[2-9][0-9]{7})$')
      WHEN x.digits LIKE '63%' THEN regexp_like(x.nsn2, '^(?:(?:[2-7]|9[0-9])[0-9]{8}|2[0-9]{5}|(?:1800|8)[0-9]{7,9})$')
      WHEN x.digits LIKE '64%' THEN regexp_like(x.nsn2, '^(?:[1289][0-9]{9}|50[0-9]{5}(?:[0-9]{2,3})?|[27-9][0-9]{7,8}|(?:[34][0-9]|6[0-35-9])[0-9]{6}|8[0-9]{4,6})$')
      WHEN x.digits LIKE '65%' THEN regexp_like(x.nsn2, '^(?:(?:(?:1[0-9]|8)[0-9][0-9]|7000)[0-9]{7}|[3689][0-9]{7})$')
      WHEN x.digits LIKE '66%' THEN regexp_like(x.nsn2, '^(?:(?:001800|[2-57]|[689][0-9])[0-9]{7}|1[0-9]{7,9})$')
      WHEN x.digits LIKE '670%' THEN regexp_like(x.nsn3, '^(?:7[0-9]{7}|(?:[2-47][0-9]|[89]0)[0-9]{5})$')
      WHEN x.digits LIKE '672%' THEN regexp_like(x.nsn3, '^(?:[13][0-9]{5})$')
      WHEN x.digits LIKE '673%' THEN regexp_like(x.nsn3, '^(?:[2-578][0-9]{6})$')
      WHEN x.digits LIKE '674%' THEN regexp_like(x.nsn3, '^(?:(?:222|444|(?:55|8[0-9])[0-9]|666|777|999)[0-9]{4})$')
      WHEN x.digits LIKE '675%' THEN regexp_like(x.nsn3, '^(?:(?:180|[78][0-9]{3})[0-9]{4}|(?:[2-589][0-9]|64)[0-9]{5})$')
      WHEN x.digits LIKE '676%' THEN regexp_like(x.nsn3, '^(?:(?:0800|(?:[5-8][0-9][0-9]|999)[0-9])[0-9]{3}|[2-8][0-9]{4})$')
      WHEN x.digits LIKE '677%' THEN regexp_like(x.nsn3, '^(?:[6-9][0-9]{6}|[1-6][0-9]{4})$')
      WHEN x.digits LIKE '678%' THEN regexp_like(x.nsn3, '^(?:[57-9][0-9]{6}|(?:[238][0-9]|48)[0-9]{3})$')
      WHEN x.digits LIKE '679%' THEN regexp_like(x.nsn3, '^(?:45[0-9]{5}|(?:0800[0-9]|[235-9])[0-9]{6})$')
      WHEN x.digits LIKE '680%' THEN regexp_like(x.nsn3, '^(?:(?:[24-8][0-9][0-9]|345|900)[0-9]{4})$')
      WHEN x.digits LIKE '681%' THEN regexp_like(x.nsn3, '^(?:(?:40|72|8[0-9]{4})[0-9]{4}|[89][0-9]{5})$')
      WHEN x.digits LIKE '682%' THEN regexp_like(x.nsn3, '^(?:[2-578][0-9]{4})$')
      WHEN x.digits LIKE '683%' THEN regexp_like(x.nsn3, '^(?:(?:[4-7]|888[0-9])[0-9]{3})$')
      WHEN x.digits LIKE '685%' THEN regexp_like(x.nsn3, '^(?:(?:[2-6]|8[0-9]{5})[0-9]{4}|[78][0-9]{6}|[68][0-9]{5})$')
      WHEN x.digits LIKE '686%' THEN regexp_like(x.nsn3, '^(?:(?:[37][0-9]|6[0-79])[0-9]{6}|(?:[2-48][0-9]|50)[0-9]{3})$')
      WHEN x.digits LIKE '687%' THEN regexp_like(x.nsn3, '^(?:(?:050|[2-57-9][0-9][0-9])[0-9]{3})$')
      WHEN x.digits LIKE '688%' THEN regexp_like(x.nsn3, '^(?:(?:2|7[0-9][0-9]|90)[0-9]{4})$')
      WHEN x.digits LIKE '689%' THEN regexp_like(x.nsn3, '^(?:4[0-9]{5}(?:[0-9]{2})?|8[0-9]{7,8})$')
      WHEN x.digits LIKE '690%' THEN regexp_like(x.nsn3, '^(?:[2-47][0-9]{3,6})$')
      WHEN x.digits LIKE '691%' THEN regexp_like(x.nsn3, '^(?:(?:[39][0-9][0-9]|820)[0-9]{4})$')
      WHEN x.digits LIKE '692%' THEN regexp_like(x.nsn3, '^(?:329[0-9]{4}|(?:[256][0-9]|45)[0-9]{5})$')
      WHEN x.digits LIKE '7%' THEN CASE WHEN regexp_like(x.nsn1, '^(?:[3489])') THEN regexp_like(x.nsn1, '^(?:8[0-9]{13}|[347-9][0-9]{9})$') WHEN regexp_like(x.nsn1, '^(?:7)') THEN regexp_like(x.nsn1, '^(?:8[0-9]{13}|[78][0-9]{9})$') ELSE regexp_like(x.nsn1, '^(?:8[0-9]{13}|[347-9][0-9]{9})$') END
      WHEN x.digits LIKE '800%' THEN (regexp_like(x.nsn3, '^(?:(?:00|[1-9][0-9])[0-9]{6})$') AND ((length(x.nsn3) IN (8) AND regexp_like(x.nsn3, '^(?:(?:00|[1-9][0-9])[0-9]{6})$'))))
      WHEN x.digits LIKE '808%' THEN (regexp_like(x.nsn3, '^(?:[1-9][0-9]{7})$') AND ((length(x.nsn3) IN (8) AND regexp_like(x.nsn3, '^(?:[1-9][0-9]{7})$'))))
      WHEN x.digits LIKE '81%' THEN regexp_like(x.nsn2, '^(?:00[1-9][0-9]{6,14}|[25-9][0-9]{9}|(?:00|[1-9][0-9][0-9])[0-9]{6})$')
      WHEN x.digits LIKE '82%' THEN regexp_like(x.nsn2, '^(?:00[1-9][0-9]{8,11}|(?:[12]|5[0-9]{3})[0-9]{7}|[13-6][0-9]{9}|(?:[1-6][0-9]|80)[0-9]{7}|[3-6][0-9]{4,5}|(?:00|7)0[0-9]{8})$')
      WHEN x.digits LIKE '84%' THEN regexp_like(x.nsn2, '^(?:[12][0-9]{9}|[135-9][0-9]{8}|[16][0-9]{6,7}|7[0-9]{6})$')
      WHEN x.digits LIKE '850%' THEN regexp_like(x.nsn3, '^(?:85[0-9]{6}|(?:19[0-9]|[2-7])[0-9]{7})$')
      WHEN x.digits LIKE '852%' THEN regexp_like(x.nsn3, '^(?:8[0-46-9][0-9]{6,7}|9[0-9]{4,7}|(?:[2-7]|9[0-9]{3})[0-9]{7})$')
      WHEN x.digits LIKE '853%' THEN regexp_like(x.nsn3, '^(?:0800[0-9]{3}|(?:28|[68][0-9])[0-9]{6})$')
      WHEN x.digits LIKE '855%' THEN regexp_like(x.nsn3, '^(?:1[0-9]{9}|[1-9][0-9]{7,8})$')
      WHEN x.digits LIKE '856%' THEN regexp_like(x.nsn3, '^(?:(?:2[0-9]|3)[0-9]{8}|(?:[235-8][0-9]|41)[0-9]{6})$')
      WHEN x.digits LIKE '86%' THEN regexp_like(x.nsn2, '^(?:(?:(?:1[03-689]|2[0-9])[0-9][0-9]|6)[0-9]{8}|1[0-9]{10}|[126][0-9]{6}(?:[0-9](?:[0-9]{2})?)?|86[0-9]{5,6}|(?:[3-579][0-9]|8[0-57-9])[0-9]{5,9})$')
      WHEN x.digits LIKE '870%' THEN (regexp_like(x.nsn3, '^(?:7[0-9]{11}|[235-7][0-9]{8})$') AND ((length(x.nsn3) IN (9, 12) AND regexp_like(x.nsn3, '^(?:(?:[356]|774[45])[0-9]{8}|7[6-8][0-9]{7})$')) OR (length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:2[0-9]{8})$'))))
      WHEN x.digits LIKE '878%' THEN (regexp_like(x.nsn3, '^(?:10[0-9]{10})$') AND ((length(x.nsn3) IN (12) AND regexp_like(x.nsn3, '^(?:10[0-9]{10})$'))))
      WHEN x.digits LIKE '880%' THEN regexp_like(x.nsn3, '^(?:[1-469][0-9]{9}|8[0-79][0-9]{7,8}|[2-79][0-9]{8}|[2-9][0-9]{7}|[3-9][0-9]{6}|[57-9][0-9]{5})$')
      WHEN x.digits LIKE '881%' THEN (regexp_like(x.nsn3, '^(?:6[0-9]{9}|[0-36-9][0-9]{8})$') AND ((length(x.nsn3) IN (9, 10) AND regexp_like(x.nsn3, '^(?:6[0-9]{9}|[0-36-9][0-9]{8})$'))))
      WHEN x.digits LIKE '882%' THEN (regexp_like(x.nsn3, '^(?:[13][0-9]{6}(?:[0-9]{2,5})?|[19][0-9]{7}|(?:[25][0-9][0-9]|4)[0-9]{7}(?:[0-9]{2})?)$') AND ((length(x.nsn3) IN (7, 8, 9, 10, 12) AND regexp_like(x.nsn3, '^(?:342[0-9]{4}|(?:337|49)[0-9]{6}|(?:3(?:2|47|7[0-9]{3})|5(?:0[0-9]{3}|2[0-2]))[0-9]{7})$')) OR (length(x.nsn3) IN (11) AND regexp_like(x.nsn3, '^(?:348[57][0-9]{7})$')) OR (length(x.nsn3) IN (7, 8, 9, 10, 11, 12) AND regexp_like(x.nsn3, '^(?:1(?:3(?:0[0347]|[13][0139]|2[035]|4[013568]|6[0459]|7[06]|8[15-8]|9[0689])[0-9]{4}|6[0-9]{5,10})|(?:345[0-9]|9[89])[0-9]{6}|(?:10|2(?:3|85[0-9])|3(?:[15]|[69][0-9][0-9])|4[15-8]|51)[0-9]{8})$'))))
      WHEN x.digits LIKE '883%' THEN (regexp_like(x.nsn3, '^(?:(?:[1-4][0-9]|51)[0-9]{6,10})$') AND ((length(x.nsn3) IN (8, 9, 10, 11, 12) AND regexp_like(x.nsn3, '^(?:(?:2(?:00[0-9][0-9]|10)|(?:370[1-9]|51[0-9]0)[0-9])[0-9]{7}|51(?:00[0-9]{5}|[24-9]0[0-9]{4,7})|(?:1[0-79]|2[24-689]|3[02-689]|4[0-4])0[0-9]{5,9})$'))))
      WHEN x.digits LIKE '886%' THEN regexp_like(x.nsn3, '^(?:[2-689][0-9]{8}|7[0-9]{9,10}|[2-8][0-9]{7}|2[0-9]{6})$')
      WHEN x.digits LIKE '888%' THEN (regexp_like(x.nsn3, '^(?:[0-9]{11})$') AND ((length(x.nsn3) IN (11) AND regexp_like(x.nsn3, '^(?:[0-9]{11})$'))))
      WHEN x.digits LIKE '90%' THEN regexp_like(x.nsn2, '^(?:4[0-9]{6}|8[0-9]{11,12}|(?:[2-58][0-9][0-9]|900)[0-9]{7})$')
      WHEN x.digits LIKE '91%' THEN regexp_like(x.nsn2, '^(?:(?:000800|[2-9][0-9][0-9])[0-9]{7}|1[0-9]{7,12})$')
      WHEN x.digits LIKE '92%' THEN regexp_like(x.nsn2, '^(?:122[0-9]{6}|[24-8][0-9]{10,11}|9(?:[013-9][0-9]{8,10}|2(?:[01][0-9][0-9]|2(?:[06-8][0-9]|1[01]))[0-9]{7})|(?:[2-8][0-9]{3}|92(?:[0-7][0-9]|8[1-9]))[0-9]{6}|[24-9][0-9]{8}|[89][0-9]{7})$')
      WHEN x.digits LIKE '93%' THEN regexp_like(x.nsn2, '^(?:[2-7][0-9]{8})$')
      WHEN x.digits LIKE '94%' THEN regexp_like(x.nsn2, '^(?:[1-9][0-9]{8})$')
      WHEN x.digits LIKE '95%' THEN regexp_like(x.nsn2, '^(?:1[0-9]{5,7}|95[0-9]{6}|(?:[4-7]|9[0-46-9])[0-9]{6,8}|(?:2|8[0-9])[0-9]{5,8})$')
      WHEN x.digits LIKE '960%' THEN regexp_like(x.nsn3, '^(?:(?:800|9[0-57-9][0-9])[0-9]{7}|[34679][0-9]{6})$')
      WHEN x.digits LIKE '961%' THEN regexp_like(x.nsn3, '^(?:[27-9][0-9]{7}|[13-9][0-9]{6})$')
      WHEN x.digits LIKE '962%' THEN regexp_like(x.nsn3, '^(?:(?:(?:[2689]|7[0-9])[0-9]|32|427|53)[0-9]{6})$')
      WHEN x.digits LIKE '963%' THEN regexp_like(x.nsn3, '^(?:[1-359][0-9]{8}|[1-5][0-9]{7})$')
      WHEN x.digits LIKE '964%' THEN regexp_like(x.nsn3, '^(?:(?:1|7[0-9][0-9])[0-9]{7}|[2-6][0-9]{7,8})$')
      WHEN x.digits LIKE '965%' THEN regexp_like(x.nsn3, '^(?:18[0-9]{5}|(?:[2569][0-9]|41)[0-9]{6})$')
      WHEN x.digits LIKE '966%' THEN regexp_like(x.nsn3, '^(?:(?:[15][0-9]|800|92)[0-9]{7})$')
      WHEN x.digits LIKE '967%' THEN regexp_like(x.nsn3, '^(?:(?:1|7[0-9])[0-9]{7}|[1-7][0-9]{6})$')
      WHEN x.digits LIKE '968%' THEN regexp_like(x.nsn3, '^(?:(?:1505|[279][0-9]{3}|500)[0-9]{4}|800[0-9]{5,6})$')
      WHEN x.digits LIKE '970%' THEN regexp_like(x.nsn3, '^(?:[2489]2[0-9]{6}|(?:1[0-9]|5)[0-9]{8})$')
      WHEN x.digits LIKE '971%' THEN regexp_like(x.nsn3, '^(?:(?:[4-7][0-9]|9[0-689])[0-9]{7}|800[0-9]{2,9}|[2-4679][0-9]{7})$')
      WHEN x.digits LIKE '972%' THEN regexp_like(x.nsn3, '^(?:1[0-9]{6}(?:[0-9]{3,5})?|[57][0-9]{8}|[1-489][0-9]{7})$')
      WHEN x.digits LIKE '973%' THEN regexp_like(x.nsn3, '^(?:[136-9][0-9]{7})$')
      WHEN x.digits LIKE '974%' THEN regexp_like(x.nsn3, '^(?:800[0-9]{4}|(?:2|800)[0-9]{6}|(?:0080|[3-7])[0-9]{7})$')
      WHEN x.digits LIKE '975%' THEN regexp_like(x.nsn3, '^(?:[178][0-9]{7}|[2-8][0-9]{6})$')
      WHEN x.digits LIKE '976%' THEN regexp_like(x.nsn3, '^(?:[12][0-9]{7,9}|[5-9][0-9]{7})$')
      WHEN x.digits LIKE '977%' THEN regexp_like(x.nsn3, '^(?:(?:1[0-9]|9)[0-9]{9}|[1-9][0-9]{7})$')
      WHEN x.digits LIKE '979%' THEN (regexp_like(x.nsn3, '^(?:[1359][0-9]{8})$') AND ((length(x.nsn3) IN (9) AND regexp_like(x.nsn3, '^(?:[1359][0-9]{8})$'))))
      WHEN x.digits LIKE '98%' THEN regexp_like(x.nsn2, '^(?:[1-9][0-9]{9}|(?:[1-8][0-9][0-9]|9)[0-9]{3,4})$')
      WHEN x.digits LIKE '992%' THEN regexp_like(x.nsn3, '^(?:(?:[0-57-9][0-9]|66)[0-9]{7})$')
      WHEN x.digits LIKE '993%' THEN regexp_like(x.nsn3, '^(?:[1-7][0-9]{7})$')
      WHEN x.digits LIKE '994%' THEN regexp_like(x.nsn3, '^(?:365[0-9]{6}|(?:[124579][0-9]|60|88)[0-9]{7})$')
      WHEN x.digits LIKE '995%' THEN regexp_like(x.nsn3, '^(?:(?:[3-57][0-9][0-9]|800)[0-9]{6})$')
      WHEN x.digits LIKE '996%' THEN regexp_like(x.nsn3, '^(?:8[0-9]{9}|[235-9][0-9]{8})$')
      WHEN x.digits LIKE '998%' THEN regexp_like(x.nsn3, '^(?:(?:20|33|[5-9][0-9])[0-9]{7})$')
      ELSE false
    END THEN '+' || x.digits END AS phone
  FROM phone_parts AS x
)
-- generated:end phone_normalization
,

cleaned AS (
  SELECT
    n.*,
    -- generated:begin email_valid (models/rules.ts; regenerate with npm run models:build)
    coalesce(
      regexp_like(n.email, '^[a-z0-9._%+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:[.][a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*[.][a-z]{2,}$')
      AND regexp_replace(n.email, '[a-z0-9._%+@-]', '') = ''
      AND NOT n.email LIKE '%..%' AND length(n.email) <= 254,
      false
    )
    -- generated:end email_valid
    AS email_is_valid,
    pn.phone,
    -- The contract's violations: the schema's (above) and a phone the contract's normalizePhone rejects.
    concat_ws(
      ',',
      NULLIF(n.schema_violations, ''),
      -- generated:begin phone_violation (models/rules.ts; regenerate with npm run models:build)
      CASE WHEN n.phone_text IS NOT NULL AND pn.phone IS NULL THEN 'invalid_phone' END
      -- generated:end phone_violation
    ) AS contract_violations
  FROM renamed AS n
  LEFT JOIN phone_normalized AS pn ON pn.phone_raw = n.phone_text
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
  c.consent_push,
  -- when the consent statement took effect: its own updatedAt, never later than the record that reports it (the
  -- real-time profile's rule, consentInstant() in functions/src/core/profile.ts)
  CASE
    WHEN TRY_CAST(c.consent_updated_at_raw AS TIMESTAMP_LTZ) IS NULL OR TRY_CAST(c.consent_updated_at_raw AS TIMESTAMP_LTZ) > c.valid_from THEN c.valid_from
    ELSE TRY_CAST(c.consent_updated_at_raw AS TIMESTAMP_LTZ)
  END AS consent_updated_at,
  c.preferred_categories_json,
  c.external_ids_json,
  c.rescued_fields,
  c.contract_violations,
  c.schema_version,
  sha2(concat_ws(
    '|', coalesce(c.source_system, ''), coalesce(c.first_name, ''), coalesce(c.last_name, ''), coalesce(c.email, ''),
    coalesce(c.phone, ''), coalesce(CAST(c.date_of_birth AS STRING), ''), coalesce(c.gender, ''), coalesce(c.city, ''),
    coalesce(c.state_code, ''), coalesce(c.postal_code, ''), coalesce(c.country_code, ''),
    coalesce(c.customer_segment, ''), coalesce(c.loyalty_tier, ''), coalesce(CAST(c.loyalty_points AS STRING), ''),
    coalesce(CAST(c.registration_date AS STRING), ''), coalesce(c.status, ''), coalesce(c.preferred_channel, ''),
    coalesce(CAST(c.consent_email AS STRING), ''), coalesce(CAST(c.consent_sms AS STRING), ''),
    coalesce(c.preferred_categories_json, ''), coalesce(c.external_ids_json, ''),
    -- push consent and its time only when given (concat_ws skips NULLs): records without them hash as before
    CAST(c.consent_push AS STRING), c.consent_updated_at_raw
  ), 256) AS record_hash,
  c.event_id,
  c.valid_from,
  c.source_file,
  c.line_no,
  rc.load_id,
  rc.run_at AS processed_at
FROM cleaned AS c
CROSS JOIN run_context AS rc
