/**
 * The local driver (`npm start`'s real-time leg) on the project generator's stream, defects
 * included: every line is accounted for, profiles equal the fold, landing and quarantine files are
 * mirrored into the local lake directory.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { CosmosClient } from "@azure/cosmos";

import { foldEvents } from "../../functions/src/core/profile";
import { runRealtimeLocally } from "../../functions/src/local/driver";
import { generate } from "../../generator";
import { startLocalServices } from "../../local/services";
import { cosmosClient } from "../../local/services";
import { comparable, startKeepAliveCosmos } from "./helpers";

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

test("runRealtimeLocally: generated stream → profiles equal the fold, files mirrored, every line accounted for", async () => {
  const work = await mkdtemp(join(tmpdir(), "c360-fn-driver-"));
  const services = await startLocalServices();
  const cosmos = await startKeepAliveCosmos();
  try {
    const manifest = await generate({
      out: join(work, "gen"),
      lakeDir: join(work, "genlake"),
      seed: 5,
      events: 2000,
      days: 10,
    });
    const streamDir = join(work, "gen", "stream");
    const lines: string[] = [];
    for (const file of (await readdir(streamDir)).filter((f) => f.endsWith(".jsonl")).sort()) {
      lines.push(
        ...(await readFile(join(streamDir, file), "utf8")).split("\n").filter((l) => l.trim() !== ""),
      );
    }
    const lakeDir = join(work, "lake");
    const progress: number[] = [];
    const summary = await runRealtimeLocally({
      streamDir,
      services: { storage: services.storage, cosmos: cosmos.settings },
      lakeDir,
      partitions: 3,
      batchSize: 200,
      databaseName: "driver-test",
      onProgress: (p) => progress.push(p.eventsDone),
    });
    expect(summary.eventsRead).toBe(lines.length);
    expect(manifest.counts.lines).toBe(lines.length);
    expect(summary.accepted + summary.quarantined).toBe(lines.length);
    expect(summary.failedBatches).toBe(0);
    expect(summary.quarantined).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toBe(lines.length);

    const raw = lines.map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return l;
      }
    });
    const expected = foldEvents(raw);
    const client: CosmosClient = cosmosClient(cosmos.settings);
    const { resources } = await client
      .database("driver-test")
      .container("profiles")
      .items.query("SELECT * FROM c")
      .fetchAll();
    expect(summary.profilesInStore).toBe(expected.size);
    expect(comparable(new Map(resources.map((d) => [d.customerId as string, d])))).toEqual(
      comparable(expected),
    );

    const mirrored = await filesUnder(lakeDir);
    expect(mirrored.length).toBe(summary.mirroredFiles);
    expect(
      mirrored.some((p) =>
        /landing\/[a-z_]+\/[a-z_]+\/ingest_date=\d{4}-\d{2}-\d{2}\/[\w.=-]+\.jsonl$/.test(p),
      ),
    ).toBe(true);
    const quarantineFiles = mirrored.filter((p) => p.includes(`${join(lakeDir, "quarantine")}/realtime/`));
    let quarantinedLines = 0;
    for (const file of quarantineFiles)
      quarantinedLines += (await readFile(file, "utf8")).split("\n").filter(Boolean).length;
    expect(quarantinedLines).toBe(summary.quarantined);
    let landedLines = 0;
    for (const file of mirrored.filter((p) => p.startsWith(join(lakeDir, "landing")))) {
      landedLines += (await readFile(file, "utf8")).split("\n").filter(Boolean).length;
    }
    expect(landedLines).toBe(summary.accepted);
    await client.database("driver-test").delete();
  } finally {
    await cosmos.stop();
    await services.stop();
    await rm(work, { recursive: true, force: true });
  }
});
