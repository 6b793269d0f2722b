// Validates SQL files with dt-sql-parser's SparkSQL grammar. dt-sql-parser ships extension-less ESM imports,
// which Node's ESM resolver rejects, so a resolve hook retries each relative specifier with ".js" / "/index.js".
import { readFileSync } from "node:fs";
import { register } from "node:module";

const hooks = `
export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); } catch (e) {
    if (!specifier.startsWith(".")) throw e;
    try { return await next(specifier + ".js", context); } catch { return next(specifier + "/index.js", context); }
  }
}`;
register("data:text/javascript," + encodeURIComponent(hooks), import.meta.url);
const { SparkSQL } = await import("dt-sql-parser");
const parser = new SparkSQL();
const out = {};
for (const file of process.argv.slice(2)) {
  out[file] = parser
    .validate(readFileSync(file, "utf8"))
    .map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}
process.stdout.write(JSON.stringify(out));
