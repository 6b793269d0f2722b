import type { Command } from "commander";

import { registerOrchestration } from "../orchestration/cli";
import { registerPipeline } from "../pipeline/cli";

/** Each area adds one line here: `registerX(program)`, defined next to the code it runs. */
export function registerCommands(program: Command): void {
  registerOrchestration(program);
  registerPipeline(program);
}
