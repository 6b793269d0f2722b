/**
 * One rule for identifiers on both paths: the SQL rendered into silver.customers (models/rules.ts) and the
 * contracts' normalizePhone/normalizeEmail give the same answer for every string of a large corpus of real and
 * hostile values, run on DuckDB with the pipeline's shims. And the TypeScript walk of libphonenumber's plans gives
 * libphonenumber's own answer, except for the one documented difference (a trunk prefix written after `+`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { parsePhoneNumberFromString } from "libphonenumber-js";

import { normalizeEmail, normalizePhone, PHONE_PLANS } from "../../contracts";
import { COUNTRIES, FEMALE_NAMES, LAST_NAMES } from "../../generator/geography";
import { Rng } from "../../generator/prng";
import { blockText, emailNormalizedSql, emailValidSql } from "../../models/rules";

jest.setTimeout(120_000);

const SHIMS = readFileSync(join(__dirname, "..", "..", "pipeline", "duckdb", "shims.sql"), "utf8");
const CUSTOMERS_SQL = readFileSync(join(__dirname, "..", "..", "models", "silver", "customers.sql"), "utf8");

const PLACEHOLDER_PHONES = [
  "+1 000 000 0000",
  "000-000-0000",
  "+10000000000",
  "0000000000",
  "(000) 000-0000",
  "+1 111 111 1111",
  "123-456-7890",
  "+1 555 555 5555",
  "555-555-5555",
  "9999999999",
  "+00000000",
  "12345",
  "+999 123",
  "555-01",
  "0",
  "",
  " ",
  "+",
  "++14155552671",
  "+1 415 555 2671\n",
  "\t+1 415 555 2671",
  " +1 415 555 2671 ",
  "+1 415 555 2671 ext 5",
  "tel:+14155552671",
  "1-800-FLOWERS",
  "+1\u00a0415\u00a0555\u00a02671",
  "+１４１５５５５２６７１",
  "+44 (0) 20 7946 0958",
  "+44 020 7946 0958",
  "020 7946 0958",
  "1 (415) 555-2671",
  "415.555.2671",
  "+1-415-555-2671",
  "4155552671" + "0".repeat(40),
];

const HOSTILE_EMAILS = [
  "a@b.co",
  " Anna.Smith@Example.COM ",
  "anna..smith@example.com",
  "anna@example",
  "anna@-example.com",
  "anna@example.com\n",
  "\tanna@example.com",
  "anna@example.com\u00a0",
  "ANNA@EXAMPLE.COM",
  "\u212aelvin@example.com", // Kelvin sign: lower-cases to an ASCII k in Unicode, not in the contract
  "\u0130stanbul@example.com",
  "anna@exämple.com",
  "noemail@example.com",
  "n/a",
  "",
  "@",
  "a@b.c",
  "x".repeat(250) + "@b.com",
  "x".repeat(240) + "@b.com",
  "anna@sub.example.co.uk",
  "anna+tag@example.com",
  "anna%x@example.com",
  "anna@exa_mple.com",
  "'; DROP TABLE x; --@example.com",
];

function phoneCorpus(): string[] {
  const out = new Set<string>(PLACEHOLDER_PHONES);
  for (const country of COUNTRIES)
    for (let i = 0; i < 300; i++) out.add(country.phone(Rng.derive(7, 0x70, i, country.code.charCodeAt(0))));
  const rng = Rng.derive(11, 0x71);
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(10))).join("");
  for (const plan of PHONE_PLANS)
    for (let i = 0; i < 12; i++) {
      const nsn = digits(4 + rng.int(12));
      out.add(`+${plan.callingCode} ${nsn}`);
      out.add(`+${plan.callingCode}${nsn}`);
    }
  for (let i = 0; i < 2000; i++) out.add(digits(1 + rng.int(14)));
  fc.sample(
    fc.string({
      unit: fc.constantFrom(..."0123456789+ ().-/x#*\t\nabc\u00a0\u0661".split("")),
      maxLength: 24,
    }),
    { numRuns: 3000, seed: 20 },
  ).forEach((s) => out.add(s));
  return [...out];
}

function emailCorpus(): string[] {
  const out = new Set<string>(HOSTILE_EMAILS);
  COUNTRIES.forEach((country, c) =>
    FEMALE_NAMES.forEach((first, f) =>
      LAST_NAMES.slice(0, 20).forEach((last, l) => {
        const domain = country.emailDomains[(f + l) % country.emailDomains.length] as string;
        const tag = (c * 1000 + f * 20 + l).toString(36);
        out.add(`${first.toLowerCase()}.${last.toLowerCase()}${tag}@${domain}`);
        if (l % 5 === 0) out.add(` ${first}.${last}${tag}@${domain.toUpperCase()} `);
      }),
    ),
  );
  fc.sample(fc.emailAddress(), { numRuns: 1500, seed: 21 }).forEach((s) => {
    out.add(s);
    out.add(` ${s.toUpperCase()} `);
  });
  fc.sample(
    fc.string({ unit: fc.constantFrom(..."aZ.-_+%@ \t\n\u212a\u0130é09".split("")), maxLength: 20 }),
    { numRuns: 3000, seed: 22 },
  ).forEach((s) => out.add(s));
  return [...out];
}

async function runSql(sql: string, values: string[]): Promise<Map<string, string | null>> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    await conn.run(SHIMS);
    await conn.run(`CREATE TABLE corpus (phone_raw VARCHAR)`);
    const appender = await conn.createAppender("corpus");
    for (const v of values) {
      appender.appendVarchar(v);
      appender.endRow();
    }
    appender.closeSync();
    const reader = await conn.runAndReadAll(sql);
    const out = new Map<string, string | null>();
    for (const row of reader.getRowObjectsJS())
      out.set(String(row.phone_raw), (row.result as string | null) ?? null);
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe("identifier normalization: TypeScript and SQL agree", () => {
  test("phones: normalizePhone = the phone_normalization block of silver.customers, over the corpus", async () => {
    const corpus = phoneCorpus();
    expect(corpus.length).toBeGreaterThan(8000);
    const sql = `WITH phone_inputs AS (SELECT phone_raw FROM corpus),
${blockText(CUSTOMERS_SQL, "phone_normalization")}
SELECT phone_raw, phone AS result FROM phone_normalized`;
    const fromSql = await runSql(sql, corpus);
    const disagreements = corpus
      .map((raw) => ({ raw, ts: normalizePhone(raw) ?? null, sql: fromSql.get(raw) ?? null }))
      .filter((r) => r.ts !== r.sql);
    expect(disagreements).toEqual([]);
    // The corpus reaches both verdicts often, so agreement is not agreement on "invalid".
    const valid = corpus.filter((raw) => normalizePhone(raw) !== undefined).length;
    expect(valid).toBeGreaterThan(2500);
    expect(corpus.length - valid).toBeGreaterThan(2500);
  });

  test("emails: normalizeEmail = the email blocks of silver.customers, over the corpus", async () => {
    const corpus = emailCorpus();
    const sql = `SELECT phone_raw, CASE WHEN ${emailValidSql("e")} THEN e END AS result
      FROM (SELECT phone_raw, ${emailNormalizedSql("phone_raw")} AS e FROM corpus) AS x`;
    const fromSql = await runSql(sql, corpus);
    const disagreements = corpus
      .map((raw) => ({ raw, ts: normalizeEmail(raw) ?? null, sql: fromSql.get(raw) ?? null }))
      .filter((r) => r.ts !== r.sql);
    expect(disagreements).toEqual([]);
    expect(corpus.filter((raw) => normalizeEmail(raw) !== undefined).length).toBeGreaterThan(1000);
    // The models hold exactly these expressions.
    expect(CUSTOMERS_SQL).toContain(emailNormalizedSql("r.pm['email']"));
  });

  test("placeholders and invalid numbers never normalize", () => {
    for (const raw of [
      "+1 000 000 0000",
      "000-000-0000",
      "+10000000000",
      "(000) 000-0000",
      "+1 111 111 1111",
    ])
      expect(normalizePhone(raw)).toBeUndefined();
    expect(normalizePhone("+1 415 555 2671 ext 5")).toBeUndefined();
    expect(normalizePhone("(415) 555-2671")).toBe("+14155552671");
  });

  test("the plan walk is libphonenumber's isValid, where the library keeps the digits as written", () => {
    // libphonenumber also rewrites digits: a trunk prefix after `+` (+44 020 → +44 20), a region's transform rule
    // (+261 20… → +261 2020…), the US international prefix (011 49… → +49…). The contract never does: it reads
    // the digits as written, dropping only the default region's trunk prefix of a national number.
    const differences: string[] = [];
    for (const raw of phoneCorpus()) {
      const text = raw.replace(/^ +| +$/g, "");
      if (!/^[+]?[0-9 ().-]+$/.test(text)) continue; // outside the contract's phone shape: invalid by rule
      const parsed = parsePhoneNumberFromString(text, { defaultCountry: "US" });
      const library = parsed?.isValid() ? parsed.number : undefined;
      if (library === normalizePhone(raw)) continue;
      const digits = text.replace(/[^0-9]/g, "");
      const asWritten = text.startsWith("+") ? "+" + digits : "+1" + digits.replace(/^1/, "");
      if (library === undefined || library === asWritten)
        differences.push(`${JSON.stringify(raw)}: ${library} vs ${normalizePhone(raw)}`);
    }
    expect(differences).toEqual([]);
  });
});
