/**
 * Fuzzing the route table (issue 13): random paths, query strings, bodies and
 * headers, as anyone or any role. Whatever arrives, the answer is never a 5xx,
 * and a refused request (4xx) leaves every data row as it was.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { createDoctor, createHospital, createUser } from "../../test/support/fixtures";
import { dataDigest } from "../../test/support/row-counts";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { API_ROUTES } from "./routes";

// Tuesday 2026-11-24, 09:30 in Seoul: reception is open, bookings are possible.
const MORNING = "2026-11-24T00:30:00Z";
const FIELDS = [
  "email",
  "password",
  "name",
  "phone",
  "birthDate",
  "relation",
  "hospitalId",
  "doctorId",
  "date",
  "start",
  "patientId",
  "couponCode",
  "q",
  "lat",
  "lng",
  "page",
  "size",
  "holidays",
  "sessions",
  "leaveDays",
  "deskSharePercent",
  "strikeLimit",
  "discount",
  "quantity",
  "id",
  "accountId",
  "role",
  "createdAt",
];
const NASTY = [
  "0",
  "-1",
  "0x10",
  "1e3",
  "99999999999999999999",
  "%00",
  "..",
  "%2e%2e%2f",
  "null",
  "[]",
  "{}",
];

describe("fuzzing the route table", () => {
  let node: TestNode;
  const ids: string[] = [];
  const tokens: (string | undefined)[] = [undefined];

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(MORNING);
    const hospital = await createHospital(node.app);
    const doctor = await createDoctor(node.app, hospital.id);
    const patient = await createUser(node, "patient");
    await node.app.models.Patient.create({
      accountId: patient.user.id,
      name: "김환자",
      birthDate: "1990-01-01",
      relation: "self",
    });
    const booked = await node.http("POST", "/api/v1/appointments", {
      token: patient.token,
      body: { hospitalId: hospital.id, doctorId: doctor.id, date: "2026-11-25", start: "09:00" },
    });
    expect(booked.status).toBe(201);
    ids.push(String(hospital.id), String(doctor.id), booked.body.id, randomUUID());
    tokens.push(
      patient.token,
      (await createUser(node, "staff", hospital.id)).token,
      (await createUser(node, "admin")).token,
    );
  });
  afterAll(() => node.close());

  test("no 5xx, and no row changed by a refused request", async () => {
    // Built here: the pools hold ids made in beforeAll.
    const printable = fc.string({ unit: "binary", maxLength: 12 });
    const pathValue = fc.oneof(
      fc.constantFrom(...ids),
      fc.constantFrom(...NASTY),
      printable.map(encodeURIComponent),
      fc.integer().map(String),
    );
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), printable, fc.constantFrom(...NASTY, ...ids));
    const query = fc.dictionary(
      fc.oneof(fc.constantFrom(...FIELDS), printable),
      fc.oneof(printable, fc.array(printable, { maxLength: 2 })),
      { maxKeys: 4 },
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }).map((b) => JSON.stringify(b)),
      fc.jsonValue({ maxDepth: 3 }).map((b) => JSON.stringify(b)),
      printable,
    );
    const header = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
    const headers = fc.record(
      {
        "content-type": fc.constantFrom(
          "application/json",
          "text/plain",
          "application/json; charset=latin1",
          "application/json; charset=x-nope",
          "application/x-www-form-urlencoded",
        ),
        "content-encoding": fc.constantFrom("gzip", "deflate", "br", "identity", "x-nope"),
        "idempotency-key": header,
        authorization: fc.oneof(header, fc.constantFrom("Bearer ", "Bearer a.b.c", "Basic Zm9vOmJhcg==")),
        accept: header,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(API_ROUTES)),
        fc.array(pathValue, { minLength: 2, maxLength: 2 }),
        query,
        body,
        headers,
        fc.constantFrom(...tokens.keys()),
        async (route, [a, b], q, payload, extra, who) => {
          const [method, template] = route.split(" ");
          let n = 0;
          const path = template.replace(/:\w+/g, () => (n++ === 0 ? a : b));
          const search = new URLSearchParams();
          for (const [k, v] of Object.entries(q)) for (const one of [v].flat()) search.append(k, one);
          const token = tokens[who];
          const sent: Record<string, string> = { ...extra };
          if (token && !sent.authorization) sent.authorization = `Bearer ${token}`;
          const before = await dataDigest(node.app.sequelize);
          const res = await fetch(`${node.baseUrl}/api/v1${path}?${search.toString()}`, {
            method,
            headers: sent,
            body: method === "GET" ? undefined : payload,
          });
          await res.arrayBuffer();
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(await dataDigest(node.app.sequelize)).toBe(before);
        },
      ),
      { numRuns: 1000, interruptAfterTimeLimit: 25_000 },
    );
  });
});
