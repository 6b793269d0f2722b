/** Stack files are read with a YAML library: what Pulumi's own YAML reading accepts is read the same way. */
import { parseStackFile } from "../../infra/stack-file";

describe("parseStackFile", () => {
  it("reads quoted, escaped, folded and commented scalars as YAML defines them", () => {
    const text = [
      "# stack file",
      "config:",
      '  c360:hashInQuotes: "x # y"',
      "  c360:singleQuoted: 'it''s'",
      '  c360:escaped: "a\\"b"',
      "  c360:folded: >-",
      "    one",
      "    two",
      "  c360:number: 4 # trailing comment",
      "  c360:boolean: true",
      '  c360:cron: "0 0 3 * * ?"',
      '  c360:empty: ""',
      "  c360:cidr: 10.60.0.0/20",
      "",
    ].join("\n");
    expect(parseStackFile(text)).toEqual({
      hashInQuotes: "x # y",
      singleQuoted: "it's",
      escaped: 'a"b',
      folded: "one two",
      number: "4",
      boolean: "true",
      cron: "0 0 3 * * ?",
      empty: "",
      cidr: "10.60.0.0/20",
    });
  });

  it("skips other namespaces and top-level keys the program does not read", () => {
    const text =
      "secretsprovider: passphrase\nencryptionsalt: abc\nconfig:\n  azure-native:location: westeurope\n  c360:a: x\n";
    expect(parseStackFile(text)).toEqual({ a: "x" });
  });

  it("rejects duplicate keys, syntax errors and non-scalar c360 values, naming the line", () => {
    expect(() => parseStackFile("config:\n  c360:a: x\n  c360:a: y\n", "f.yaml")).toThrow(/^f\.yaml:3: /);
    expect(() => parseStackFile('config:\n  c360:a: "unterminated\n', "f.yaml")).toThrow(/^f\.yaml:\d+: /);
    expect(() => parseStackFile("config:\n  c360:tags:\n    a: b\n", "f.yaml")).toThrow(
      "f.yaml:2: c360:tags must be a scalar",
    );
    expect(() => parseStackFile("config:\n  c360:list: [a, b]\n", "f.yaml")).toThrow(
      "f.yaml:2: c360:list must be a scalar",
    );
    expect(() => parseStackFile("config:\n  c360:key:\n    secure: AAAB\n", "f.yaml")).toThrow(
      "f.yaml:2: c360:key must be a scalar",
    );
    expect(() => parseStackFile("config:\n  c360key: x\n", "f.yaml")).toThrow(
      'f.yaml:2: config key "c360key" is not "<namespace>:<key>"',
    );
    expect(() => parseStackFile("- a\n- b\n", "f.yaml")).toThrow(
      'f.yaml:1: expected a map with a "config:" key',
    );
  });
});
