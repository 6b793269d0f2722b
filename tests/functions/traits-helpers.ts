/** Traits extract lines in the shape of models/gold/profile_traits.sql's JSON export, and how to put them in the lake. */
import { exportPath } from "../../contracts";
import { InMemoryChangePublisher } from "../../functions/src/core/change-events";
import type { Dependencies } from "../../functions/src/core/dependencies";
import type { Lake } from "../../functions/src/core/lake";
import { syncProfileTraits, TRAITS_MODEL } from "../../functions/src/core/traits-sync";

export interface ExtractRow {
  customer_key: string;
  value_tier?: string | null;
  r_score?: number | null;
  f_score?: number | null;
  m_score?: number | null;
  rfm_cell?: string | null;
  rfm_segment?: string | null;
  historical_clv_3y?: number | null;
  factor_clv?: number | null;
  churn_probability?: number | null;
  is_churn_risk?: boolean | null;
  lead_score?: number | null;
  lead_tier?: string | null;
  top_category_1?: string | null;
  top_category_2?: string | null;
  top_category_3?: string | null;
  source_ids?: string[];
  external_ids?: string[];
  emails?: string[];
  phones?: string[];
  consent_email?: boolean;
  consent_sms?: boolean;
  consent_push?: boolean;
  consent_updated_at?: string | null;
  as_of_date?: string;
  computed_at?: string;
  load_id?: string;
}

/** A plausible row for customer `key` (a Regular customer with a POS id, contact details and e-mail consent). */
export function extractRow(key: string, overrides: Partial<ExtractRow> = {}): ExtractRow {
  const n = String(Number(key.replace(/\D/g, "") || "0"));
  return {
    customer_key: key,
    value_tier: "Regular",
    r_score: 3,
    f_score: 4,
    m_score: 3,
    rfm_cell: "343",
    rfm_segment: "Loyal Customers",
    historical_clv_3y: 1234.5,
    factor_clv: 640.2,
    churn_probability: 0.1,
    is_churn_risk: false,
    lead_score: 55.25,
    lead_tier: "cool",
    top_category_1: "Electronics",
    top_category_2: "Home",
    top_category_3: null,
    source_ids: [key, `POS-${n}`],
    external_ids: [`POS-${n}`],
    emails: [`customer${n}@example.com`],
    phones: [`+1415555${n.padStart(4, "0").slice(-4)}`],
    consent_email: true,
    consent_sms: false,
    consent_push: false,
    consent_updated_at: "2026-01-05 09:30:00+00",
    as_of_date: "2026-03-10",
    computed_at: "2026-03-10 02:00:00+00",
    ...overrides,
  };
}

/** Writes the rows as the load's export (`gold/_exports/profile_traits/load_id=<loadId>/part-00000.json`). */
export async function writeExtract(lake: Lake, loadId: string, rows: ExtractRow[], part = "part-00000.json") {
  const lines = rows.map((r) => JSON.stringify({ ...r, load_id: r.load_id ?? loadId })).join("\n") + "\n";
  await lake.writeOnce("gold", exportPath(TRAITS_MODEL, loadId) + part, lines);
}

/**
 * A traits sync (load L1) that resolved `ids` to one customer keyed by the first: what it writes — the identifier
 * index entries and the key's traits document listing the ids — is how the real-time path knows who is one person.
 */
export async function resolveAsOnePerson(deps: Dependencies, ids: [string, ...string[]], now = new Date()) {
  await writeExtract(deps.lake, "L1", [extractRow(ids[0], { source_ids: ids })]);
  await syncProfileTraits(
    {
      lake: deps.lake,
      profiles: deps.store.container,
      index: deps.index!,
      changes: new InMemoryChangePublisher(),
      now: () => now,
    },
    "L1",
  );
}
