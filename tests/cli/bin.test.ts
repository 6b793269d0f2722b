/** The `c360` command package.json declares as its bin exists and runs the CLI. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "../..");

test("package.json's c360 bin runs the command line", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> };
  const r = spawnSync(process.execPath, [join(root, pkg.bin.c360!), "pipeline", "--help"], {
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("Usage: c360 pipeline");
  expect(r.stdout).toContain("run [options]");
});
