/**
 * Two in-process nodes of one cluster over one database, on Moleculer's Fake
 * transporter (in-memory): for what one node must tell the other (a
 * broadcast), without Redis.
 */
import crypto from "node:crypto";
import { startTestNode } from "./test-node";
import type { TestNode } from "./test-node";

export async function startNodePair(prefix: string): Promise<[TestNode, TestNode]> {
  const namespace = `${prefix}-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  const a = await startTestNode({ namespace, transporter: "Fake", nodeId: `${namespace}-a` });
  const b = await startTestNode({
    namespace,
    transporter: "Fake",
    nodeId: `${namespace}-b`,
    dbUrl: a.db.url,
  });
  // Discovery over the transporter is asynchronous: wait until each node sees the other.
  const sees = (x: TestNode, y: TestNode) =>
    x.broker.registry.nodes
      .list({ onlyAvailable: true })
      .some((n: { id: string }) => n.id === y.broker.nodeID);
  for (let i = 0; i < 100 && !(sees(a, b) && sees(b, a)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(sees(a, b) && sees(b, a))) throw new Error("The two test nodes never saw each other");
  return [a, b];
}
