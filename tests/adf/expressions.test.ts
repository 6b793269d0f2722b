import type { ExpressionContext } from "../../orchestration/expressions";
import {
  evaluateValue,
  ExpressionError,
  formatDateTime,
  parseTemplate,
  UnsupportedExpressionError,
} from "../../orchestration/expressions";

const ctx: ExpressionContext = {
  now: () => new Date("2026-03-10T02:03:04.567Z"),
  pipeline: () => ({
    RunId: "run-1",
    Pipeline: "P_Test",
    parameters: { windowStart: "2026-03-09", loadId: "", n: 3, flag: true },
    globalParameters: { environment: "dev" },
  }),
  activity: (name) => {
    if (name !== "Run_Gold") throw new ExpressionError(`activity '${name}' has not run`, name);
    return {
      output: { pipelineRunId: "child-9", runOutput: { rows: [10, 20] } },
      error: null,
      status: "Succeeded",
    };
  },
  trigger: () => ({
    scheduledTime: "2026-03-10T02:00:00Z",
    outputs: { windowStartTime: "2026-03-10T01:45:00Z" },
  }),
};

describe("expression templates", () => {
  it("keeps literals, unescapes @@, and keeps the type of whole expressions", () => {
    expect(evaluateValue("plain text", ctx)).toBe("plain text");
    expect(evaluateValue("@@not an expression", ctx)).toBe("@not an expression");
    expect(evaluateValue("@pipeline().parameters.n", ctx)).toBe(3);
    expect(evaluateValue("@pipeline().parameters.flag", ctx)).toBe(true);
    expect(evaluateValue({ value: "@pipeline().RunId", type: "Expression" }, ctx)).toBe("run-1");
  });

  it("interpolates @{...} parts, objects as JSON and booleans as ADF prints them", () => {
    expect(evaluateValue("run @{pipeline().RunId} of @{pipeline().Pipeline}", ctx)).toBe(
      "run run-1 of P_Test",
    );
    expect(evaluateValue("{\"out\":@{activity('Run_Gold').output.runOutput}}", ctx)).toBe(
      '{"out":{"rows":[10,20]}}',
    );
    expect(evaluateValue("flag=@{pipeline().parameters.flag}", ctx)).toBe("flag=True");
  });

  it("evaluates nested objects and arrays", () => {
    expect(
      evaluateValue(
        { a: ["@pipeline().RunId", 1], b: { c: "@{pipeline().globalParameters.environment}-x" } },
        ctx,
      ),
    ).toEqual({
      a: ["run-1", 1],
      b: { c: "dev-x" },
    });
  });

  it("supports the functions the definitions use", () => {
    expect(evaluateValue("@concat('a', pipeline().RunId, '/', 'b''c')", ctx)).toBe("arun-1/b'c");
    expect(
      evaluateValue(
        "@if(empty(pipeline().parameters.loadId), pipeline().RunId, pipeline().parameters.loadId)",
        ctx,
      ),
    ).toBe("run-1");
    expect(evaluateValue("@if(empty(pipeline().parameters.windowStart), 'none', 'some')", ctx)).toBe("some");
    expect(evaluateValue("@formatDateTime(addDays(trigger().scheduledTime, -1), 'yyyy-MM-dd')", ctx)).toBe(
      "2026-03-09",
    );
    expect(
      evaluateValue("@formatDateTime(trigger().outputs.windowStartTime, 'yyyy-MM-ddTHH:mm:ssZ')", ctx),
    ).toBe("2026-03-10T01:45:00Z");
    expect(evaluateValue("@utcnow()", ctx)).toBe("2026-03-10T02:03:04.5670000Z");
    expect(evaluateValue("@utcnow('yyyyMMddHHmmss')", ctx)).toBe("20260310020304");
    expect(evaluateValue("@activity('Run_Gold').output.runOutput.rows[1]", ctx)).toBe(20);
    expect(evaluateValue("@activity('Run_Gold')?.output?.missing", ctx)).toBeNull();
    expect(evaluateValue("@equals(pipeline().globalParameters.environment, 'dev')", ctx)).toBe(true);
    expect(evaluateValue("@and(not(false), or(false, true))", ctx)).toBe(true);
    expect(evaluateValue("@coalesce(null, 'x')", ctx)).toBe("x");
    expect(evaluateValue("@toUpper(replace('a-b-c', '-', '_'))", ctx)).toBe("A_B_C");
  });

  it("formats dates with .NET custom specifiers in UTC", () => {
    const d = new Date("2026-01-05T14:07:09.123Z");
    expect(formatDateTime(d, "yyyy-MM-dd HH:mm:ss.fff")).toBe("2026-01-05 14:07:09.123");
    expect(formatDateTime(d, "yy/M/d h:m:s tt")).toBe("26/1/5 2:7:9 PM");
    expect(formatDateTime(d, "'day' dd")).toBe("day 05");
    expect(formatDateTime(d, "o")).toBe("2026-01-05T14:07:09.1230000Z");
  });

  it("names an unsupported function instead of guessing", () => {
    expect(() => evaluateValue("@guid()", ctx)).toThrow(UnsupportedExpressionError);
    expect(() => evaluateValue("@concat('a', base64('x'))", ctx)).toThrow(/function base64\(\)/);
    expect(() => formatDateTime(new Date(), "dddd")).toThrow(/date format 'dddd'/);
  });

  it("reports missing properties, bad arguments and syntax errors with the expression", () => {
    expect(() => evaluateValue("@pipeline().parameters.nope", ctx)).toThrow(
      /property 'nope' does not exist \(available: windowStart, loadId, n, flag\) in "@pipeline\(\).parameters.nope"/,
    );
    expect(() => evaluateValue("@if('yes', 1, 2)", ctx)).toThrow(/if\(\) expects a boolean, got string/);
    expect(() => evaluateValue("@concat('a'", ctx)).toThrow(/expected '\)'/);
    expect(() => evaluateValue("x @{pipeline().RunId", ctx)).toThrow(/unterminated '@\{'/);
    expect(() => evaluateValue("@formatDateTime('not a date')", ctx)).toThrow(/invalid timestamp/);
    expect(() => evaluateValue("@activity('Other').output", ctx)).toThrow(/activity 'Other' has not run/);
  });

  it("classifies templates", () => {
    expect(parseTemplate("abc").kind).toBe("literal");
    expect(parseTemplate("@x()").kind).toBe("expression");
    expect(parseTemplate("a @{x()} b").kind).toBe("interpolation");
    // A brace inside a string literal does not end the interpolation.
    expect(evaluateValue("[@{concat('}', 'x')}]", ctx)).toBe("[}x]");
  });
});
