/** Input that used to answer 500 or mean something else (issue 13): each is a 4xx now, changing nothing. */
import zlib from "node:zlib";
import { createHospital, createUser } from "../../test/support/fixtures";
import { rowCounts } from "../../test/support/row-counts";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";

describe("hostile input", () => {
  let node: TestNode;
  let hospitalA: number;
  let hospitalB: number;
  beforeAll(async () => {
    node = await startTestNode();
    hospitalA = (await createHospital(node.app)).id;
    hospitalB = (await createHospital(node.app, { name: "다른병원" })).id;
  });
  afterAll(() => node.close());

  const fieldsOf = (res: { body: { error: { details: { fields?: { field: string }[] } } } }) =>
    (res.body.error.details.fields ?? []).map((f) => f.field);

  test("NUL and other control characters are a 422 naming the field, in query strings and JSON", async () => {
    const before = await rowCounts(node.app.sequelize);
    const q = await node.http("GET", "/api/v1/hospitals?q=%00");
    expect([q.status, fieldsOf(q)]).toEqual([422, ["q"]]);
    for (const email of ["a\u0000@b.c", "a\u0007b@c.d", "x@y.z\u007f"]) {
      const login = await node.http("POST", "/api/v1/auth/login", { body: { email, password: "whatever" } });
      expect([login.status, fieldsOf(login)]).toEqual([422, ["email"]]);
      const signup = await node.http("POST", "/api/v1/auth/signup", {
        body: {
          email,
          password: "correct horse battery",
          name: "x",
          phone: "010-1234-5678",
          birthDate: "1990-01-01",
        },
      });
      expect([signup.status, fieldsOf(signup)]).toEqual([422, ["email"]]);
    }
    expect(await rowCounts(node.app.sequelize)).toEqual(before);
  });

  test("a Content-Encoding the gateway does not inflate is a 415, compressed or not", async () => {
    const json = JSON.stringify({ email: "a@b.c", password: "x" });
    for (const [encoding, body] of [
      ["gzip", json],
      ["deflate", json],
      ["br", json],
      ["gzip", zlib.gzipSync(json)],
    ] as const) {
      const res = await fetch(`${node.baseUrl}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": encoding },
        body,
      });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNSUPPORTED_ENCODING");
    }
  });

  test.each([["99999999999999999999"], ["0x10"], ["1e1"], ["016"], ["-1"], ["1.5"], ["0"]])(
    "the id %s is a 422, not a float or a hex number",
    async (id) => {
      const res = await node.http("GET", `/api/v1/hospitals/${id}`);
      expect([res.status, fieldsOf(res)]).toEqual([422, ["hospitalId"]]);
    },
  );

  test("staff of another hospital get 403 before their body is judged", async () => {
    const { token } = await createUser(node, "staff", hospitalA);
    for (const [method, path, body] of [
      ["PUT", `/api/v1/hospitals/${hospitalB}/queue/settings`, { deskSharePercent: "lots" }],
      ["PUT", `/api/v1/hospitals/${hospitalB}/holidays`, { holidays: "never", foo: 1 }],
      ["POST", `/api/v1/hospitals/${hospitalB}/doctors`, {}],
      ["GET", `/api/v1/hospitals/${hospitalB}/appointments?date=nope`, undefined],
    ] as const) {
      const res = await node.http(method, path, { token, body });
      expect([res.status, res.body.error.code]).toEqual([403, "WRONG_HOSPITAL"]);
    }
    const own = await node.http("PUT", `/api/v1/hospitals/${hospitalA}/queue/settings`, {
      token,
      body: { deskSharePercent: "lots" },
    });
    expect([own.status, fieldsOf(own)]).toEqual([422, ["deskSharePercent"]]);
  });

  test("hospital and doctor names must show something; bidi overrides are stripped", async () => {
    const { token } = await createUser(node, "admin");
    const doctors = `/api/v1/hospitals/${hospitalA}/doctors`;
    const doctor = { department: "소아청소년과", sessions: [] };
    const ghost = await node.http("POST", doctors, { token, body: { ...doctor, name: "\u200B\u200D" } });
    expect([ghost.status, fieldsOf(ghost)]).toEqual([422, ["name"]]);
    const bidi = await node.http("POST", doctors, { token, body: { ...doctor, name: "\u202E김의사\u202C" } });
    expect(bidi.status).toBe(201);
    expect(bidi.body.name).toBe("김의사");
  });
});
