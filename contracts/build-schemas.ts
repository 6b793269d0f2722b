/** Writes contracts/schemas/*.json from the TypeBox definitions (the notebooks read these files). */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { allSchemaDocuments } from "./json-schema";

const outDir = join(__dirname, "schemas");
for (const [path, doc] of Object.entries(allSchemaDocuments())) {
  const file = join(outDir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
}
console.log(`wrote ${Object.keys(allSchemaDocuments()).length} schema files to ${outDir}`);
