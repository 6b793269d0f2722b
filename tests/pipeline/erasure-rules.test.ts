/**
 * One erasure rule, two spellings: the engine-neutral core (pipeline/core/erasure.ts) and the Databricks runtime's
 * notebooks/c360/erasure.py (which cannot import TypeScript) are held to the same cases, erasure-rules.cases.json;
 * tests/spark/test_erasure_rules.py runs them against the Python side.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import {
  blankLines,
  erasedRowsCondition,
  expandedErasureSql,
  expandedRequestsSql,
  personColumns,
  personRowsCondition,
  purgeQuarantineLines,
} from "../../pipeline/core/erasure";
import type { Model } from "../../pipeline/models";

interface SqlCase {
  sql?: string;
  error?: string;
}
interface Cases {
  expandedRequestsSql: (SqlCase & { requests: string; identityExists: boolean; carried: string[] })[];
  expandedErasureSql: (SqlCase & { requests: string; identityExists: boolean })[];
  personRowsCondition: (SqlCase & { columns: string[]; ids: string })[];
  personColumns: { eraseBy: string[]; columns: string[]; person: string[] }[];
  erasedRowsCondition: (SqlCase & { eraseBy: string[]; requests: number })[];
  purgeQuarantineLines: { lines: string[]; ids: string[]; keep: string[]; positions: [string, number][] }[];
  blankLines: { lines: string[]; numbers: number[]; blanked: number; after: string[] }[];
}

const cases = JSON.parse(readFileSync(join(__dirname, "erasure-rules.cases.json"), "utf8")) as Cases;

/** The SQL a case expects, or its error (the same message on both sides). */
function expectSql(c: SqlCase, build: () => string): void {
  if (c.error !== undefined) expect(build).toThrow(c.error);
  else expect(build()).toBe(c.sql);
}

test.each(cases.expandedRequestsSql)("expanded requests of $requests (identity map: $identityExists)", (c) =>
  expectSql(c, () => expandedRequestsSql(c.requests, c.identityExists, c.carried)),
);

test.each(cases.expandedErasureSql)("expanded erasure requests (identity map: $identityExists)", (c) =>
  expectSql(c, () => expandedErasureSql(c.requests, c.identityExists)),
);

test.each(cases.personRowsCondition)("a person's rows by $columns", (c) =>
  expectSql(c, () => personRowsCondition(c.columns, c.ids)),
);

test.each(cases.personColumns)(
  "the person columns of a table with @erase_by $eraseBy and columns $columns",
  (c) => expect(personColumns({ eraseBy: c.eraseBy }, c.columns)).toEqual(c.person),
);

test.each(cases.erasedRowsCondition)("erased rows by $eraseBy with $requests requests", (c) =>
  expectSql(c, () => erasedRowsCondition({ eraseBy: c.eraseBy } as Model, c.requests)),
);

test.each(cases.purgeQuarantineLines)("quarantine purge of ids $ids", (c) => {
  const purge = purgeQuarantineLines([...c.lines], c.ids);
  expect(purge).toEqual({ keep: c.keep, positions: c.positions });
});

test.each(cases.blankLines)("blanking lines $numbers", (c) => {
  const lines = [...c.lines];
  expect(blankLines(lines, c.numbers)).toBe(c.blanked);
  expect(lines).toEqual(c.after);
});
