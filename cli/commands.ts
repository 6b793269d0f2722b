import type { Command } from "commander";

/** Each area adds one line here: `registerX(program)`, defined next to the code it runs. */
export function registerCommands(_program: Command): void {}
