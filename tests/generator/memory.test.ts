import { generate } from "../../generator";
import { tempDir } from "./helpers";

// Bounded memory, checked structurally (no timing): the generator never queues more events than its
// budget, however many it writes. The budget covers the current slot, the spill of sessions into
// the next slot, and late/redelivered events held back.
describe("bounded memory", () => {
  const tmp = tempDir("memory");
  afterAll(() => tmp.cleanup());

  it.each([
    ["a year", 365],
    ["a single dense day", 1],
  ])("over %s, the queue stays within maxBufferedEvents while writing 25x as many", async (_name, days) => {
    const manifest = await generate({
      out: `${tmp.dir}/${days}`,
      lakeDir: `${tmp.dir}/${days}/lake`,
      seed: 8,
      customers: 200,
      events: 20_000,
      days,
      maxBufferedEvents: 800,
      defects: "duplicate=0.1,late=0.1",
    });
    expect(manifest.counts.lines).toBeGreaterThan(25 * 800);
    expect(manifest.memory.peakBufferedEvents).toBeLessThanOrEqual(800);
    expect(manifest.memory.peakBufferedEvents).toBeGreaterThan(0);
    expect(manifest.defects.late).toBeGreaterThan(0);
  });
});
