-- Silver event deliveries: the bronze records of the run's window that the silver models read — erased customers
-- removed, and one row per (event_type, event_id): the first landed copy (ingest_date, source_file, line_no).
-- Redeliveries (at-least-once delivery, replays, a file landed twice) never reach a silver table. Rows without an
-- event id pass through. A view: each silver model reads it for its own event type, which the engines push down.
-- bronze.events is scanned three times on purpose: a CTE read more than once is materialized (every wide row),
-- which cost more than the two extra scans of four narrow columns.
-- @materialized view
-- @inputs bronze.events, run_context, control_erasure
WITH repeated AS (
  -- Event ids landed more than once. Only their (narrow) rows go through the ranking window: a window over every
  -- wide row cost more than the rest of a silver model, and repeats are a few percent of deliveries.
  SELECT b.event_type, b.event_id
  FROM bronze.events AS b
  CROSS JOIN run_context AS rc
  WHERE b.event_id IS NOT NULL
    AND (rc.window_start_date IS NULL OR b.ingest_date >= rc.window_start_date)
    AND (rc.window_end_date IS NULL OR b.ingest_date < rc.window_end_date)
  GROUP BY b.event_type, b.event_id
  HAVING count(*) > 1
),

later_copies AS (
  SELECT x.event_type, x.source_file, x.line_no
  FROM (
    SELECT
      b.event_type, b.source_file, b.line_no,
      row_number() OVER (PARTITION BY b.event_type, b.event_id ORDER BY b.ingest_date, b.source_file, b.line_no) AS delivery_rank
    FROM bronze.events AS b
    INNER JOIN repeated AS r ON r.event_type = b.event_type AND r.event_id = b.event_id
    CROSS JOIN run_context AS rc
    WHERE (rc.window_start_date IS NULL OR b.ingest_date >= rc.window_start_date)
      AND (rc.window_end_date IS NULL OR b.ingest_date < rc.window_end_date)
  ) AS x
  WHERE x.delivery_rank > 1
)

SELECT b.*
FROM bronze.events AS b
CROSS JOIN run_context AS rc
LEFT JOIN later_copies AS l ON l.event_type = b.event_type AND l.source_file = b.source_file AND l.line_no = b.line_no
WHERE l.line_no IS NULL
  AND (rc.window_start_date IS NULL OR b.ingest_date >= rc.window_start_date)
  AND (rc.window_end_date IS NULL OR b.ingest_date < rc.window_end_date)
  AND (b.customer_id IS NULL OR b.customer_id NOT IN (SELECT x.customer_id FROM control_erasure AS x WHERE x.customer_id IS NOT NULL))
