import Validator from "fastest-validator";
import { Utils } from "moleculer";
import { emailParam, idParam, nameParam, optionalIdParam, parseId, withOwnParamRules } from "./params";

// Moleculer's validator runs with the new custom-checker signature.
const validator = new Validator({ useNewCustomCheckerFunction: true });

describe("parseId", () => {
  test.each([[1], ["1"], ["42"], [9007199254740991], ["9007199254740991"]])("%j is an id", (v) => {
    expect(parseId(v)).toBe(Number(v));
  });
  test.each([
    ["99999999999999999999"],
    ["0x10"],
    ["1e3"],
    ["016"],
    [" 1"],
    ["-1"],
    [0],
    [1.5],
    [2 ** 53],
    [null],
    [[1]],
  ])("%j is not", (v) => {
    expect(parseId(v)).toBeNull();
  });
});

describe("shared rules", () => {
  test("idParam converts and refuses, even when one rule object is used for two fields", () => {
    const check = validator.compile({ a: idParam, b: idParam, c: optionalIdParam });
    const ok = { a: "3", b: "4" };
    expect(check(ok)).toBe(true);
    expect(ok).toEqual({ a: 3, b: 4 });
    const bad = check({ a: 3, b: "0x10" });
    expect(bad).toEqual([expect.objectContaining({ field: "b", type: "id" })]);
  });

  test("nameParam strips bidi controls and refuses names that show nothing", () => {
    const check = validator.compile({ name: nameParam(20) });
    const ok = { name: "\u202E김철수\u202C" };
    expect(check(ok)).toBe(true);
    expect(ok.name).toBe("김철수");
    for (const name of ["", "\u200B", "\u3164\u3164", " \u00A0 ", "a\u0000b"])
      expect(check({ name })).not.toBe(true);
  });

  test("emailParam stores the NFKC, lower-case form", () => {
    const check = validator.compile({ email: emailParam });
    const o = { email: " ＡＬＩＣＥ@Example.COM " };
    expect(check(o)).toBe(true);
    expect(o.email).toBe("alice@example.com");
    expect(check({ email: "not-an-email" })).not.toBe(true);
  });

  test("a missing or wrongly typed field is a 422, never a throw (fastest-validator runs custom checks anyway)", () => {
    const check = validator.compile({ email: emailParam, name: nameParam(20), id: idParam });
    for (const input of [{}, { email: 5, name: null, id: [] }, { email: ["a@b.c"], name: {}, id: {} }]) {
      const result = check(input);
      expect(Array.isArray(result) && result.map((e) => e.field).sort()).toEqual(["email", "id", "name"]);
    }
  });
});

describe("withOwnParamRules", () => {
  test("keeps every field of a schema whose fields share one rule object when it crosses to another node", () => {
    const schema = {
      name: "s",
      actions: { a: { params: { hospitalId: idParam, doctorId: idParam }, handler: () => 1 } },
    };
    const sent = (s: object) => Utils.safetyObject(s, {}) as { actions: { a: { params: object } } };
    expect(Object.keys(sent(schema).actions.a.params)).toEqual(["hospitalId"]);
    expect(Object.keys(sent(withOwnParamRules(schema)).actions.a.params)).toEqual(["hospitalId", "doctorId"]);
    expect(withOwnParamRules(schema).actions.a.handler()).toBe(1);
  });
});
