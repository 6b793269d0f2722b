/**
 * Reads `Pulumi.<stack>.yaml` without the Pulumi CLI (for the offline plan and the tests), with
 * the `yaml` library (YAML 1.2; duplicate keys and syntax errors are errors).
 *
 * The program reads only the `c360` namespace, as strings (what `pulumi.Config#get` hands over:
 * e.g. `4`, `true`, `10.60.0.0/20`). Keys of other namespaces
 * (provider settings such as `azure-native:location`) do not reach the program and are skipped.
 * A `c360:*` value that is not a scalar (a map, a list, a `secure:` value) is rejected with its
 * line, so the file never silently diverges from what `pulumi up` would see.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { isMap, isScalar, LineCounter, parseDocument } from "yaml";

import { CONFIG_NAMESPACE, type RawConfig } from "./config";

export const REPO_ROOT = join(__dirname, "..");

export function parseStackFile(text: string, fileName = "stack file"): RawConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number | undefined): string =>
    offset === undefined ? fileName : `${fileName}:${lineCounter.linePos(offset).line}`;
  const [error] = doc.errors;
  if (error) throw new Error(`${lineOf(error.pos[0])}: ${error.message.split("\n")[0]}`);

  const root = doc.contents;
  if (root === null) return {};
  if (!isMap(root)) throw new Error(`${lineOf(root.range?.[0])}: expected a map with a "config:" key`);
  const raw: RawConfig = {};
  for (const pair of root.items) {
    const topKey = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (topKey !== "config") continue; // e.g. `encryptionsalt`, `secretsprovider`: not program input
    const config = pair.value;
    if (config === null || (isScalar(config) && config.value === null)) continue;
    if (!isMap(config)) throw new Error(`${lineOf(keyOffset(pair.key))}: "config" is not a map`);
    for (const entry of config.items) {
      if (!isScalar(entry.key))
        throw new Error(`${lineOf(keyOffset(entry.key))}: config key is not a scalar`);
      const where = lineOf(entry.key.range?.[0]);
      const fullKey = String(entry.key.value);
      const m = /^([A-Za-z0-9_-]+):([A-Za-z0-9_]+)$/.exec(fullKey);
      if (!m) throw new Error(`${where}: config key "${fullKey}" is not "<namespace>:<key>"`);
      const [, namespace, key] = m;
      if (namespace !== CONFIG_NAMESPACE) continue;
      raw[key] = scalarText(entry.value, where, fullKey);
    }
  }
  return raw;
}

function keyOffset(node: unknown): number | undefined {
  return isScalar(node) ? node.range?.[0] : undefined;
}

/** The value as the program receives it from `pulumi.Config#get`: a string (empty for null). */
function scalarText(node: unknown, where: string, key: string): string {
  if (node === null) return "";
  if (!isScalar(node))
    throw new Error(`${where}: ${key} must be a scalar (maps, lists and secure values are not read here)`);
  return node.value === null ? "" : String(node.value);
}

export function readStackConfig(stack: string, root = REPO_ROOT): RawConfig {
  const file = `Pulumi.${stack}.yaml`;
  return parseStackFile(readFileSync(join(root, file), "utf8"), file);
}
