/**
 * The gateway's account ledger on two nodes (Fake transporter, one database):
 * a role change or a deletion made through the accounts service is refused
 * on the next request on every node; a change whose broadcast was missed is
 * refused once the gateways re-read the ledger; otherwise a token is taken at
 * its word, with no read of the account.
 */
import { startNodePair } from "../../test/support/node-pair";
import type { TestNode } from "../../test/support/test-node";
import { createHospital, createUser } from "../../test/support/fixtures";
import { recordChange } from "../accounts/account-changes";

describe("account ledger across nodes", () => {
  let a: TestNode;
  let b: TestNode;
  let hospitalId: number;

  beforeAll(async () => {
    [a, b] = await startNodePair("ledger");
    hospitalId = (await createHospital(a.app)).id;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const me = (node: TestNode, token: string) => node.http("GET", "/api/v1/me", { token });
  /** Both gateways take the token. */
  async function warm(token: string): Promise<void> {
    for (const node of [a, b]) expect((await me(node, token)).status).toBe(200);
  }

  test("a role change through the service: the old token is refused at once on both nodes", async () => {
    const staff = await createUser(a, "staff", hospitalId);
    await warm(staff.token);
    await b.broker.call("accounts.changeRole", { id: staff.user.id, role: "patient" });
    for (const node of [a, b]) {
      const res = await me(node, staff.token);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("ROLE_MISMATCH");
    }
    // A token issued after the change (at the ledger's new version) works.
    const fresh = a.tokenFor({ sub: String(staff.user.id), role: "patient", ver: 1 });
    expect((await me(b, fresh)).status).toBe(200);
  });

  test("a staff member moved to another hospital is refused with the old token on both nodes", async () => {
    const staff = await createUser(a, "staff", hospitalId);
    await warm(staff.token);
    const other = (await createHospital(a.app)).id;
    await a.broker.call("accounts.changeRole", { id: staff.user.id, role: "staff", hospitalId: other });
    for (const node of [a, b]) expect((await me(node, staff.token)).status).toBe(403);
  });

  test("a deleted account: the next request is refused on both nodes", async () => {
    const patient = await createUser(a, "patient");
    await warm(patient.token);
    await a.broker.call("accounts.remove", { id: patient.user.id });
    for (const node of [a, b]) {
      const res = await me(node, patient.token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("UNKNOWN_USER");
    }
  });

  test("a change whose broadcast never came is refused once the gateways re-read the ledger", async () => {
    const patient = await createUser(a, "patient");
    const mine = (node: TestNode) => node.http("GET", "/api/v1/me/appointments", { token: patient.token });
    for (const node of [a, b]) expect((await mine(node)).status).toBe(200);
    // Recorded as the accounts service records it, but nobody is told.
    await a.app.sequelize.transaction((transaction) =>
      recordChange(
        a.app.sequelize,
        { accountId: patient.user.id, deleted: true, now: a.app.clock.now() },
        transaction,
      ),
    );
    for (const node of [a, b]) expect((await mine(node)).status).toBe(200);
    for (const node of [a, b]) node.advance(a.app.config.accountSyncMs + 1);
    for (const node of [a, b]) expect(await eventually(async () => (await mine(node)).status, 401)).toBe(401);
  });

  test("a token is taken at its word: no read of the account per request", async () => {
    const patient = await createUser(a, "patient");
    // Removed behind the service's back (no ledger entry): only a read of the account could tell.
    await patient.user.destroy();
    for (const node of [a, b]) {
      // Until a gateway's first read of the ledger it asks the accounts service (401 here): wait that out.
      const status = await eventually(
        async () => (await node.http("GET", "/api/v1/me/appointments", { token: patient.token })).status,
        200,
      );
      expect(status).toBe(200);
    }
  });
});

/** Asks until `want` comes back (or gives up after a second) and answers the last value. */
async function eventually<T>(ask: () => Promise<T>, want: T): Promise<T> {
  let got = await ask();
  for (let i = 0; i < 50 && got !== want; i++) {
    await new Promise((r) => setTimeout(r, 20));
    got = await ask();
  }
  return got;
}
