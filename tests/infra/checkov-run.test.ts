/**
 * The Checkov runner (npm run infra:checkov): its working folder of ARM templates and reports is a temp folder that
 * goes once the scan is judged, whatever the outcome; with --out the files stay there. Checkov itself is a stand-in
 * script here (the real scan runs in .ci/run); the ARM export is the real one.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

import { main } from "../../infra/checkov/run";
import { usePrivateTmpdir } from "../support/private-tmpdir";

usePrivateTmpdir();

/** A checkov stand-in printing a report with one passed check (every committed skip is then unused: exit 1). */
function fakeCheckov(dir: string): string {
  const report = {
    check_type: "arm",
    results: {
      passed_checks: [{ check_id: "CKV_AZURE_1", check_name: "n", resource: "r" }],
      failed_checks: [],
    },
    summary: { passed: 1, failed: 0, parsing_errors: 0, resource_count: 1 },
  };
  const path = join(dir, "checkov");
  writeFileSync(path, `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(report)}\nJSON\n`);
  chmodSync(path, 0o755);
  return path;
}

let tools = "";
beforeAll(() => {
  tools = mkdtempSync(join(os.tmpdir(), "tools-"));
});
afterAll(() => rmSync(tools, { recursive: true, force: true }));

const workFolders = () => readdirSync(os.tmpdir()).filter((e) => e.startsWith("c360-checkov-"));

test("a scan leaves no working folder behind; the verdict still decides the exit code", async () => {
  const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    expect(await main(["--stack", "dev", "--checkov", fakeCheckov(tools)])).toBe(1);
    expect(write.mock.calls.map((c) => String(c[0])).join("")).toMatch(/^dev: 1 passed, 0 skipped/);
  } finally {
    write.mockRestore();
  }
  expect(workFolders()).toEqual([]);
});

test("a failed export leaves no working folder behind either", async () => {
  await expect(main(["--stack", "nope"])).rejects.toThrow(/infra:plan --stack nope --arm failed/);
  expect(workFolders()).toEqual([]);
});

test("with --out the templates and reports stay", async () => {
  const out = join(tools, "kept");
  const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    await main(["--stack", "dev", "--checkov", fakeCheckov(tools), "--out", out]);
  } finally {
    write.mockRestore();
  }
  expect(readdirSync(out).sort()).toEqual(["dev.arm.json", "dev.checkov.json"]);
});
