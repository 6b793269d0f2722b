-- Spark SQL spellings for DuckDB 1.5 (see /work/shared/PORTABLE-SQL.md §2). Loaded once per connection by the
-- DuckDB adapter; the models call only these names (tests/pipeline/portability.test.ts holds the allow-list).
CREATE TYPE IF NOT EXISTS timestamp_ltz AS TIMESTAMPTZ;
-- Spark returns NULL for invalid JSON (and for non-objects where an object is expected) where DuckDB raises.
-- A json_valid() guard gives Spark's answer; TRY() would too but re-runs whole vectors row by row on one bad line.
CREATE OR REPLACE MACRO get_json_object(j, p) AS CASE WHEN json_valid(j) THEN json_extract_string(j, p) END;
-- Spark's json_array_length is NULL for invalid JSON and for JSON that is not an array; DuckDB's raises on the first
-- and counts 0 for objects (a payload's items sent as text stopped a whole silver run).
CREATE OR REPLACE MACRO json_array_length(j) AS CASE WHEN json_valid(j) AND json_type(j) = 'ARRAY' THEN system.main.json_array_length(j) END;
CREATE OR REPLACE MACRO json_object_keys(j) AS CASE WHEN json_valid(j) AND regexp_matches(j, '^\s*[{]') THEN json_keys(j) END;
-- from_json with an all-STRING schema ('a STRING, b STRING'): one parse into a struct; nested values come back as
-- compact JSON text, missing keys as NULL. 'MAP<STRING, STRING>' parses an object into a map of every key to its
-- value as text (nested values as compact JSON): one parse gives both the values (m['key']) and the keys
-- (map_keys, for rescued fields). 'ARRAY<STRING>' parses a JSON array into a list of its elements as text
-- (objects as compact JSON), as Spark does. These are the only schema shapes the models use (see the tests).
-- Input of the wrong shape gives NULL. The MAP shape also gives NULL for invalid JSON, as Spark does (bronze parses
-- raw landing lines with it); the other shapes skip that second (validity) parse, so invalid JSON that starts like
-- an object/array raises where Spark returns NULL: models give them only values extracted from parsed JSON.
-- A third argument (Spark's JSON options, e.g. map('allowSingleQuotes', 'false')) is accepted and ignored: DuckDB's
-- JSON is strict already (no single quotes, comments or NaN), which is what the models ask Spark for.
CREATE OR REPLACE MACRO from_json(j, s) AS CASE
  WHEN regexp_matches(j, CASE WHEN upper(s) = 'ARRAY<STRING>' THEN '^\s*\[' ELSE '^\s*[{]' END)
    AND (upper(s) <> 'MAP<STRING, STRING>' OR json_valid(j))
  THEN json_transform(j, CASE WHEN upper(s) = 'ARRAY<STRING>' THEN '["VARCHAR"]'
    WHEN upper(s) = 'MAP<STRING, STRING>' THEN '"MAP(VARCHAR, VARCHAR)"'
    ELSE '{"' || replace(replace(s, ' STRING, ', '":"VARCHAR","'), ' STRING', '":"VARCHAR') || '"}' END)
END,
(j, s, o) AS CASE
  WHEN regexp_matches(j, CASE WHEN upper(s) = 'ARRAY<STRING>' THEN '^\s*\[' ELSE '^\s*[{]' END)
    AND (upper(s) <> 'MAP<STRING, STRING>' OR json_valid(j))
  THEN json_transform(j, CASE WHEN upper(s) = 'ARRAY<STRING>' THEN '["VARCHAR"]'
    WHEN upper(s) = 'MAP<STRING, STRING>' THEN '"MAP(VARCHAR, VARCHAR)"'
    ELSE '{"' || replace(replace(s, ' STRING, ', '":"VARCHAR","'), ' STRING', '":"VARCHAR') || '"}' END)
END;
-- Spark's map(k, v) of one pair (JSON options above); DuckDB's own map() takes a list of keys and one of values.
CREATE OR REPLACE MACRO map(k, v) AS map_from_entries([{'k': k, 'v': v}]);
CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p);
CREATE OR REPLACE MACRO rlike(s, p) AS regexp_matches(s, p);
CREATE OR REPLACE MACRO regexp_replace(s, p, r) AS system.main.regexp_replace(s, p, system.main.regexp_replace(r, '\$([0-9])', '\\\1', 'g'), 'g');
CREATE OR REPLACE MACRO regexp_extract(s, p, i) AS system.main.regexp_extract(s, p, i);
-- One-word values (most categories and names) skip the split/lambda path, which costs several times more.
CREATE OR REPLACE MACRO initcap(s) AS CASE
  WHEN contains(s, ' ') THEN array_to_string(list_transform(string_split(lower(s), ' '), lambda w: upper(w[1]) || w[2:]), ' ')
  ELSE upper(substring(lower(s), 1, 1)) || substring(lower(s), 2)
END;
-- Spark's element_at(array, i): 1-based, as DuckDB's list_extract (DuckDB's own element_at is for maps).
CREATE OR REPLACE MACRO element_at(a, i) AS list_extract(a, i);
CREATE OR REPLACE MACRO split(s, p) AS string_split_regex(s, p);
CREATE OR REPLACE MACRO array_join(a, d) AS array_to_string(list_filter(a, lambda x: x IS NOT NULL), d);
-- b is bound once, as the one element of [b], so the inner lambda reads it as a value: written inline in the lambda
-- (list_contains(b, x)) it was evaluated again for every element of every row — for a constant split('…', ',') list
-- of known fields that cost ~18 CPU-s per million records in the silver rescued-fields blocks.
CREATE OR REPLACE MACRO array_except(a, b) AS CASE WHEN a IS NOT NULL THEN
  list_distinct(flatten(list_transform([b], lambda bb: list_filter(a, lambda x: NOT list_contains(bb, x)))))
END;
CREATE OR REPLACE MACRO sequence(a, b) AS generate_series(CAST(a AS BIGINT), CAST(b AS BIGINT));
CREATE OR REPLACE MACRO explode(a) AS unnest(a);
-- Spark's collect_list leaves NULLs out and gives [] for a group of NULLs; the order is unspecified in both engines
-- (wrap it in array_sort).
CREATE OR REPLACE MACRO collect_list(x) AS list_filter(list(x), lambda v: v IS NOT NULL);
CREATE OR REPLACE MACRO sha2(s, n) AS CASE WHEN n = 256 THEN sha256(s) END;
CREATE OR REPLACE MACRO datediff(end_d, start_d) AS date_diff('day', CAST(start_d AS DATE), CAST(end_d AS DATE));
-- Spark's unix_timestamp truncates to the second (floor); CAST(epoch(t) AS BIGINT) would round 0.6 s up.
CREATE OR REPLACE MACRO unix_timestamp(t) AS CAST(floor(epoch(t)) AS BIGINT);
CREATE OR REPLACE MACRO unix_micros(t) AS epoch_us(t);
CREATE OR REPLACE MACRO dayofweek(d) AS isodow(CAST(d AS DATE)) % 7 + 1;
CREATE OR REPLACE MACRO max_by(x, y) AS arg_max_null(x, y);
CREATE OR REPLACE MACRO min_by(x, y) AS arg_min_null(x, y);
CREATE OR REPLACE MACRO nvl(a, b) AS coalesce(a, b);
