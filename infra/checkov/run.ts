/**
 * Checkov as a second opinion on the infra: for each stack, export the offline plan as an ARM
 * template (`infra:plan --arm`), scan it with Checkov's ARM checks and judge the result against
 * the committed skip list. Exits 1 on any failed check that is not skipped with a reason, on a
 * skip entry that no longer matches anything, on a Checkov parsing error, or when the plan's own
 * baseline check fails.
 *
 *   npm run infra:checkov [-- --stack dev --stack prod] [--checkov <path>] [--out <dir>]
 *
 * Checkov comes from requirements-checkov.txt (.ci/run installs it into .local/checkov-venv).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Command } from "commander";

import { REPO_ROOT } from "../stack-file";
import { type CheckovReport, evaluate, readSkips, type Verdict } from "./evaluate";

export const DEFAULT_CHECKOV = join(REPO_ROOT, ".local", "checkov-venv", "bin", "checkov");

function exportArm(stack: string, file: string): void {
  const tsx = require.resolve("tsx/cli");
  const plan = spawnSync(
    process.execPath,
    [tsx, join(REPO_ROOT, "infra", "plan.ts"), "--stack", stack, "--arm", file],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (plan.status !== 0)
    throw new Error(
      `infra:plan --stack ${stack} --arm failed (exit ${plan.status}):\n${plan.stderr}${plan.stdout.slice(-4000)}`,
    );
}

function scan(checkov: string, file: string): CheckovReport {
  const run = spawnSync(checkov, ["-f", file, "--framework", "arm", "--output", "json", "--skip-download"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    // No call to the vendor's guideline API (the scan itself is offline).
    env: { ...process.env, BC_SKIP_MAPPING: "TRUE" },
  });
  if (run.error)
    throw new Error(`cannot run ${checkov}: ${run.error.message} (install requirements-checkov.txt)`);
  // Checkov exits 1 when a check fails; the JSON report is what counts.
  try {
    return JSON.parse(run.stdout) as CheckovReport;
  } catch {
    throw new Error(`checkov printed no JSON report (exit ${run.status}):\n${run.stderr.slice(-4000)}`);
  }
}

export function formatVerdict(v: Verdict): string {
  const lines = [
    `${v.stack}: ${v.passed} passed, ${v.skipped.length} skipped (infra/checkov/skips.yaml), ${v.failed.length} failed` +
      (v.parsingErrors ? `, ${v.parsingErrors} parsing errors` : ""),
  ];
  for (const f of v.failed) lines.push(`  FAILED ${f.check_id} ${f.resource}: ${f.check_name}`);
  for (const s of v.unusedSkips)
    lines.push(
      `  UNUSED SKIP ${s.check} ${s.type}${s.name ? ` ${s.name}` : ""}: matches no finding; delete it`,
    );
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const command = new Command("infra:checkov")
    .option(
      "--stack <name>",
      "stack to scan (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option("--checkov <path>", "checkov executable", DEFAULT_CHECKOV)
    .option("--out <dir>", "keep the ARM templates and Checkov reports here")
    .showHelpAfterError();
  command.parse(argv, { from: "user" });
  const options = command.opts<{ stack: string[]; checkov: string; out?: string }>();
  const stacks = options.stack.length > 0 ? options.stack : ["dev", "prod"];
  // The ARM templates and reports stay only with --out; otherwise they go with the temp folder once scanned.
  const dir = options.out ?? mkdtempSync(join(tmpdir(), "c360-checkov-"));
  mkdirSync(dir, { recursive: true });
  try {
    const skips = readSkips();
    let exitCode = 0;
    for (const stack of stacks) {
      const template = join(dir, `${stack}.arm.json`);
      exportArm(stack, template);
      const report = scan(options.checkov, template);
      writeFileSync(join(dir, `${stack}.checkov.json`), JSON.stringify(report, null, 2));
      const verdict = evaluate(stack, report, skips);
      process.stdout.write(`${formatVerdict(verdict)}\n`);
      if (verdict.failed.length > 0 || verdict.unusedSkips.length > 0 || verdict.parsingErrors > 0)
        exitCode = 1;
    }
    return exitCode;
  } finally {
    if (!options.out) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
