/** Global names: unique per subscription and generation, stable per stack, within Azure's length limits. */
import { parseConfig } from "../../infra/config";
import { compactName, dashedName, nameSuffix } from "../../infra/naming";
import { readStackConfig } from "../../infra/stack-file";

const prod = parseConfig(readStackConfig("prod"));
const dev = parseConfig(readStackConfig("dev"));
const orgA = "0b1f6a2c-3d4e-4f50-8a61-72839405a6b7";
const orgB = "9e8d7c6b-5a49-4382-b716-05f4e3d2c1b0";

describe("name suffix", () => {
  it("differs between two organisations deploying the committed stack files (different subscriptions)", () => {
    for (const cfg of [dev, prod]) {
      const a = nameSuffix(cfg, orgA);
      const b = nameSuffix(cfg, orgB);
      expect(a).not.toBe(b);
      expect(compactName(cfg, a, "kv")).not.toBe(compactName(cfg, b, "kv"));
      expect(dashedName(cfg, a, "func")).not.toBe(dashedName(cfg, b, "func"));
    }
  });

  it("is stable for one stack in one subscription (any letter case of the id)", () => {
    expect(nameSuffix(prod, orgA)).toBe(nameSuffix(parseConfig(readStackConfig("prod")), orgA.toUpperCase()));
    expect(nameSuffix(prod, orgA)).toMatch(/^[a-z0-9]{4}$/);
    expect(nameSuffix(prod, orgA)).not.toBe(nameSuffix(dev, orgA));
  });

  it("moves to fresh names when nameGeneration is bumped (redeploy while purge protection reserves the vault name)", () => {
    const next = { ...prod, nameGeneration: prod.nameGeneration + 1 };
    expect(compactName(next, nameSuffix(next, orgA), "kv")).not.toBe(
      compactName(prod, nameSuffix(prod, orgA), "kv"),
    );
  });

  it("rejects a subscription id that is not a GUID", () => {
    expect(() => nameSuffix(prod, "")).toThrow('subscription id "" is not a GUID');
  });
});

describe("names", () => {
  it("are CAF-style and fit the storage and Key Vault limits", () => {
    expect(dashedName(prod, "ab12", "evhns")).toBe("evhns-c360-prod-ab12");
    expect(dashedName(prod, "ab12", "rg", "dbw")).toBe("rg-c360-prod-ab12-dbw");
    expect(compactName(prod, "ab12", "st", "dl")).toBe("stc360prodab12dl");
    expect(() => compactName({ ...prod, namePrefix: "abcdefgh" }, "ab12", "st", "diagnostics")).toThrow(
      /longer than 24/,
    );
  });
});
