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

describe("notebook erasure of landing lines", () => {
  /** Runs blank_landing_lines against stand-ins for spark.read.text (whole file) and dbutils.fs.put. */
  function blank(
    files: Record<string, string>,
    positions: [string, number][],
  ): { puts: unknown; blanked: number } {
    const script = [
      "import json, sys",
      "ns = {}",
      "exec(compile(open(sys.argv[1]).read(), 'c360_runtime.py', 'exec'), ns)",
      "files, puts = json.loads(sys.argv[2]), {}",
      "class Row(list): pass",
      "class Frame:",
      "    def __init__(self, text): self.text = text",
      "    def first(self): return Row([self.text])",
      "class Reader:",
      "    def text(self, path, wholetext=False):",
      "        assert wholetext",
      "        return Frame(files[path])",
      "class Spark: read = Reader()",
      "class Fs:",
      "    def put(self, path, content, overwrite): puts[path] = [content, overwrite]",
      "class DbUtils: fs = Fs()",
      "root = lambda zone: f'abfss://{zone}@acct.dfs.core.windows.net'",
      "n = ns['blank_landing_lines'](Spark(), DbUtils(), root, [tuple(p) for p in json.loads(sys.argv[3])])",
      "print(json.dumps({'puts': puts, 'blanked': n}))",
    ].join("\n");
    const runtime = join(__dirname, "..", "..", "notebooks", "c360_runtime.py");
    return JSON.parse(
      execFileSync("python3", ["-c", script, runtime, JSON.stringify(files), JSON.stringify(positions)], {
        encoding: "utf8",
      }),
    ) as { puts: unknown; blanked: number };
  }

  test("the erased lines become empty lines in place (positions kept); other files are not rewritten", () => {
    const a = "abfss://landing@acct.dfs.core.windows.net/web/behavioral_event/ingest_date=2024-04-01/a.jsonl";
    const b = "abfss://landing@acct.dfs.core.windows.net/web/behavioral_event/ingest_date=2024-04-01/b.jsonl";
    const rel = (p: string) => p.replace("abfss://landing@acct.dfs.core.windows.net/", "landing/");
    const out = blank({ [a]: '{"l":1}\n{"l":2}\n{"l":3}\n', [b]: '{"l":1}\n\n' }, [
      [rel(a), 2],
      [rel(a), 2],
      [rel(a), 9], // beyond the file: ignored
      [rel(b), 2], // already empty: nothing to rewrite
      ["bronze/elsewhere", 1], // not a landing file: ignored
    ]);
    expect(out).toEqual({ puts: { [a]: ['{"l":1}\n\n{"l":3}\n', true] }, blanked: 1 });
  });
});
