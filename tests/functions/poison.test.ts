/**
 * Issue 23 item 1: data errors never throw. A message that cannot be processed (nested 6,000 deep,
 * bytes that are not UTF-8) is quarantined alone with its bytes intact; the rest of its batch is
 * applied and landed, and the handler does not throw (so the host never retries a batch over it).
 */
import type { AnyEvent } from "../../contracts";
import type { QuarantineRecord } from "../../functions/src/core/quarantine";
import { streamFor } from "../../functions/src/core/streams";
import { deliver, type HubMessage } from "../../functions/src/local/hub";
import { syntheticEvents } from "../../functions/src/local/synthetic";
import { type Fixture, fixture, storeState } from "./helpers";

let f: Fixture;
beforeAll(async () => {
  f = await fixture("poison");
});
afterAll(async () => {
  await f.cleanup();
});

async function linesOf(container: "landing" | "quarantine"): Promise<string[]> {
  const lines: string[] = [];
  for (const path of await f.deps.lake.list(container)) {
    for (const line of ((await f.deps.lake.read(container, path)) ?? "").split("\n"))
      if (line) lines.push(line);
  }
  return lines;
}

function messagesOf(bodies: unknown[], firstSeq: number): HubMessage[] {
  return bodies.map((body, i) => ({
    body,
    sequenceNumber: firstSeq + i,
    offset: String((firstSeq + i) * 1000),
    enqueuedTimeUtc: "2026-12-05T10:00:00.000Z",
    partitionKey: "p",
  }));
}

const orders = syntheticEvents({ events: 200, customers: 3, seed: 23, mix: { order: 1 } }).filter(
  (e) => e.eventType === "order" && e.payload.status === "COMPLETED",
);

test("a 6,000-deep event in a batch with 3 valid orders: the 3 are applied and landed, the poison one quarantined alone with its text intact, no throw", async () => {
  const valid = orders.slice(0, 3);
  const template = { ...orders[3], eventId: "POISON-DEEP" };
  // Valid envelope and payload, plus an unknown field nested 6,000 levels: as a producer sends it (bytes).
  const deepText = JSON.stringify(template).replace(
    '"payload":{',
    `"payload":{"extra":${"[".repeat(6000)}1${"]".repeat(6000)},`,
  );
  const bodies: unknown[] = [valid[0], Buffer.from(deepText, "utf8"), valid[1], valid[2]];
  const summary = await deliver({
    stream: streamFor("order"),
    partitionId: "0",
    messages: messagesOf(bodies, 0),
  });

  expect(summary).toMatchObject({ received: 4, accepted: 3, quarantined: 1, applied: 3 });
  const landed = (await linesOf("landing")).map((l) => (JSON.parse(l) as AnyEvent).eventId);
  expect(landed.sort()).toEqual(valid.map((e) => e.eventId).sort());
  const records = (await linesOf("quarantine")).map((l) => JSON.parse(l) as QuarantineRecord);
  expect(records).toHaveLength(1);
  expect(records[0].position.sequenceNumber).toBe(1);
  // The bytes as they came, whatever the parse saw.
  const kept = typeof records[0].event === "string" ? records[0].event : JSON.stringify(records[0].event);
  expect(kept).toBe(deepText);
  const state = await storeState(f.deps);
  for (const e of valid) expect(state.get(e.customerId!)?.orders.count).toBeGreaterThan(0);
});

test("bytes that are not UTF-8 are quarantined as base64 that decodes to the very same bytes", async () => {
  const binary = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x22, 0x7d]);
  const summary = await deliver({
    stream: streamFor("order"),
    partitionId: "1",
    messages: messagesOf([orders[4], binary], 100),
  });
  expect(summary).toMatchObject({ received: 2, accepted: 1, quarantined: 1 });
  const record = (await linesOf("quarantine"))
    .map((l) => JSON.parse(l) as QuarantineRecord)
    .find((r) => r.position.partitionId === "1")!;
  expect(record.reason).toBe("unparseable");
  expect(record.event).toBeNull();
  expect(Buffer.from(record.eventBase64!, "base64").equals(binary)).toBe(true);
});
