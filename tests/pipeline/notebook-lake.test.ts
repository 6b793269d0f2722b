import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** The notebooks must address the lake the way the infra and the functions create it: a container per zone. */
function zoneRoots(conf: Record<string, string>): string {
  const script = [
    "import json, sys",
    "ns = {}",
    "exec(compile(open(sys.argv[1]).read(), 'c360_runtime.py', 'exec'), ns)",
    "class Conf:",
    "    def __init__(self, values): self.values = values",
    "    def get(self, key, default=None): return self.values.get(key, default)",
    "class Spark:",
    "    def __init__(self, values): self.conf = Conf(values)",
    "try:",
    "    root = ns['lake_paths'](Spark(json.loads(sys.argv[2])))",
    "    print(json.dumps([root(z) for z in ['landing', 'gold', 'control']]))",
    "except ValueError as e:",
    "    print(json.dumps({'error': str(e)}))",
  ].join("\n");
  const runtime = join(__dirname, "..", "..", "notebooks", "c360_runtime.py");
  return execFileSync("python3", ["-c", script, runtime, JSON.stringify(conf)], { encoding: "utf8" }).trim();
}

describe("notebook lake paths", () => {
  test("Azure: one ADLS Gen2 container per zone in the stack's lake account", () => {
    expect(JSON.parse(zoneRoots({ "c360.storage_account": "stc360lakedev" }))).toEqual([
      "abfss://landing@stc360lakedev.dfs.core.windows.net",
      "abfss://gold@stc360lakedev.dfs.core.windows.net",
      "abfss://control@stc360lakedev.dfs.core.windows.net",
    ]);
  });

  test("a single root puts each zone in its own folder", () => {
    expect(JSON.parse(zoneRoots({ "c360.lake_root": "/mnt/lake/" }))).toEqual([
      "/mnt/lake/landing",
      "/mnt/lake/gold",
      "/mnt/lake/control",
    ]);
  });

  test("no lake configured is an error naming the setting", () => {
    expect(JSON.parse(zoneRoots({})).error).toContain("c360.storage_account");
  });
});
