/**
 * The gateway's account cache on two nodes (Fake transporter, one database):
 * a role change or a deletion made through the accounts service is refused
 * on the next request on every node; a change written around the service is
 * refused once the TTL has run out.
 */
import crypto from "node:crypto";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createHospital, createUser } from "../../test/support/fixtures";

describe("account cache across nodes", () => {
  let a: TestNode;
  let b: TestNode;
  let hospitalId: number;

  beforeAll(async () => {
    const namespace = `acct-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
    a = await startTestNode({ namespace, transporter: "Fake", nodeId: `${namespace}-a` });
    b = await startTestNode({ namespace, transporter: "Fake", nodeId: `${namespace}-b`, dbUrl: a.db.url });
    hospitalId = (await createHospital(a.app)).id;
    // Discovery over the transporter is asynchronous: wait until each node sees the other.
    const sees = (x: TestNode, y: TestNode) =>
      x.broker.registry.nodes
        .list({ onlyAvailable: true })
        .some((n: { id: string }) => n.id === y.broker.nodeID);
    for (let i = 0; i < 100 && !(sees(a, b) && sees(b, a)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(sees(a, b) && sees(b, a)).toBe(true);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const me = (node: TestNode, token: string) => node.http("GET", "/api/v1/me", { token });
  /** Both gateways have the account in memory. */
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
    // A token for the new role works.
    const fresh = a.tokenFor({ sub: String(staff.user.id), role: "patient" });
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

  test("a change written around the service is refused once the TTL runs out", async () => {
    const patient = await createUser(a, "patient");
    const mine = (node: TestNode) => node.http("GET", "/api/v1/me/appointments", { token: patient.token });
    for (const node of [a, b]) expect((await mine(node)).status).toBe(200);
    await patient.user.destroy();
    // No event told the gateways: each trusts its memory until the TTL says otherwise.
    for (const node of [a, b]) expect((await mine(node)).status).toBe(200);
    for (const node of [a, b]) node.advance(a.app.config.accountCacheTtlMs + 1);
    for (const node of [a, b]) expect((await mine(node)).status).toBe(401);
  });
});
