/**
 * The batch path's customer-value rules, each written once and rendered into the gold models that use it
 * (models/rules.ts; tests/pipeline/value-boundaries.test.ts pins every branch from both sides against the seeds).
 * The value tier, which the real-time path computes too, is VALUE_TIER_RULES in vocabulary.ts.
 */

/**
 * Seed 000 §"CLVCalculation": churn probability by days since the last order — the first step whose floor the days
 * exceed, else `otherwise`; none (NULL) for a customer without orders. gold.customer_lifetime_value and
 * gold.churn_features both report it.
 */
export const CHURN_PROBABILITY_RULES = {
  steps: [
    { daysAbove: 90, probability: 0.8 },
    { daysAbove: 60, probability: 0.5 },
    { daysAbove: 30, probability: 0.2 },
  ],
  otherwise: 0.1,
} as const;

/**
 * gold.churn_features.is_churn_risk: the customer is in the highest churn-probability step (more than its days
 * without an order); false for a customer without orders.
 */
export const CHURN_RISK_DAYS_ABOVE = CHURN_PROBABILITY_RULES.steps[0].daysAbove;

/**
 * Seed 001's calculate_customer_lifetime_value factors (gold.customer_lifetime_value.factor_clv = net spend ×
 * recency × frequency): recency by days since the last order (the first step it is at most), frequency by completed
 * orders (the first step it exceeds).
 */
export const CLV_FACTORS = {
  recency: {
    steps: [
      { daysAtMost: 30, factor: 1.2 },
      { daysAtMost: 90, factor: 1.0 },
      { daysAtMost: 180, factor: 0.8 },
    ],
    otherwise: 0.5,
  },
  frequency: {
    steps: [
      { ordersAbove: 50, factor: 1.5 },
      { ordersAbove: 20, factor: 1.2 },
      { ordersAbove: 5, factor: 1.0 },
    ],
    otherwise: 0.7,
  },
} as const;
