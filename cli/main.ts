#!/usr/bin/env node
/** The `c360` command line. Each area registers its own subcommands; this file only assembles them. */
import { Command } from "commander";

import { registerCommands } from "./commands";

const program = new Command("c360").description("c360: Azure-native Customer 360 platform, runnable offline");
registerCommands(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
