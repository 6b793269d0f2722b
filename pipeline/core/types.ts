/** Types every engine adapter shares: the run context it is given and the results it reports per model. */
import type { Expectation } from "../models";

export interface ExpectationResult {
  name: string;
  code: string;
  action: Expectation["action"];
  failed: number;
  passed: boolean;
}

export interface ModelRunResult {
  rowsIn: number;
  rowsOut: number;
  rowsWritten: number;
  quarantined: number;
  expectations: ExpectationResult[];
  failedExpectations: string[];
}

/** The parameters of one run as the models see them (the `run_context` relation). */
export interface RunContext {
  loadId: string;
  runAt: string;
  windowStartDate?: string;
  windowEndDate?: string;
  asOfDate: string;
  environment: string;
}
