/** Renders the generated blocks of the SQL models from the contracts' rules (models/rules.ts). */
import { readFileSync, writeFileSync } from "node:fs";

import { modelFilesWithBlocks, renderBlocks } from "./rules";

for (const path of modelFilesWithBlocks()) {
  const text = readFileSync(path, "utf8");
  const rendered = renderBlocks(text);
  if (rendered !== text) {
    writeFileSync(path, rendered);
    console.log(`rendered ${path}`);
  }
}
