/** `c360 adf run --stack <name>`: the pipeline as the Pulumi program deploys it, run from the command line. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Command } from "commander";

import { generate } from "../../generator";
import { registerOrchestration } from "../../orchestration/cli";

describe("c360 adf run --stack prod", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "c360-cli-stack-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs P_C360_Master with the stack's deployed values and succeeds", async () => {
    await generate({
      out: join(dir, "gen"),
      lakeDir: join(dir, "lake"),
      seed: 9,
      events: 600,
      days: 2,
      startDate: "2026-11-01",
      landingAll: true,
    });
    const lines: string[] = [];
    const log = jest
      .spyOn(console, "log")
      .mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    const exitCode = process.exitCode;
    try {
      const program = new Command("c360").exitOverride();
      registerOrchestration(program);
      await program.parseAsync(["adf", "run", "--stack", "prod", "--lake", join(dir, "lake")], {
        from: "user",
      });
      expect(process.exitCode ?? 0).toBe(0);
    } finally {
      log.mockRestore();
      process.exitCode = exitCode;
    }
    expect(lines[0]).toMatch(/^adf: the prod stack's deployed factory adf-c360-prod-/);
    expect(lines).toContain("P_C360_Master / Notify_Success: Succeeded");
    expect(lines[lines.length - 1]).toMatch(/^P_C360_Master \S+: Succeeded in /);
  });
});
