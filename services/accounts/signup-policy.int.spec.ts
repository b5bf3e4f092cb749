/** Sign-up input (issue 13): password policy, one account per NFKC email, names that show something. */
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";

const base = {
  email: "alice@example.com",
  password: "correct horse battery",
  name: "김엄마",
  phone: "010-1234-5678",
  birthDate: "1990-04-01",
};

describe("sign-up policy", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node.close());

  const signup = (patch: Record<string, unknown>) =>
    node.http("POST", "/api/v1/auth/signup", { body: { ...base, ...patch } });
  const fieldsOf = (res: { body: { error: { details: { fields: { field: string }[] } } } }) =>
    res.body.error.details.fields.map((f) => f.field);

  test.each([
    ["12345678"],
    ["password"],
    ["        "],
    ["1234567890"],
    ["Password123!"],
    ["qwertyuiop1"],
    ["aaaaaaaaaaaab"],
    ["zzzzzzz1234"],
  ])("the weak password %j is a 422 naming password, and creates nothing", async (password) => {
    const before = await node.app.models.User.count();
    const res = await signup({ email: "weak@example.com", password });
    expect(res.status).toBe(422);
    expect(fieldsOf(res)).toEqual(["password"]);
    expect(await node.app.models.User.count()).toBe(before);
  });

  test("emails are NFKC-normalised and lower-cased: a full-width spelling is the same account", async () => {
    expect((await signup({ email: "ａｌｉｃｅ@ｅｘａｍｐｌｅ.ｃｏｍ" })).status).toBe(201);
    const again = await signup({ email: "Alice@Example.com" });
    expect([again.status, again.body.error.code]).toEqual([409, "EMAIL_TAKEN"]);
    const login = await node.http("POST", "/api/v1/auth/login", {
      body: { email: "ＡＬＩＣＥ@example.com", password: base.password },
    });
    expect(login.status).toBe(200);
    expect(await node.app.models.User.count({ where: { email: "alice@example.com" } })).toBe(1);
  });

  test("a name of invisible characters only is refused; bidi controls are stripped", async () => {
    for (const name of ["\u200B\u200B", "\u3164", "\u202E", " \u2066 "]) {
      const res = await signup({ email: "ghost@example.com", name });
      expect([res.status, fieldsOf(res)]).toEqual([422, ["name"]]);
    }
    const res = await signup({ email: "bidi@example.com", name: "\u202E김철수" });
    expect(res.status).toBe(201);
    expect((await node.app.models.User.findOne({ where: { email: "bidi@example.com" } }))?.name).toBe(
      "김철수",
    );
  });
});
