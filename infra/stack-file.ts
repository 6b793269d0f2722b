/**
 * Reads `Pulumi.<stack>.yaml` without the Pulumi CLI (for the offline plan and the tests).
 *
 * Stack files here hold only a flat `config:` map of scalars (`c360:key: value`), which this
 * reader accepts; anything else (nested values, secrets, other namespaces) is rejected with the
 * line number so the file never silently diverges from what `pulumi up` would see.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { CONFIG_NAMESPACE, type RawConfig } from "./config";

export const REPO_ROOT = join(__dirname, "..");

export function parseStackFile(text: string, fileName = "stack file"): RawConfig {
  const raw: RawConfig = {};
  let inConfig = false;
  text.split(/\r?\n/).forEach((line, index) => {
    const where = `${fileName}:${index + 1}`;
    if (/^\s*(#.*)?$/.test(line)) return;
    if (/^config:\s*$/.test(line)) {
      inConfig = true;
      return;
    }
    if (!/^\s/.test(line)) throw new Error(`${where}: only a top-level "config:" map is supported`);
    if (!inConfig) throw new Error(`${where}: value outside "config:"`);
    const m = /^ {2}([A-Za-z0-9_-]+):([A-Za-z0-9_]+):(?:\s+(.*?))?\s*$/.exec(line);
    if (!m) throw new Error(`${where}: expected "  ${CONFIG_NAMESPACE}:<key>: <scalar>"`);
    const [, namespace, key, value = ""] = m;
    if (namespace !== CONFIG_NAMESPACE)
      throw new Error(`${where}: namespace "${namespace}" is not read by the offline plan`);
    raw[key] = unquote(value.replace(/\s+#.*$/, ""), where);
  });
  return raw;
}

function unquote(value: string, where: string): string {
  if (value.startsWith('"') || value.startsWith("'")) {
    const quote = value[0];
    if (!value.endsWith(quote) || value.length < 2) throw new Error(`${where}: unterminated quoted value`);
    return value.slice(1, -1);
  }
  if (/^[[{|>&*!]/.test(value)) throw new Error(`${where}: only scalar values are supported`);
  return value;
}

export function readStackConfig(stack: string, root = REPO_ROOT): RawConfig {
  const file = `Pulumi.${stack}.yaml`;
  return parseStackFile(readFileSync(join(root, file), "utf8"), file);
}
