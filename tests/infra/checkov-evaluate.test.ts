/** Checkov's findings judged against the committed skip list: skipped only with a reason, stale skips reported. */
import {
  type CheckovFinding,
  type CheckovReport,
  evaluate,
  parseSkips,
  readSkips,
} from "../../infra/checkov/evaluate";

const finding = (check_id: string, resource: string): CheckovFinding => ({
  check_id,
  check_name: `${check_id} name`,
  resource,
});

function report(failed: CheckovFinding[], passed = 3): CheckovReport {
  return {
    check_type: "arm",
    results: {
      passed_checks: Array.from({ length: passed }, () => finding("CKV_AZURE_1", "x")),
      failed_checks: failed,
    },
    summary: { passed, failed: failed.length, parsing_errors: 0, resource_count: 10 },
  };
}

const skips = parseSkips(`
- check: CKV_AZURE_35
  type: Microsoft.Storage/storageAccounts
  stacks: [dev]
  reason: dev has public endpoints by design, identity-only auth
- check: CKV_AZURE_59
  type: Microsoft.Storage/storageAccounts
  name: ^st\\w+dl$
  reason: the lake keeps a firewalled public endpoint for capture
`);

describe("evaluate", () => {
  it("skips a finding only where check, type, stack and name match, with the entry's reason", () => {
    const v = evaluate(
      "dev",
      report([
        finding("CKV_AZURE_35", "Microsoft.Storage/storageAccounts.stc360devab12dl"),
        finding("CKV_AZURE_59", "Microsoft.Storage/storageAccounts.stc360devab12dl"),
        finding("CKV_AZURE_59", "Microsoft.Storage/storageAccounts.stc360devab12fn"),
        finding("CKV_AZURE_35", "Microsoft.KeyVault/vaults.kvc360devab12"),
      ]),
      skips,
    );
    expect(v.passed).toBe(3);
    expect(v.skipped.map((s) => [s.check_id, s.resource, s.reason])).toEqual([
      [
        "CKV_AZURE_35",
        "Microsoft.Storage/storageAccounts.stc360devab12dl",
        "dev has public endpoints by design, identity-only auth",
      ],
      [
        "CKV_AZURE_59",
        "Microsoft.Storage/storageAccounts.stc360devab12dl",
        "the lake keeps a firewalled public endpoint for capture",
      ],
    ]);
    expect(v.failed.map((f) => f.resource)).toEqual([
      "Microsoft.Storage/storageAccounts.stc360devab12fn",
      "Microsoft.KeyVault/vaults.kvc360devab12",
    ]);
    expect(v.unusedSkips).toEqual([]);
  });

  it("does not apply a dev-only entry to prod, and reports entries that match nothing as unused", () => {
    const v = evaluate(
      "prod",
      report([finding("CKV_AZURE_35", "Microsoft.Storage/storageAccounts.stc360prodab12dl")]),
      skips,
    );
    expect(v.failed.map((f) => f.check_id)).toEqual(["CKV_AZURE_35"]);
    expect(v.unusedSkips.map((s) => s.check)).toEqual(["CKV_AZURE_59"]);
  });

  it("rejects an entry without a reason or with a malformed check id", () => {
    expect(() => parseSkips("- check: CKV_AZURE_1\n  type: Microsoft.Web/sites\n")).toThrow(/reason/);
    expect(() =>
      parseSkips("- check: AZURE_1\n  type: Microsoft.Web/sites\n  reason: long enough reason text here\n"),
    ).toThrow(/Checkov Azure id/);
  });

  it("reads the committed skip list: every entry has an ARM type and a reason", () => {
    const committed = readSkips();
    expect(committed.length).toBeGreaterThan(0);
    for (const entry of committed) expect(entry.reason.length).toBeGreaterThanOrEqual(20);
  });
});
