/**
 * Mass assignment (issue 13): every write route of the route table, sent the
 * fields an attacker would add, refuses each one it does not declare by name,
 * before any handler runs, and no row changes.
 */
import { randomUUID } from "node:crypto";
import { createHospital, createUser } from "../../test/support/fixtures";
import { rowCounts } from "../../test/support/row-counts";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { API_ROUTES } from "./routes";

const EXTRAS = { id: 9000, accountId: 9000, hospitalId: 9000, role: "admin", createdAt: "2020-01-01" };

describe("allow-lists", () => {
  let node: TestNode;
  let hospitalId: number;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    node = await startTestNode();
    hospitalId = (await createHospital(node.app)).id;
    tokens.patient = (await createUser(node, "patient")).token;
    tokens.admin = (await createUser(node, "admin")).token;
  });
  afterAll(() => node.close());

  /** Path params filled with ids of the right shape: the refusal must come before any lookup. */
  const fill = (path: string) =>
    path
      .replace(":hospitalId", String(hospitalId))
      .replace(/:(id|ticketId)\b/, (_m, name: string) =>
        path.startsWith("/coupon") && name === "id" ? "1" : randomUUID(),
      )
      .replace(/:(doctorId|patientId)\b/, "1");

  const writes = Object.entries(API_ROUTES).filter(([route]) => !route.startsWith("GET "));

  test.each(writes)(
    "%s names every extra field it does not declare, and writes nothing",
    async (route, spec) => {
      const [method, path] = route.split(" ");
      const role = spec.roles?.includes("admin") ? "admin" : spec.roles?.[0];
      const before = await rowCounts(node.app.sequelize);
      const res = await node.http(method, `/api/v1${fill(path)}`, {
        token: role ? tokens[role] : undefined,
        body: EXTRAS,
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      const named = res.body.error.details.fields.map((f: { field: string }) => f.field);
      // A path param overrides the body's field of that name (it is used, not refused), and a
      // booking's or a campaign's hospitalId is a real field.
      const real = (field: string) =>
        path.includes(`:${field}`) ||
        (field === "hospitalId" && ["POST /appointments", "POST /coupon-campaigns"].includes(route));
      for (const field of Object.keys(EXTRAS).filter((f) => !real(f))) expect(named).toContain(field);
      expect(await rowCounts(node.app.sequelize)).toEqual(before);
    },
  );

  test("a family member cannot be added to another account, nor pick its id", async () => {
    const other = await createUser(node, "patient");
    const body = { name: "x", birthDate: "2015-01-01", relation: "child" };
    for (const extra of [{ accountId: other.user.id }, { id: 5000 }, { id: 3 }]) {
      const res = await node.http("POST", "/api/v1/me/patients", {
        token: tokens.patient,
        body: { ...body, ...extra },
      });
      expect([res.status, res.body.error.details.fields[0].field]).toEqual([422, Object.keys(extra)[0]]);
    }
    expect(await node.app.models.Patient.count({ where: { accountId: other.user.id } })).toBe(0);
    expect(await node.app.models.Patient.findByPk(5000)).toBeNull();
    const ok = await node.http("POST", "/api/v1/me/patients", { token: tokens.patient, body });
    expect(ok.status).toBe(201);
  });

  test("an admin cannot pick a hospital's id; queue settings keep named fields only", async () => {
    const hospital = {
      name: "새병원",
      address: "서울특별시 마포구 양화로 1",
      district: "마포구",
      lat: 37.55,
      lng: 126.91,
      phone: "02-333-4444",
      departments: ["내과"],
      openingHours: [{ weekday: 1, start: "09:00", end: "18:00" }],
    };
    const picked = await node.http("POST", "/api/v1/hospitals", {
      token: tokens.admin,
      body: { ...hospital, id: 9000 },
    });
    expect([picked.status, picked.body.error.details.fields[0].field]).toEqual([422, "id"]);
    expect(await node.app.models.Hospital.findByPk(9000)).toBeNull();

    const settingsPath = `/api/v1/hospitals/${hospitalId}/queue/settings`;
    const foo = await node.http("PUT", settingsPath, {
      token: tokens.admin,
      body: { strikeLimit: 3, foo: "<b>bar</b>" },
    });
    expect([foo.status, foo.body.error.details.fields[0].field]).toEqual([422, "foo"]);
    const set = await node.http("PUT", settingsPath, { token: tokens.admin, body: { strikeLimit: 3 } });
    expect(set.status).toBe(200);
    const stored = (await node.app.models.Hospital.findByPk(hospitalId))?.queueSettings ?? {};
    expect(Object.keys(stored).sort()).toEqual(
      [
        "defaultServiceMinutes",
        "deskSharePercent",
        "noShowAfterMinutes",
        "notifyPosition",
        "strikeLimit",
      ].sort(),
    );
  });

  test("query strings are held to the same list", async () => {
    const res = await node.http("GET", "/api/v1/hospitals?q=소아&role=admin");
    expect([res.status, res.body.error.details.fields[0].field]).toEqual([422, "role"]);
  });
});
