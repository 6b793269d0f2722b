-- RFM segmentation: recency/frequency/monetary quintile scores (5 = best; ties broken by customer_key) over
-- customers with at least one purchase, named segments from the scores, and seed 000's value tiers.
-- @materialized full
-- @unique_key customer_key
-- @zorder customer_key
-- @inputs gold.customer_360
-- @expect fail out_of_range scores_in_range: r_score IS NULL OR (r_score BETWEEN 1 AND 5 AND f_score BETWEEN 1 AND 5 AND m_score BETWEEN 1 AND 5)
WITH buyers AS (
  SELECT c.customer_key, c.days_since_last_order AS recency_days, c.total_orders AS frequency, c.total_spent AS monetary
  FROM gold.customer_360 AS c
  WHERE c.total_orders > 0
),

scored AS (
  SELECT
    b.*,
    ntile(5) OVER (ORDER BY b.recency_days DESC, b.customer_key) AS r_score,
    ntile(5) OVER (ORDER BY b.frequency ASC, b.customer_key) AS f_score,
    ntile(5) OVER (ORDER BY b.monetary ASC, b.customer_key) AS m_score
  FROM buyers AS b
)

SELECT
  c.customer_key,
  s.recency_days,
  c.total_orders AS frequency,
  c.total_spent AS monetary,
  CAST(s.r_score AS INT) AS r_score,
  CAST(s.f_score AS INT) AS f_score,
  CAST(s.m_score AS INT) AS m_score,
  CAST(s.r_score AS STRING) || CAST(s.f_score AS STRING) || CAST(s.m_score AS STRING) AS rfm_cell,
  CASE
    WHEN s.r_score IS NULL THEN 'Prospect'
    WHEN s.r_score >= 4 AND s.f_score >= 4 AND s.m_score >= 4 THEN 'Champions'
    WHEN s.r_score >= 3 AND s.f_score >= 4 THEN 'Loyal Customers'
    WHEN s.r_score >= 4 AND s.f_score = 1 THEN 'New Customers'
    WHEN s.r_score >= 3 AND s.f_score >= 2 THEN 'Potential Loyalists'
    WHEN s.r_score = 1 AND s.f_score <= 2 THEN 'Lost'
    WHEN s.r_score <= 2 AND s.f_score >= 3 THEN 'At Risk'
    WHEN s.r_score <= 2 THEN 'Hibernating'
    ELSE 'Need Attention'
  END AS rfm_segment,
  c.value_segment,
  c.as_of_date,
  c.load_id
FROM gold.customer_360 AS c
LEFT JOIN scored AS s ON s.customer_key = c.customer_key
