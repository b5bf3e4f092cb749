/**
 * fastest-validator rules → JSON Schema (the dialect of OpenAPI 3.1), read from
 * the actions' `params` as the registry holds them. Remote schemas arrive
 * without their functions, so the project's custom rules (`idParam`,
 * `dateParam` …) are recognised by their message keys, which survive the trip.
 */

export type JsonSchema = Record<string, unknown>;
type Rule = Record<string, unknown>;

/** The project's `type: "custom"` rules (platform/params.ts), by the error type each reports. */
const CUSTOM_BY_MESSAGE: Record<string, JsonSchema> = {
  id: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  calendarDate: { type: "string", format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
  clockTime: { type: "string", pattern: "^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$" },
  email: { type: "string", format: "email", maxLength: 190 },
};

/** `"string|optional|min:3"` → `{type: "string", optional: true, min: 3}`, as fastest-validator reads it. */
export function parseShorthand(text: string): Rule {
  const [type, ...flags] = text.split("|").map((s) => s.trim());
  const rule: Rule = { type };
  for (const flag of flags) {
    const colon = flag.indexOf(":");
    if (colon < 0) {
      rule[flag] = true;
      continue;
    }
    const value = flag.slice(colon + 1);
    rule[flag.slice(0, colon)] =
      value === "true"
        ? true
        : value === "false"
          ? false
          : Number.isNaN(Number(value))
            ? value
            : Number(value);
  }
  return rule;
}

/** A rule in any of fastest-validator's spellings: object, shorthand string, or an array meaning `multi`. */
export function normalizeRule(rule: unknown): Rule {
  if (typeof rule === "string") return parseShorthand(rule);
  if (Array.isArray(rule)) return { type: "multi", rules: rule };
  if (rule && typeof rule === "object") return rule as Rule;
  return { type: "any" };
}

/** Whether a field may be left out: `optional`, or a `default` fastest-validator fills in. */
export function isOptional(rule: unknown): boolean {
  const r = normalizeRule(rule);
  return r.optional === true || r.default !== undefined;
}

const copy = (from: Rule, to: JsonSchema, pairs: [string, string][]) => {
  for (const [source, target] of pairs) if (typeof from[source] === "number") to[target] = from[source];
};

function stringSchema(r: Rule): JsonSchema {
  const s: JsonSchema = { type: "string" };
  copy(r, s, [
    ["min", "minLength"],
    ["max", "maxLength"],
  ]);
  if (typeof r.length === "number") s.minLength = s.maxLength = r.length;
  if (Array.isArray(r.enum)) s.enum = r.enum;
  if (typeof r.pattern === "string") s.pattern = r.pattern;
  else if (r.pattern instanceof RegExp) s.pattern = r.pattern.source;
  if (r.numeric === true) s.pattern = "^-?\\d+(\\.\\d+)?$";
  return s;
}

function numberSchema(r: Rule): JsonSchema {
  const s: JsonSchema = { type: r.integer === true ? "integer" : "number" };
  copy(r, s, [
    ["min", "minimum"],
    ["max", "maximum"],
  ]);
  if (typeof r.equal === "number") s.const = r.equal;
  if (r.positive === true) s.exclusiveMinimum = 0;
  if (r.negative === true) s.exclusiveMaximum = 0;
  return s;
}

function arraySchema(r: Rule): JsonSchema {
  const s: JsonSchema = { type: "array" };
  if (r.items !== undefined) s.items = ruleToSchema(r.items);
  copy(r, s, [
    ["min", "minItems"],
    ["max", "maxItems"],
  ]);
  if (typeof r.length === "number") s.minItems = s.maxItems = r.length;
  if (r.unique === true) s.uniqueItems = true;
  if (Array.isArray(r.enum)) s.items = { enum: r.enum };
  return s;
}

/**
 * An object of fields: what the action's `params` is, and a nested `object` rule.
 * `$$strict` (or `strict: true`) becomes `additionalProperties: false`; `strict: "remove"`
 * drops unknown fields silently, which a client may treat as allowed.
 */
export function propsToSchema(props: Record<string, unknown>, strict: unknown): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, rule] of Object.entries(props)) {
    if (name.startsWith("$$")) continue;
    properties[name] = ruleToSchema(rule);
    if (!isOptional(rule)) required.push(name);
  }
  const s: JsonSchema = { type: "object", properties };
  if (required.length > 0) s.required = required;
  if (strict === true) s.additionalProperties = false;
  return s;
}

/** What a project rule checks, named by the error type it reports (its `check` or `custom` function). */
function knownCheck(r: Rule): JsonSchema {
  const keys = r.messages && typeof r.messages === "object" ? Object.keys(r.messages) : [];
  const known = keys.map((k) => CUSTOM_BY_MESSAGE[k]).find((s) => s !== undefined);
  return known ? { ...known } : {};
}

function typed(r: Rule): JsonSchema {
  switch (r.type) {
    case "string":
      return { ...stringSchema(r), ...knownCheck(r) };
    case "number":
      return numberSchema(r);
    case "boolean":
      return { type: "boolean" };
    case "enum":
      return { enum: Array.isArray(r.values) ? r.values : [] };
    case "equal":
      return { const: r.value };
    case "array":
      return arraySchema(r);
    case "object": {
      const props = (r.props ?? r.properties) as Record<string, unknown> | undefined;
      return props ? propsToSchema(props, r.strict) : { type: "object" };
    }
    case "record":
      return { type: "object", additionalProperties: r.value ? ruleToSchema(r.value) : {} };
    case "multi":
      return { anyOf: (Array.isArray(r.rules) ? r.rules : []).map(ruleToSchema) };
    case "uuid":
      return { type: "string", format: "uuid" };
    case "email":
      return { type: "string", format: "email" };
    case "url":
      return { type: "string", format: "uri" };
    case "date":
      return { type: "string", format: "date-time" };
    case "custom":
      return knownCheck(r);
    default:
      return {};
  }
}

/** One field's rule as a JSON Schema, with its default and nullability. */
export function ruleToSchema(rule: unknown): JsonSchema {
  const r = normalizeRule(rule);
  const s = typed(r);
  if (r.default !== undefined && typeof r.default !== "function") s.default = r.default;
  if (r.nullable === true) return { anyOf: [s, { type: "null" }] };
  return s;
}
