import {
  clockTimeParam,
  dateParam,
  emailParam,
  idParam,
  nameParam,
  pageParams,
} from "../../../platform/params";
import { isValidClockTime } from "../../../platform/time";
import { isOptional, parseShorthand, propsToSchema, ruleToSchema } from "./rules";

/** What a rule looks like after crossing the transporter: JSON, functions dropped. */
const remote = (rule: unknown): unknown => JSON.parse(JSON.stringify(rule));

describe("fastest-validator rule → JSON Schema", () => {
  test.each([
    [
      { type: "string", min: 1, max: 60, trim: true },
      { type: "string", minLength: 1, maxLength: 60 },
    ],
    [
      { type: "string", length: 4 },
      { type: "string", minLength: 4, maxLength: 4 },
    ],
    [
      { type: "string", pattern: /^[a-z]+$/ },
      { type: "string", pattern: "^[a-z]+$" },
    ],
    [
      { type: "string", enum: ["a", "b"] },
      { type: "string", enum: ["a", "b"] },
    ],
    [
      { type: "number", min: -90, max: 90, convert: true },
      { type: "number", minimum: -90, maximum: 90 },
    ],
    [
      { type: "number", integer: true, min: 1 },
      { type: "integer", minimum: 1 },
    ],
    [
      { type: "number", positive: true, max: 50, default: 5 },
      { type: "number", exclusiveMinimum: 0, maximum: 50, default: 5 },
    ],
    [{ type: "boolean", convert: true }, { type: "boolean" }],
    [{ type: "enum", values: ["child", "parent"] }, { enum: ["child", "parent"] }],
    [{ type: "equal", value: "book" }, { const: "book" }],
    [{ type: "uuid" }, { type: "string", format: "uuid" }],
    [{ type: "email" }, { type: "string", format: "email" }],
    [{ type: "url" }, { type: "string", format: "uri" }],
    [
      { type: "date", convert: true },
      { type: "string", format: "date-time" },
    ],
    [{ type: "any" }, {}],
    [{ type: "string", nullable: true }, { anyOf: [{ type: "string" }, { type: "null" }] }],
  ])("%j → %j", (rule, schema) => {
    expect(ruleToSchema(rule)).toEqual(schema);
  });

  test("arrays carry their items and bounds", () => {
    expect(ruleToSchema({ type: "array", items: "string", min: 1, max: 366, unique: true })).toEqual({
      type: "array",
      items: { type: "string" },
      minItems: 1,
      maxItems: 366,
      uniqueItems: true,
    });
  });

  test("objects list their props, which are required unless optional or defaulted", () => {
    const schema = ruleToSchema({
      type: "object",
      strict: true,
      props: {
        type: { type: "enum", values: ["amount", "percent"] },
        value: "number|min:1",
        note: "string|optional",
      },
    });
    expect(schema).toEqual({
      type: "object",
      properties: {
        type: { enum: ["amount", "percent"] },
        value: { type: "number", minimum: 1 },
        note: { type: "string" },
      },
      required: ["type", "value"],
      additionalProperties: false,
    });
    // strict: "remove" drops unknown fields without refusing them.
    expect(ruleToSchema({ type: "object", strict: "remove", props: {} })).not.toHaveProperty(
      "additionalProperties",
    );
  });

  test("multi (object or array spelling) is anyOf", () => {
    const expected = { anyOf: [{ type: "string" }, { type: "number" }] };
    expect(ruleToSchema({ type: "multi", rules: ["string", "number"] })).toEqual(expected);
    expect(ruleToSchema(["string", "number"])).toEqual(expected);
  });

  test("shorthand strings are read as fastest-validator reads them", () => {
    expect(parseShorthand("string|optional|min:3|trim:true")).toEqual({
      type: "string",
      optional: true,
      min: 3,
      trim: true,
    });
    expect(ruleToSchema("number|integer:true|max:7")).toEqual({ type: "integer", maximum: 7 });
    expect(isOptional("string|optional")).toBe(true);
  });

  test.each([
    ["local", (r: unknown) => r],
    ["remote (functions dropped)", remote],
  ])("the project's custom rules are recognised, %s", (_where, as) => {
    expect(ruleToSchema(as(idParam))).toEqual({
      type: "integer",
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
    });
    expect(ruleToSchema(as(dateParam))).toMatchObject({ type: "string", format: "date" });
    expect(ruleToSchema(as(clockTimeParam))).toMatchObject({ type: "string", pattern: expect.any(String) });
    expect(ruleToSchema(as(emailParam))).toEqual({ type: "string", format: "email", maxLength: 190 });
    expect(ruleToSchema(as(nameParam(120)))).toEqual({ type: "string", maxLength: 120 });
  });

  test("a custom rule the generator does not know says nothing rather than something wrong", () => {
    expect(ruleToSchema({ type: "custom", check: () => true })).toEqual({});
  });

  test("an action's params: `$$` options are not fields; defaults make a field optional", () => {
    const schema = propsToSchema({ $$strict: true, hospitalId: idParam, ...pageParams }, true);
    expect(Object.keys(schema.properties as object)).toEqual(["hospitalId", "page", "size"]);
    expect(schema.required).toEqual(["hospitalId"]);
    expect(schema.additionalProperties).toBe(false);
  });

  test("the clock-time pattern accepts what clockTimeParam accepts", () => {
    const pattern = new RegExp(String((ruleToSchema(clockTimeParam) as { pattern: string }).pattern));
    for (const time of ["00:00", "09:30", "23:59", "24:00", "24:01", "9:30", "12:60", "1230", "x"]) {
      expect([time, pattern.test(time)]).toEqual([time, isValidClockTime(time)]);
    }
  });
});
