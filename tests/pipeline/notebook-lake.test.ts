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

describe("notebook erasure of quarantined records", () => {
  /** Runs purge_quarantine against stand-ins for dbutils.fs (ls, put, rm) and spark.read.text (whole file). */
  function purge(
    files: Record<string, string>,
    ids: string[],
  ): { puts: unknown; rms: string[]; out: unknown } {
    const script = [
      "import json, sys",
      "ns = {}",
      "exec(compile(open(sys.argv[1]).read(), 'c360_runtime.py', 'exec'), ns)",
      "files, puts, rms = json.loads(sys.argv[2]), {}, []",
      "class Info:",
      "    def __init__(self, path, name): self.path, self.name = path, name",
      "class Fs:",
      "    def ls(self, path):",
      "        below = [p[len(path) + 1:] for p in files if p.startswith(path + '/')]",
      "        if not below: raise Exception('not found: ' + path)",
      "        names = sorted({b.split('/')[0] + ('/' if '/' in b else '') for b in below})",
      "        return [Info(path + '/' + n.rstrip('/'), n) for n in names]",
      "    def put(self, path, content, overwrite): puts[path] = [content, overwrite]",
      "    def rm(self, path): rms.append(path)",
      "class DbUtils: fs = Fs()",
      "class Row(list): pass",
      "class Frame:",
      "    def __init__(self, text): self.text = text",
      "    def first(self): return Row([self.text])",
      "class Reader:",
      "    def text(self, path, wholetext=False):",
      "        assert wholetext",
      "        return Frame(files[path])",
      "class Spark: read = Reader()",
      "root = lambda zone: f'abfss://{zone}@acct.dfs.core.windows.net'",
      "n, positions = ns['purge_quarantine'](Spark(), DbUtils(), root, json.loads(sys.argv[3]))",
      "print(json.dumps({'puts': puts, 'rms': rms, 'out': [n, positions]}))",
    ].join("\n");
    const runtime = join(__dirname, "..", "..", "notebooks", "c360_runtime.py");
    return JSON.parse(
      execFileSync("python3", ["-c", script, runtime, JSON.stringify(files), JSON.stringify(ids)], {
        encoding: "utf8",
      }),
    ) as { puts: unknown; rms: string[]; out: unknown };
  }

  test("records naming an erased id go (file rewritten, or removed when empty); others and other ids stay", () => {
    const q = "abfss://quarantine@acct.dfs.core.windows.net";
    const rec = (stage: string, record: string, line = 1) =>
      JSON.stringify({
        stage,
        table: "events",
        reason: "x",
        rule: "y",
        load_id: "L1",
        source_file: `landing/web/order/ingest_date=2024-04-01/a.jsonl`,
        line_no: line,
        record,
      });
    const bronze = `${q}/bronze/events/ingest_date=2024-04-01/L1/part-0000.json`;
    const silver = `${q}/silver/orders/ingest_date=2024-04-01/L1/part-0000.json`;
    const out = purge(
      {
        [bronze]:
          [
            rec("bronze", '{"eventId":"e1","customerId":"C3","payload":', 4),
            rec("bronze", '{"customerId":"C33"', 5),
          ].join("\n") + "\n",
        [silver]: rec("silver", '{"order_id":"O7","customer_id":"C3"}') + "\n",
        [`${q}/silver/orders/ingest_date=2024-04-01/L1/_SUCCESS`]: "",
      },
      ["C3"],
    );
    expect(out).toEqual({
      puts: { [bronze]: [rec("bronze", '{"customerId":"C33"', 5) + "\n", true] },
      rms: [silver],
      out: [2, [["landing/web/order/ingest_date=2024-04-01/a.jsonl", 4]]],
    });
    expect(purge({ [silver]: rec("silver", '{"customer_id":"C1"}') }, ["C3"])).toEqual({
      puts: {},
      rms: [],
      out: [0, []],
    });
  });
});
