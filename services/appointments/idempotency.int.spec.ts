/**
 * `Idempotency-Key` on booking and cancelling (API.md "Retries"): the same key
 * from the same user with the same body gets the first answer again — status
 * and body — and changes nothing more; another body under the key is refused.
 */
import { QueryTypes } from "sequelize";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital, createPatients } from "../../test/support/fixtures";

const NOW = "2026-11-22T23:00:00Z"; // Monday 08:00 in Seoul
const DAY = "2026-11-24";

describe("Idempotency-Key on appointments", () => {
  let node: TestNode;
  let hospitalId: number;
  let doctorId: number;
  let patients: { userId: number; token: string }[];

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(NOW);
    hospitalId = (await createHospital(node.app)).id;
    doctorId = (await createDoctor(node.app, hospitalId)).id; // weekdays 09:00–12:00, 30 min, 2 seats
    patients = await createPatients(node, 30);
  });
  afterAll(() => node.close());

  const book = (token: string, key: string | null, body: Record<string, unknown>) =>
    node.http("POST", "/api/v1/appointments", {
      token,
      body: { hospitalId, doctorId, date: DAY, ...body },
      headers: key === null ? {} : { "idempotency-key": key },
    });
  const rowsOf = async (accountId: number) =>
    node.app.sequelize.query<{ id: string }>("SELECT id FROM appointments WHERE account_id = ?", {
      replacements: [accountId],
      type: QueryTypes.SELECT,
    });

  test("a retry gets the first answer again and books nothing more", async () => {
    const [p] = patients;
    const first = await book(p.token, "retry-1", { start: "09:00" });
    expect(first.status).toBe(201);
    const again = await book(p.token, "retry-1", { start: "09:00" });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await rowsOf(p.userId)).toHaveLength(1);
  });

  test("without a key, the retry learns only ALREADY_BOOKED; with another body, the key is refused", async () => {
    const [p] = patients;
    expect((await book(p.token, null, { start: "09:00" })).body.error.code).toBe("ALREADY_BOOKED");
    const reused = await book(p.token, "retry-1", { start: "09:30" });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await rowsOf(p.userId)).toHaveLength(1);
  });

  test("a refusal is replayed as it was, even after the seat frees up", async () => {
    const [, a, b, c] = patients;
    expect((await book(a.token, "fill-a", { start: "10:00" })).status).toBe(201);
    const filled = await book(b.token, "fill-b", { start: "10:00" });
    const full = await book(c.token, "late-c", { start: "10:00" });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe("SLOT_FULL");
    const cancelled = await node.http("POST", `/api/v1/appointments/${filled.body.id}/cancel`, {
      token: b.token,
    });
    expect(cancelled.status).toBe(200);
    const replayed = await book(c.token, "late-c", { start: "10:00" });
    expect(replayed.status).toBe(409);
    expect(replayed.body).toEqual(full.body);
    expect(await rowsOf(c.userId)).toHaveLength(0);
  });

  test("a race of identical requests books once and every one gets the same answer", async () => {
    const p = patients[5];
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => book(p.token, "race-1", { start: "11:00" })),
    );
    expect(answers.map((a) => a.status)).toEqual(new Array(12).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await rowsOf(p.userId)).toHaveLength(1);
  });

  test("keys are per user, and cancel replays its answer", async () => {
    const [, , , , x, , y] = patients;
    const mine = await book(x.token, "shared-key", { start: "11:30" });
    const theirs = await book(y.token, "shared-key", { start: "11:30" });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    const cancel = () =>
      node.http("POST", `/api/v1/appointments/${mine.body.id}/cancel`, {
        token: x.token,
        headers: { "idempotency-key": "cancel-1" },
      });
    const first = await cancel();
    const second = await cancel();
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const plain = await node.http("POST", `/api/v1/appointments/${mine.body.id}/cancel`, { token: x.token });
    expect(plain.body.error.code).toBe("NOT_CANCELLABLE");
  });

  test("a malformed key is a 422 naming the header, and nothing is booked", async () => {
    const p = patients[10];
    for (const key of ["", "a".repeat(65), "no spaces", "dots.are.out", "slash/no"]) {
      const res = await book(p.token, key, { start: "09:30" });
      expect(res.status).toBe(422);
      expect(res.body.error.details.fields[0].field).toBe("Idempotency-Key");
    }
    expect(await rowsOf(p.userId)).toHaveLength(0);
  });
});
