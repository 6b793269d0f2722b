import { readFileSync } from "node:fs";
import { join } from "node:path";

import { LandingFiles, LineFile } from "../../generator/writers";
import { listFiles, tempDir } from "./helpers";

// The timer is cleared once `p` settles, so a passing test leaves no pending timeout behind (jest reported it as
// an open handle keeping a worker alive).
const within = <T>(p: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
};

describe("landing writers under backpressure", () => {
  it("settle() does not wait for a 'drain' that already happened while the generator was busy elsewhere", async () => {
    const tmp = tempDir("drain");
    try {
      const file = new LineFile(join(tmp.dir, "a.jsonl"));
      const line = "y".repeat(1000);
      for (let i = 0; i < 3000; i++) file.write(line); // > 1 MB: flushed, the stream reports a full buffer
      await new Promise((resolve) => setTimeout(resolve, 300)); // meanwhile the OS drains it
      await within(file.settle(), 5000);
      await within(file.close(), 5000);
      expect(readFileSync(join(tmp.dir, "a.jsonl"), "utf8").length).toBe(3000 * 1001);
    } finally {
      tmp.cleanup();
    }
  });

  it("settle() resolves when several files hit a full buffer at once (no missed 'drain')", async () => {
    const tmp = tempDir("writers");
    try {
      const files = new LandingFiles(tmp.dir, "gen-test", 1_000_000);
      const line = JSON.stringify({ filler: "x".repeat(500) });
      const day = Date.UTC(2025, 0, 1);
      // 3 groups × 3 MB: every group flushes several 1 MB chunks, far above the stream's buffer.
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 6000; i++) {
          files.write(line, "web", "behavioral_event", day + i);
          files.write(line, "pos", "order", day + i);
          files.write(line, "crm", "customer_profile", day + i);
        }
        await within(files.settle(), 10_000);
      }
      // The next day closes the first day's files while writing new ones.
      files.write(line, "web", "behavioral_event", day + 86_400_000);
      await within(files.settle(), 10_000);
      await within(files.close(), 10_000);
      const written = listFiles(tmp.dir).sort();
      expect(written.map((f) => f.slice(tmp.dir.length + 1))).toEqual([
        "landing/crm/customer_profile/ingest_date=2025-01-01/gen-test-p0000.jsonl",
        "landing/pos/order/ingest_date=2025-01-01/gen-test-p0000.jsonl",
        "landing/web/behavioral_event/ingest_date=2025-01-01/gen-test-p0000.jsonl",
        "landing/web/behavioral_event/ingest_date=2025-01-02/gen-test-p0000.jsonl",
      ]);
      expect(
        readFileSync(
          join(tmp.dir, "landing/pos/order/ingest_date=2025-01-01/gen-test-p0000.jsonl"),
          "utf8",
        ).split("\n"),
      ).toHaveLength(18_001);
    } finally {
      tmp.cleanup();
    }
  });
});
