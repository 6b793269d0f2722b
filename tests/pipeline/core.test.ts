import { expectationResults, failedRules, mergeResults } from "../../pipeline/core/expectations";
import { runContext, windowDate } from "../../pipeline/core/params";
import { parseModel } from "../../pipeline/models";

const model = parseModel(
  "silver",
  "t",
  "t.sql",
  [
    "-- @materialized full",
    "-- @erase_by customer_id, payload_customer_id",
    "-- @expect fail bad_key key_present: id IS NOT NULL",
    "-- @expect drop negative_amount amount_ok: amount >= 0",
    "SELECT 1 AS id",
  ].join("\n"),
);

describe("engine-neutral core", () => {
  test("run context: window dates are UTC ingest dates; as_of_date is the window end, else the run day", () => {
    const now = new Date("2024-05-03T10:00:00Z");
    expect(runContext({ loadId: "L", windowEnd: "2024-05-02T23:30:00-02:00" }, now)).toEqual({
      loadId: "L",
      runAt: "2024-05-03T10:00:00.000Z",
      windowStartDate: undefined,
      windowEndDate: "2024-05-03",
      asOfDate: "2024-05-03",
      environment: "local",
    });
    expect(runContext({ loadId: "L" }, now).asOfDate).toBe("2024-05-03");
    expect(() => windowDate("yesterday", "windowStart")).toThrow("windowStart is not an ISO date");
  });

  test("a fail rule broken by any row stops the layer; drop and warn rules do not", () => {
    const results = expectationResults(model, [1, 5]);
    expect(failedRules(results)).toEqual(["key_present"]);
    expect(failedRules(expectationResults(model, [0, 5]))).toEqual([]);
    const merged = mergeResults(
      {
        rowsIn: 2,
        rowsOut: 2,
        rowsWritten: 2,
        quarantined: 1,
        expectations: results,
        failedExpectations: [],
      },
      {
        rowsIn: 3,
        rowsOut: 4,
        rowsWritten: 2,
        quarantined: 0,
        expectations: expectationResults(model, [0, 0]),
        failedExpectations: [],
      },
    );
    expect([merged.rowsIn, merged.rowsOut, merged.quarantined]).toEqual([5, 4, 1]);
    expect(merged.expectations.map((e) => e.failed)).toEqual([1, 5]);
  });
});
