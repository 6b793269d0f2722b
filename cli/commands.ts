import type { Command } from "commander";

import { registerFunctions } from "../functions/cli";
import { registerGenerate } from "../generator/cli";
import { registerOrchestration } from "../orchestration/cli";
import { registerPipeline } from "../pipeline/cli";
import { registerStart } from "./start";

/** Each area adds one line here: `registerX(program)`, defined next to the code it runs. */
export function registerCommands(program: Command): void {
  registerFunctions(program);
  registerGenerate(program);
  registerOrchestration(program);
  registerPipeline(program);
  registerStart(program);
}
