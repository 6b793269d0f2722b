#!/usr/bin/env node
// The `c360` command (package.json "bin"): cli/main.ts, compiled on load by tsx's require hook.
require("tsx/cjs");
require("./main.ts");
