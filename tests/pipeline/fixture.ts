/** Small hand-built landing data set for the pipeline's golden tests (values chosen so results are checkable by hand). */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DuckDBInstance } from "@duckdb/node-api";

type Json = Record<string, unknown>;

/** The lakes tempLake made for the test file that imports this module: removed after its tests. */
const lakes: string[] = [];
afterAll(() => {
  for (const lake of lakes.splice(0)) rmSync(lake, { recursive: true, force: true });
});

/** A fresh lake folder under the temp dir, removed after the importing test file's tests. */
export function tempLake(): string {
  const lake = mkdtempSync(join(tmpdir(), "c360-pipeline-"));
  lakes.push(lake);
  return lake;
}

export function writeLanding(
  lake: string,
  source: string,
  type: string,
  date: string,
  file: string,
  lines: string[],
): void {
  const dir = join(lake, "landing", source, type, `ingest_date=${date}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), lines.join("\n") + "\n");
}

export const env = (
  eventId: string,
  eventType: string,
  source: string,
  occurredAt: string,
  customerId: string | undefined,
  payload: Json,
  schemaVersion = "1.0",
): string => JSON.stringify({ eventId, eventType, schemaVersion, source, occurredAt, customerId, payload });

const profile = (id: string, first: string, last: string, email: string, extra: Json = {}): Json => ({
  customerId: id,
  firstName: first,
  lastName: last,
  email,
  customerSegment: "STANDARD",
  loyaltyTier: "BRONZE",
  loyaltyPoints: 10,
  registrationDate: "2024-01-01",
  status: "ACTIVE",
  consent: { email: true, sms: false },
  ...extra,
});

export const item = (
  itemId: string,
  productId: string,
  category: string,
  quantity: number,
  unitPrice: number,
): Json => ({
  itemId,
  productId,
  category,
  quantity,
  unitPrice,
  totalPrice: Math.round(quantity * unitPrice * 100) / 100,
});

export const order = (
  orderId: string,
  channel: string,
  orderedAt: string,
  total: number,
  items: Json[],
  extra: Json = {},
): Json => ({
  orderId,
  channel,
  orderedAt,
  transactionType: "PURCHASE",
  status: "COMPLETED",
  currency: "USD",
  totalAmount: total,
  taxAmount: 0,
  shippingAmount: 0,
  discountAmount: 0,
  paymentMethod: "CARD",
  items,
  ...extra,
});

export const behaviour = (sessionId: string, action: string, extra: Json = {}): Json => ({
  sessionId,
  action,
  channel: "WEB",
  deviceType: "DESKTOP",
  pageUrl: "/",
  ...extra,
});

/** Day 1 (2024-04-10) and day 2 (2024-04-20) partitions; see tests/pipeline/pipeline.test.ts for the expectations. */
export function writeDay1(lake: string): void {
  const d = "2024-04-10";
  writeLanding(lake, "crm", "customer_profile", d, "crm-1.jsonl", [
    env(
      "ev-p1",
      "customer_profile",
      "crm",
      "2024-03-01T09:00:00Z",
      "C1",
      profile("C1", " ann ", "LEE", " Ann.Lee@Example.COM ", { phone: "(415) 555-2671" }),
    ),
    env(
      "ev-p2",
      "customer_profile",
      "crm",
      "2024-04-01T09:00:00+02:00",
      "C1",
      profile("C1", "Ann", "Lee", "ann.lee@example.com", { phone: "415-555-2671", loyaltyTier: "SILVER" }),
    ),
    env(
      "ev-p2",
      "customer_profile",
      "crm",
      "2024-04-01T09:00:00+02:00",
      "C1",
      profile("C1", "Ann", "Lee", "ann.lee@example.com", { phone: "415-555-2671", loyaltyTier: "SILVER" }),
    ),
    env(
      "ev-p3",
      "customer_profile",
      "crm",
      "2024-03-05T00:00:00Z",
      "C3",
      profile("C3", "Bo", "Chan", "bo@example.org", {
        phone: "+44 20 7946 0958",
        externalIds: { pos: "POS-9" },
      }),
      "1.1",
    ),
    env(
      "ev-p4",
      "customer_profile",
      "crm",
      "2024-03-06T00:00:00Z",
      "C4",
      profile("C4", "Bad", "Mail", "bob@@x"),
    ),
  ]);
  writeLanding(lake, "ecommerce", "customer_profile", d, "ec-1.jsonl", [
    env(
      "ev-p5",
      "customer_profile",
      "ecommerce",
      "2024-03-02T00:00:00Z",
      "C2",
      profile("C2", "Ann", "Lee", "ANN.LEE@example.com", { registrationDate: "2024-02-01" }),
    ),
  ]);
  writeLanding(lake, "ecommerce", "order", d, "ec-o1.jsonl", [
    env(
      "ev-o1",
      "order",
      "ecommerce",
      "2024-04-10T10:15:00Z",
      "C1",
      order("O1", "ECOMMERCE", "2024-04-10T10:12:00Z", 100, [
        item("I1", "P1", "Apparel", 2, 40),
        item("I2", "P2", "Books", 1, 20),
      ]),
    ),
    "{this is not json",
    env(
      "ev-o5",
      "order",
      "ecommerce",
      "2024-04-10T12:00:00Z",
      "C1",
      order("O5", "ECOMMERCE", "2024-04-10T12:00:00Z", -5, [item("I1", "P1", "Apparel", 1, 5)]),
    ),
    JSON.stringify({
      ...JSON.parse(
        env(
          "ev-o6",
          "order",
          "ecommerce",
          "2024-04-10T13:00:00Z",
          "U9",
          order("O6", "ECOMMERCE", "2024-04-10T13:00:00Z", 10, [item("I1", "P3", "Home", 1, 10)], {
            giftWrap: true,
          }),
        ),
      ),
      traceId: "t-1",
    }),
  ]);
  writeLanding(lake, "web", "behavioral_event", d, "web-1.jsonl", [
    env("ev-b1", "behavioral_event", "web", "2024-04-10T10:00:00Z", "C1", behaviour("S1", "PAGE_VIEW")),
    env(
      "ev-b2",
      "behavioral_event",
      "web",
      "2024-04-10T10:05:00Z",
      "C1",
      behaviour("S1", "PRODUCT_VIEW", { productId: "P1", category: "Apparel", pageUrl: "/p/P1" }),
    ),
    env(
      "ev-b3",
      "behavioral_event",
      "web",
      "2024-04-10T10:10:00Z",
      "C1",
      behaviour("S1", "CART_ADD", { productId: "P1", category: "Apparel" }),
    ),
    env("ev-b4", "behavioral_event", "web", "2024-04-10T10:12:00Z", "C1", behaviour("S1", "CHECKOUT")),
    env(
      "ev-b5",
      "behavioral_event",
      "web",
      "2024-04-10T11:00:00Z",
      "C1",
      behaviour("S2", "PRODUCT_VIEW", { productId: "P2", category: "Books" }),
    ),
    env(
      "ev-b6",
      "behavioral_event",
      "web",
      "2024-04-10T11:01:00Z",
      undefined,
      behaviour("S3", "PAGE_VIEW", { anonymousId: "A1", channel: "APP", deviceType: "MOBILE" }),
    ),
  ]);
  writeLanding(lake, "support", "support_interaction", d, "sup-1.jsonl", [
    env("ev-s1", "support_interaction", "support", "2024-04-10T15:00:00Z", "C1", {
      interactionId: "SI1",
      ticketId: "T1",
      interactionType: "PHONE",
      priority: "LOW",
      category: "BILLING",
      status: "RESOLVED",
      satisfactionScore: 5,
    }),
  ]);
  writeLanding(lake, "catalog", "product", d, "catalog.csv", [
    "productId,sku,name,category,price,currency,stockQuantity",
    "P1,SKU1,Shirt,Apparel,40.00,USD,10",
    "P2,SKU2,Novel,books,20.00,USD,5",
    "P3,SKU3,Lamp,Home,10.00,USD,0",
  ]);
}

export function writeDay2(lake: string): void {
  const d = "2024-04-20";
  writeLanding(lake, "pos", "order", d, "pos-1.jsonl", [
    env(
      "ev-o2",
      "order",
      "pos",
      "2024-04-20T09:00:00Z",
      "C2",
      order("O2", "POS", "2024-04-20T09:00:00Z", 50.5, [item("I1", "P2", "Books", 1, 50.5)]),
    ),
    env(
      "ev-o3",
      "order",
      "pos",
      "2024-04-20T10:00:00Z",
      "POS-9",
      order("O3", "POS", "2024-04-20T10:00:00Z", 30, [item("I1", "P3", "Home", 3, 10)]),
    ),
    // a later version of O1 (refund of nothing, status unchanged) must replace day 1's row
    env(
      "ev-o1b",
      "order",
      "ecommerce",
      "2024-04-20T11:00:00Z",
      "C1",
      order(
        "O1",
        "ECOMMERCE",
        "2024-04-10T10:12:00Z",
        100,
        [item("I1", "P1", "Apparel", 2, 40), item("I2", "P2", "Books", 1, 20)],
        { promotionCode: "LATE" },
      ),
    ),
    // redelivery of a day-1 event: same eventId, ignored
    env(
      "ev-o6",
      "order",
      "ecommerce",
      "2024-04-10T13:00:00Z",
      "U9",
      order("O6", "ECOMMERCE", "2024-04-10T13:00:00Z", 10, [item("I1", "P3", "Home", 1, 10)], {
        giftWrap: true,
      }),
    ),
  ]);
}

/**
 * Order lines the pipeline quarantines: C3's unparseable line (bronze) and negative order (silver), and C1's
 * unparseable line (someone else's, which an erasure of C3 must leave).
 */
export function writeQuarantinedOrders(lake: string): void {
  writeLanding(lake, "ecommerce", "order", "2024-04-10", "ec-bad.jsonl", [
    '{"eventId":"ev-bad-c3","eventType":"order","customerId":"C3","payload":{"orderId":"O-BAD"',
    env(
      "ev-neg-c3",
      "order",
      "ecommerce",
      "2024-04-10T11:00:00Z",
      "C3",
      order("O7", "ECOMMERCE", "2024-04-10T11:00:00Z", -1, [item("I1", "P1", "Apparel", 1, 1)]),
    ),
    '{"eventId":"ev-bad-c1","eventType":"order","customerId":"C1","payload":',
  ]);
}

/** `sql` over a lake table's Parquet files (`{t}` in it), on a DuckDB of its own in UTC. */
export async function queryTable(
  lake: string,
  table: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    const files = `read_parquet('${join(lake, ...table.split("."), "*.parquet")}', union_by_name = true)`;
    return (await c.runAndReadAll(sql.replace("{t}", files))).getRowObjectsJson() as Record<
      string,
      unknown
    >[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

export function readTable(lake: string, table: string, orderBy: string): Promise<Record<string, unknown>[]> {
  return queryTable(lake, table, `SELECT * FROM {t} ORDER BY ${orderBy}`);
}

/** Every table of the lake (bronze, silver, gold), each as its rows in a stable order, without `omit` columns. */
export async function lakeTables(lake: string, omit: string[]): Promise<Record<string, unknown[]>> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const out: Record<string, unknown[]> = {};
  try {
    await c.run("SET TimeZone = 'UTC'");
    for (const layer of ["bronze", "silver", "gold"]) {
      const dir = join(lake, layer);
      for (const table of existsSync(dir) ? readdirSync(dir).sort() : []) {
        if (!readdirSync(join(dir, table)).some((f) => f.endsWith(".parquet"))) continue;
        const scan = `read_parquet('${join(dir, table, "*.parquet")}', union_by_name = true)`;
        const cols = (await c.runAndReadAll(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${scan})`))
          .getRowObjectsJson()
          .map((r) => String(r.column_name))
          .filter((col) => !omit.includes(col));
        const list = cols.map((col) => `"${col}"`).join(", ");
        out[`${layer}.${table}`] = (
          await c.runAndReadAll(`SELECT ${list} FROM ${scan} ORDER BY ALL`)
        ).getRowObjectsJson();
      }
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return out;
}
