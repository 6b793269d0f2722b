import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

import { allSchemaDocuments, isValidEmail, isValidPhone, PAYLOAD_SCHEMAS } from "../../contracts";
import { examples } from "./examples";

const schemaDir = join(__dirname, "../../contracts/schemas");

function listJson(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listJson(path) : name.endsWith(".json") ? [path] : [];
  });
}

/** A fresh Ajv configured the way a consumer of the JSON files would (notebooks, other tools). */
function consumerAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv, ["date", "date-time", "uuid"]);
  ajv.addFormat("email", { type: "string", validate: isValidEmail });
  ajv.addFormat("phone", { type: "string", validate: isValidPhone });
  ajv.addKeyword({ keyword: "errorCode", schemaType: "string" });
  return ajv;
}

describe("contracts/schemas/*.json", () => {
  const rendered = allSchemaDocuments();

  it("are exactly what allSchemaDocuments() renders (run `npm run contracts:build` after changing a contract)", () => {
    const onDisk = listJson(schemaDir).map((p) => relative(schemaDir, p).split("\\").join("/"));
    expect(onDisk.sort()).toEqual(Object.keys(rendered).sort());
    for (const [path, doc] of Object.entries(rendered)) {
      expect(readFileSync(join(schemaDir, path), "utf8")).toBe(JSON.stringify(doc, null, 2) + "\n");
    }
  });

  it("lists every event type and version in index.json", () => {
    const index = JSON.parse(readFileSync(join(schemaDir, "index.json"), "utf8")) as { eventTypes: object };
    expect(index.eventTypes).toEqual(
      Object.fromEntries(
        Object.entries(PAYLOAD_SCHEMAS).map(([type, versions]) => [type, Object.keys(versions)]),
      ),
    );
  });

  it("compile with Ajv as draft 2020-12 and pass the meta-schema", () => {
    const ajv = consumerAjv();
    for (const path of listJson(schemaDir).filter((p) => !p.endsWith("index.json"))) {
      const doc = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
      expect(doc.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(ajv.validateSchema(doc)).toBe(true);
      expect(() => ajv.compile(doc)).not.toThrow();
    }
  });

  it("accept the seed examples and reject a broken one, like the TypeScript validator", () => {
    const ajv = consumerAjv();
    for (const [key, event] of Object.entries(examples())) {
      const [type, version] = key.split("/")[0].split("@");
      const id = `https://c360.dev/contracts/${type}/${version}.json`;
      if (!ajv.getSchema(id))
        ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, `${type}/${version}.json`), "utf8")));
      const validate = ajv.getSchema(id)!;
      expect({ key, valid: validate(event), errors: validate.errors }).toEqual({
        key,
        valid: true,
        errors: null,
      });
      const broken = structuredClone(event);
      broken.schemaVersion = "9.9";
      expect(validate(broken)).toBe(false);
      const wrongType = structuredClone(event);
      wrongType.eventType = type === "order" ? "product" : "order";
      expect(validate(wrongType)).toBe(false);
    }
  });
});
