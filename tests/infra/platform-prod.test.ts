/** The Pulumi program for stack prod, run once under mocks with Pulumi.prod.yaml (see platform-suite.ts). */
import type { PlanResult } from "../../infra/plan";
import { describePlatform } from "./platform-suite";

let plan: PlanResult;

beforeAll(async () => {
  // Mocks are set before the program's modules load (planStack imports them dynamically).
  const { planStack } = await import("../../infra/plan");
  plan = await planStack("prod");
}, 90_000);

describePlatform("prod", () => plan);
