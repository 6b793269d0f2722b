/**
 * The subset of the Data Factory expression language that the definitions in `adf/` use.
 *
 * A JSON string value is:
 * - an expression when it starts with `@` (its result keeps its type: string, number, boolean, object...);
 * - an interpolated string when it contains `@{...}` (each part is evaluated and turned into text);
 * - a literal otherwise; `@@` at the start escapes a literal `@`.
 * `{ "value": "...", "type": "Expression" }` objects are evaluated the same way.
 *
 * Anything outside the subset (a function not listed in FUNCTIONS, an unknown context function) throws
 * UnsupportedExpressionError naming it, so a definition never silently does something else locally.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What the context functions (`pipeline()`, `activity('x')`, ...) return in the current scope. */
export interface ExpressionContext {
  pipeline?: () => Json;
  activity?: (name: string) => Json;
  trigger?: () => Json;
  linkedService?: () => Json;
  dataset?: () => Json;
  variables?: (name: string) => Json;
  /** Current time for utcnow(); injectable for deterministic tests. */
  now?: () => Date;
}

/** A construct the local executor does not implement. */
export class UnsupportedExpressionError extends Error {
  constructor(
    readonly construct: string,
    readonly expression: string,
  ) {
    super(`unsupported expression construct ${construct} in "${expression}"`);
    this.name = "UnsupportedExpressionError";
  }
}

/** The expression is well-formed but cannot be evaluated (missing property, wrong type, bad syntax...). */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(`${message} in "${expression}"`);
    this.name = "ExpressionError";
  }
}

// ---------- syntax ----------

export type Node =
  | { kind: "lit"; value: Json }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "prop"; target: Node; name: string; optional: boolean }
  | { kind: "index"; target: Node; index: Node; optional: boolean };

type Token =
  | { t: "id"; v: string }
  | { t: "str"; v: string }
  | { t: "num"; v: number }
  | { t: "p"; v: "(" | ")" | "," | "." | "[" | "]" | "?" };

function tokenize(src: string, whole: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new ExpressionError("unterminated string literal", whole);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ t: "str", v: s });
    } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else if ("(),.[]?".includes(c)) {
      out.push({ t: "p", v: c as "(" });
      i++;
    } else {
      throw new ExpressionError(`unexpected character '${c}'`, whole);
    }
  }
  return out;
}

/** Parses the text after `@` (or inside `@{...}`) into a syntax tree. */
export function parseExpression(src: string, whole = src): Node {
  const toks = tokenize(src, whole);
  let pos = 0;
  const peek = () => toks[pos];
  const isP = (v: string) => peek()?.t === "p" && peek()!.v === v;
  const expectP = (v: string) => {
    if (!isP(v)) throw new ExpressionError(`expected '${v}'`, whole);
    pos++;
  };
  const primary = (): Node => {
    const tok = toks[pos++];
    if (!tok) throw new ExpressionError("unexpected end of expression", whole);
    if (tok.t === "str") return { kind: "lit", value: tok.v };
    if (tok.t === "num") return { kind: "lit", value: tok.v };
    if (tok.t === "id") {
      if (tok.v === "true" || tok.v === "false") return { kind: "lit", value: tok.v === "true" };
      if (tok.v === "null") return { kind: "lit", value: null };
      expectP("(");
      const args: Node[] = [];
      if (!isP(")")) {
        for (;;) {
          args.push(postfix());
          if (isP(",")) {
            pos++;
            continue;
          }
          break;
        }
      }
      expectP(")");
      return { kind: "call", name: tok.v, args };
    }
    throw new ExpressionError(`unexpected '${tok.v}'`, whole);
  };
  const postfix = (): Node => {
    let node = primary();
    for (;;) {
      let optional = false;
      if (isP("?")) {
        optional = true;
        pos++;
      }
      if (isP(".")) {
        pos++;
        const id = toks[pos++];
        if (id?.t !== "id") throw new ExpressionError("expected a property name after '.'", whole);
        node = { kind: "prop", target: node, name: id.v, optional };
      } else if (isP("[")) {
        pos++;
        const index = postfix();
        expectP("]");
        node = { kind: "index", target: node, index, optional };
      } else {
        if (optional) throw new ExpressionError("expected '.' or '[' after '?'", whole);
        return node;
      }
    }
  };
  const node = postfix();
  if (pos !== toks.length) throw new ExpressionError("unexpected text after the expression", whole);
  return node;
}

/** A string value split into literal text and expressions. */
export type Template =
  | { kind: "literal"; value: string }
  | { kind: "expression"; node: Node; source: string }
  | { kind: "interpolation"; parts: (string | { node: Node; source: string })[] };

/** Classifies a JSON string value (literal, whole expression, or interpolation) and parses its expressions. */
export function parseTemplate(value: string): Template {
  if (value.startsWith("@@")) return { kind: "literal", value: value.slice(1) };
  if (value.includes("@{")) {
    const parts: (string | { node: Node; source: string })[] = [];
    let i = 0;
    while (i < value.length) {
      const at = value.indexOf("@{", i);
      if (at < 0) {
        parts.push(value.slice(i));
        break;
      }
      if (at > i) parts.push(value.slice(i, at));
      const end = findClosingBrace(value, at + 2);
      if (end < 0) throw new ExpressionError("unterminated '@{'", value);
      const source = value.slice(at + 2, end);
      parts.push({ node: parseExpression(source, value), source });
      i = end + 1;
    }
    return { kind: "interpolation", parts };
  }
  if (value.startsWith("@")) {
    const source = value.slice(1);
    return { kind: "expression", node: parseExpression(source, value), source };
  }
  return { kind: "literal", value };
}

function findClosingBrace(s: string, from: number): number {
  let inStr = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === "'" && s[i + 1] === "'") i++;
      else if (c === "'") inStr = false;
    } else if (c === "'") inStr = true;
    else if (c === "}") return i;
  }
  return -1;
}

// ---------- evaluation ----------

const CONTEXT_FUNCTIONS = [
  "pipeline",
  "activity",
  "trigger",
  "linkedService",
  "dataset",
  "variables",
] as const;

type Fn = (args: Json[], ctx: ExpressionContext, whole: string) => Json;

const str = (v: Json, fn: string, whole: string): string => {
  if (typeof v !== "string") throw new ExpressionError(`${fn}() expects a string, got ${typeName(v)}`, whole);
  return v;
};
const num = (v: Json, fn: string, whole: string): number => {
  if (typeof v !== "number") throw new ExpressionError(`${fn}() expects a number, got ${typeName(v)}`, whole);
  return v;
};
const bool = (v: Json, fn: string, whole: string): boolean => {
  if (typeof v !== "boolean")
    throw new ExpressionError(`${fn}() expects a boolean, got ${typeName(v)}`, whole);
  return v;
};
const arity = (fn: string, args: Json[], min: number, max: number, whole: string) => {
  if (args.length < min || args.length > max)
    throw new ExpressionError(
      `${fn}() takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`,
      whole,
    );
};
const timestamp = (v: Json, fn: string, whole: string): Date => {
  const d = new Date(str(v, fn, whole));
  if (Number.isNaN(d.getTime()))
    throw new ExpressionError(`${fn}() got an invalid timestamp '${String(v)}'`, whole);
  return d;
};
const addTime =
  (name: string, ms: number): Fn =>
  (args, _ctx, whole) => {
    arity(name, args, 2, 3, whole);
    const d = new Date(timestamp(args[0], name, whole).getTime() + num(args[1], name, whole) * ms);
    return formatDateTime(d, args[2] === undefined ? "o" : str(args[2], name, whole), whole);
  };

/** Supported functions, by their ADF names. Names are case-sensitive, as in ADF's documentation. */
export const FUNCTIONS: Record<string, Fn> = {
  concat: (args, _c, whole) => {
    if (args.length < 1) throw new ExpressionError("concat() takes at least 1 argument", whole);
    return args.map((a) => toText(a)).join("");
  },
  formatDateTime: (args, _c, whole) => {
    arity("formatDateTime", args, 1, 2, whole);
    return formatDateTime(
      timestamp(args[0], "formatDateTime", whole),
      args[1] === undefined ? "o" : str(args[1], "formatDateTime", whole),
      whole,
    );
  },
  utcnow: (args, ctx, whole) => {
    arity("utcnow", args, 0, 1, whole);
    return formatDateTime(
      ctx.now ? ctx.now() : new Date(),
      args[0] === undefined ? "o" : str(args[0], "utcnow", whole),
      whole,
    );
  },
  addDays: addTime("addDays", 86_400_000),
  addHours: addTime("addHours", 3_600_000),
  addMinutes: addTime("addMinutes", 60_000),
  if: (args, _c, whole) => {
    arity("if", args, 3, 3, whole);
    return bool(args[0], "if", whole) ? args[1] : args[2];
  },
  empty: (args, _c, whole) => {
    arity("empty", args, 1, 1, whole);
    const v = args[0];
    if (v === null || v === "") return true;
    if (Array.isArray(v)) return v.length === 0;
    if (typeof v === "object") return Object.keys(v).length === 0;
    if (typeof v === "string") return false;
    throw new ExpressionError(`empty() expects a string, array or object, got ${typeName(v)}`, whole);
  },
  equals: (args, _c, whole) => {
    arity("equals", args, 2, 2, whole);
    return JSON.stringify(args[0]) === JSON.stringify(args[1]);
  },
  not: (args, _c, whole) => {
    arity("not", args, 1, 1, whole);
    return !bool(args[0], "not", whole);
  },
  and: (args, _c, whole) => {
    arity("and", args, 2, 2, whole);
    return bool(args[0], "and", whole) && bool(args[1], "and", whole);
  },
  or: (args, _c, whole) => {
    arity("or", args, 2, 2, whole);
    return bool(args[0], "or", whole) || bool(args[1], "or", whole);
  },
  coalesce: (args) => args.find((a) => a !== null) ?? null,
  string: (args, _c, whole) => {
    arity("string", args, 1, 1, whole);
    return toText(args[0]);
  },
  toLower: (args, _c, whole) => {
    arity("toLower", args, 1, 1, whole);
    return str(args[0], "toLower", whole).toLowerCase();
  },
  toUpper: (args, _c, whole) => {
    arity("toUpper", args, 1, 1, whole);
    return str(args[0], "toUpper", whole).toUpperCase();
  },
  replace: (args, _c, whole) => {
    arity("replace", args, 3, 3, whole);
    return str(args[0], "replace", whole)
      .split(str(args[1], "replace", whole))
      .join(str(args[2], "replace", whole));
  },
};

function typeName(v: Json | undefined): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** How a value turns into text in `@{...}` and concat(): objects and arrays as JSON, null as empty. */
export function toText(v: Json): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

export function evaluateNode(node: Node, ctx: ExpressionContext, whole: string): Json {
  switch (node.kind) {
    case "lit":
      return node.value;
    case "prop":
    case "index": {
      const target = evaluateNode(node.target, ctx, whole);
      const key = node.kind === "prop" ? node.name : evaluateNode(node.index, ctx, whole);
      if (target === null || target === undefined) {
        if (node.optional) return null;
        throw new ExpressionError(`cannot read '${String(key)}' of null`, whole);
      }
      if (Array.isArray(target) && typeof key === "number") {
        if (key < 0 || key >= target.length) {
          if (node.optional) return null;
          throw new ExpressionError(`index ${key} is out of range`, whole);
        }
        return target[key];
      }
      if (typeof target === "object" && !Array.isArray(target) && typeof key === "string") {
        if (Object.prototype.hasOwnProperty.call(target, key)) return target[key];
        if (node.optional) return null;
        throw new ExpressionError(
          `property '${key}' does not exist (available: ${Object.keys(target).join(", ")})`,
          whole,
        );
      }
      throw new ExpressionError(`cannot read '${String(key)}' of ${typeName(target)}`, whole);
    }
    case "call": {
      if ((CONTEXT_FUNCTIONS as readonly string[]).includes(node.name)) {
        const provider = ctx[node.name as (typeof CONTEXT_FUNCTIONS)[number]];
        if (!provider) throw new ExpressionError(`${node.name}() is not available in this scope`, whole);
        const args = node.args.map((a) => evaluateNode(a, ctx, whole));
        if (node.name === "activity" || node.name === "variables") {
          if (args.length !== 1 || typeof args[0] !== "string")
            throw new ExpressionError(`${node.name}() takes one string argument`, whole);
          return (provider as (n: string) => Json)(args[0]);
        }
        if (args.length !== 0) throw new ExpressionError(`${node.name}() takes no arguments`, whole);
        return (provider as () => Json)();
      }
      const fn = FUNCTIONS[node.name];
      if (!fn) throw new UnsupportedExpressionError(`function ${node.name}()`, whole);
      return fn(
        node.args.map((a) => evaluateNode(a, ctx, whole)),
        ctx,
        whole,
      );
    }
  }
}

/** Evaluates one JSON value: strings as templates, `{value, type: "Expression"}`, and objects/arrays recursively. */
export function evaluateValue(value: unknown, ctx: ExpressionContext): Json {
  if (typeof value === "string") {
    const t = parseTemplate(value);
    if (t.kind === "literal") return t.value;
    if (t.kind === "expression") return evaluateNode(t.node, ctx, value);
    return t.parts
      .map((p) => (typeof p === "string" ? p : toText(evaluateNode(p.node, ctx, value))))
      .join("");
  }
  if (isExpressionObject(value)) return evaluateValue(value.value, ctx);
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, ctx));
  if (value !== null && typeof value === "object") {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateValue(v, ctx);
    return out;
  }
  if (value === undefined) return null;
  return value as Json;
}

export function isExpressionObject(v: unknown): v is { value: string; type: "Expression" } {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    (v as Record<string, unknown>).type === "Expression" &&
    typeof (v as Record<string, unknown>).value === "string"
  );
}

/** Every expression inside a JSON value (for static checks): the parsed node and its source text. */
export function collectExpressions(value: unknown): { node: Node; source: string }[] {
  const out: { node: Node; source: string }[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") {
      const t = parseTemplate(v);
      if (t.kind === "expression") out.push({ node: t.node, source: v });
      if (t.kind === "interpolation")
        for (const p of t.parts) if (typeof p !== "string") out.push({ node: p.node, source: v });
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

/** Walks a syntax tree (pre-order). */
export function walkNode(node: Node, visit: (n: Node) => void): void {
  visit(node);
  if (node.kind === "call") node.args.forEach((a) => walkNode(a, visit));
  if (node.kind === "prop") walkNode(node.target, visit);
  if (node.kind === "index") {
    walkNode(node.target, visit);
    walkNode(node.index, visit);
  }
}

/** The function names an expression calls that the local executor does not implement. */
export function unsupportedFunctions(node: Node): string[] {
  const out: string[] = [];
  walkNode(node, (n) => {
    if (n.kind === "call" && !(CONTEXT_FUNCTIONS as readonly string[]).includes(n.name) && !FUNCTIONS[n.name])
      out.push(n.name);
  });
  return out;
}

// ---------- formatDateTime: the .NET custom format specifiers ADF uses, in UTC ----------

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/**
 * Formats a Date in UTC with .NET custom format strings (yyyy, yy, MM, M, dd, d, HH, H, hh, h, mm, m,
 * ss, s, f…fffffff, tt, K, zzz) or the standard formats "o" (round trip, ADF's default) and "s".
 * Letters that are not specifiers (T, Z...) and 'quoted' text are copied, as .NET does.
 */
export function formatDateTime(d: Date, format: string, whole = format): string {
  if (format === "o" || format === "O")
    return `${d.toISOString().slice(0, 19)}.${pad(d.getUTCMilliseconds(), 3)}0000Z`;
  if (format === "s") return d.toISOString().slice(0, 19);
  if (format.length === 1) throw new UnsupportedExpressionError(`standard date format '${format}'`, whole);
  let out = "";
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionError("unterminated quote in date format", whole);
      out += format.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === "\\") {
      out += format[i + 1] ?? "";
      i += 2;
      continue;
    }
    let n = 1;
    while (format[i + n] === c) n++;
    switch (c) {
      case "y":
        out += n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), Math.max(n, 1));
        break;
      case "M":
        if (n > 2) throw new UnsupportedExpressionError(`date format '${c.repeat(n)}'`, whole);
        out += pad(d.getUTCMonth() + 1, n);
        break;
      case "d":
        if (n > 2) throw new UnsupportedExpressionError(`date format '${c.repeat(n)}'`, whole);
        out += pad(d.getUTCDate(), n);
        break;
      case "H":
        out += pad(d.getUTCHours(), Math.min(n, 2));
        break;
      case "h":
        out += pad(d.getUTCHours() % 12 || 12, Math.min(n, 2));
        break;
      case "m":
        out += pad(d.getUTCMinutes(), Math.min(n, 2));
        break;
      case "s":
        out += pad(d.getUTCSeconds(), Math.min(n, 2));
        break;
      case "f":
        if (n > 7) throw new UnsupportedExpressionError(`date format '${c.repeat(n)}'`, whole);
        out += (pad(d.getUTCMilliseconds(), 3) + "0000").slice(0, n);
        break;
      case "t":
        out += (d.getUTCHours() < 12 ? "AM" : "PM").slice(0, Math.min(n, 2));
        break;
      case "K":
        out += "Z".repeat(n);
        break;
      case "z":
        out += n >= 3 ? "+00:00" : n === 2 ? "+00" : "+0";
        break;
      default:
        out += c.repeat(n);
    }
    i += n;
  }
  return out;
}
