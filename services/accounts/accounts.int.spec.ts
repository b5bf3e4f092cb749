import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createUser } from "../../test/support/fixtures";

const signup = {
  email: "Parent@Example.com",
  password: "correct horse",
  name: "김엄마",
  phone: "010-1234-5678",
  birthDate: "1990-04-01",
};

describe("accounts over HTTP", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node.close());

  test("signup creates an account with its self patient, login returns a token that works", async () => {
    const created = await node.http("POST", "/api/v1/auth/signup", { body: signup });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String) });

    const login = await node.http("POST", "/api/v1/auth/login", {
      body: { email: "parent@example.com", password: "correct horse" },
    });
    expect(login.status).toBe(200);
    expect(login.body.expiresIn).toBe(3600);

    const me = await node.http("GET", "/api/v1/me", { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: created.body.id, email: "parent@example.com", role: "patient" });
    expect(me.body.patients).toEqual([
      { id: expect.any(Number), name: "김엄마", birthDate: "1990-04-01", relation: "self" },
    ]);
    // The token states the account's own patient and its ledger version: the gateway need not look them up.
    const claims = JSON.parse(Buffer.from(login.body.token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({
      sub: created.body.id,
      role: "patient",
      pid: me.body.patients[0].id,
      ver: 0,
    });

    // After a change to the account, a new login states the new version (and works where the old token does not).
    // Twice within a second, to the role it already has: still a change the ledger counts (MariaDB
    // reports such an UPDATE as touching no row).
    for (let i = 0; i < 2; i++)
      await node.broker.call("accounts.changeRole", { id: Number(created.body.id), role: "patient" });
    const again = await node.http("POST", "/api/v1/auth/login", {
      body: { email: "parent@example.com", password: "correct horse" },
    });
    expect(JSON.parse(Buffer.from(again.body.token.split(".")[1], "base64url").toString()).ver).toBe(2);
    expect((await node.http("GET", "/api/v1/me", { token: again.body.token })).status).toBe(200);
    expect((await node.http("GET", "/api/v1/me", { token: login.body.token })).status).toBe(403);
  });

  test("a second signup with the same email (any case) is 409 EMAIL_TAKEN", async () => {
    const res = await node.http("POST", "/api/v1/auth/signup", {
      body: { ...signup, email: "PARENT@example.com" },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("EMAIL_TAKEN");
  });

  test("wrong password and unknown email are the same 401", async () => {
    for (const body of [
      { email: "parent@example.com", password: "wrong password" },
      { email: "nobody@example.com", password: "correct horse" },
    ]) {
      const res = await node.http("POST", "/api/v1/auth/login", { body });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("INVALID_CREDENTIALS");
    }
  });

  test.each([
    ["email", { email: "not-an-email" }],
    ["password", { password: "short" }],
    ["birthDate", { birthDate: "1990-02-30" }],
    ["birthDate", { birthDate: "2999-01-01" }],
    ["phone", { phone: "call me" }],
    ["name", { name: "" }],
  ])("bad %s is a 422 naming the field, and writes nothing", async (field, patch) => {
    const before = await node.app.models.User.count();
    const res = await node.http("POST", "/api/v1/auth/signup", {
      body: { ...signup, email: "new@example.com", ...patch },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(await node.app.models.User.count()).toBe(before);
  });

  test("malformed JSON is a 400, not a 500", async () => {
    const res = await node.http("POST", "/api/v1/auth/login", { raw: '{"email": "a@b.c' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_BODY");
  });

  test("tokens: garbage is 401, a deleted user's token is 401, a token from before a role change is 403", async () => {
    expect((await node.http("GET", "/api/v1/me", { token: "garbage" })).body.error.code).toBe(
      "INVALID_TOKEN",
    );
    expect(
      (await node.http("GET", "/api/v1/me", { token: node.tokenFor({ sub: "x", role: "patient" }) })).status,
    ).toBe(401);

    const { user, token } = await createUser(node, "patient");
    expect((await node.http("GET", "/api/v1/me", { token })).status).toBe(200);
    // Through the service, which records it in the ledger and tells every gateway (see account-ledger.int.spec.ts).
    await node.broker.call("accounts.remove", { id: user.id });
    const gone = await node.http("GET", "/api/v1/me", { token });
    expect(gone.status).toBe(401);
    expect(gone.body.error.code).toBe("UNKNOWN_USER");

    const patient = await createUser(node, "patient");
    await node.broker.call("accounts.changeRole", { id: patient.user.id, role: "admin" });
    const mismatch = await node.http("GET", "/api/v1/me", { token: patient.token });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.error.code).toBe("ROLE_MISMATCH");
  });

  test("a token signed with another secret is refused", async () => {
    const { user } = await createUser(node, "patient");
    const jwt = await import("jsonwebtoken");
    const foreign = jwt.sign(
      { sub: String(user.id), role: "patient" },
      "some-other-secret-of-enough-length-000000",
    );
    expect((await node.http("GET", "/api/v1/me", { token: foreign })).status).toBe(401);
  });

  test("a parent adds a child and both are listed; a bad relation is a 422", async () => {
    const { token } = await createUser(node, "patient");
    const child = await node.http("POST", "/api/v1/me/patients", {
      token,
      body: { name: "김아기", birthDate: "2022-01-01", relation: "child" },
    });
    expect(child.status).toBe(201);
    const list = await node.http("GET", "/api/v1/me/patients", { token });
    expect(list.body.items.map((p: { name: string }) => p.name)).toContain("김아기");
    const bad = await node.http("POST", "/api/v1/me/patients", {
      token,
      body: { name: "x", birthDate: "2022-01-01", relation: "self" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0].field).toBe("relation");
  });
});
