/**
 * The person's latest consent statement (functions/src/core/person-consent.ts) against gold.marketing_consent's own
 * order, run by DuckDB as the model writes it (consent_updated_at DESC NULLS LAST, then the profile id): the same
 * statement wins for every set of profiles, ties and profiles without a statement included.
 */
import { DuckDBInstance } from "@duckdb/node-api";

import { type ConsentStatement, latestStatement } from "../../functions/src/core/person-consent";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const grant = { email: true, sms: false };
const statement = (profileId: string, minute?: number): ConsentStatement => ({
  profileId,
  consent: minute === undefined ? undefined : grant,
  at: minute === undefined ? undefined : at(minute),
});

test("the latest by when it took effect; a tie goes to the smaller profile id; a profile without one comes last", () => {
  expect(latestStatement([statement("B", 5), statement("A", 9)])?.profileId).toBe("A");
  expect(latestStatement([statement("B", 9), statement("A", 9)])?.profileId).toBe("A");
  expect(latestStatement([statement("A"), statement("B", 1)])?.profileId).toBe("B");
  expect(latestStatement([statement("B"), statement("A")])?.profileId).toBe("A");
  expect(latestStatement([])).toBeUndefined();
});

test("agrees with gold.marketing_consent's ORDER BY on 300 random sets of profiles", async () => {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const sets = Array.from({ length: 300 }, () =>
    Array.from({ length: 1 + random(4) }, (_, i) =>
      statement(`P${random(5)}${i}`, random(3) === 0 ? undefined : random(4)),
    ),
  );
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    const rows = sets.flatMap((set, k) =>
      set.map((s) => `(${k}, '${s.profileId}', ${s.at ? `TIMESTAMPTZ '${s.at}'` : "NULL"})`),
    );
    const r = await c.runAndReadAll(`
      SELECT k, arg_min(id, rank) AS id FROM (
        SELECT k, id, row_number() OVER (PARTITION BY k ORDER BY taken_at DESC NULLS LAST, id) AS rank
        FROM (VALUES ${rows.join(", ")}) AS t(k, id, taken_at))
      GROUP BY k ORDER BY k`);
    const gold = r.getRowObjectsJson().map((row) => String(row.id));
    expect(sets.map((set) => latestStatement(set)?.profileId)).toEqual(gold);
  } finally {
    c.closeSync();
    db.closeSync();
  }
});
