/**
 * A node restarted under the same NODE_ID before anyone noticed it was gone
 * never counts as disconnected: its new instance just updates the registry,
 * and the calls still waiting on the dead instance would wait out their whole
 * timeout. When a node id comes back with a new instanceID, those calls are
 * rejected at once (RequestRejectedError, retryable where the action is
 * idempotent).
 */
import type { Middleware, ServiceBroker } from "moleculer";

interface NodeEvent {
  node: { id: string; instanceID: string | null; local?: boolean };
}

export function failCallsToReplacedInstances(): Middleware {
  const instances = new Map<string, string>();
  return {
    name: "FailCallsToReplacedInstances",
    created(broker: ServiceBroker) {
      const seen = ({ node }: NodeEvent) => {
        if (node.local || !node.instanceID) return;
        const before = instances.get(node.id);
        instances.set(node.id, node.instanceID);
        if (before === undefined || before === node.instanceID) return;
        // Every request pending for this id went to the old instance: the new one just announced itself.
        broker.logger.warn(`Node '${node.id}' restarted; failing the calls its old instance held.`);
        broker.transit?.removePendingRequestByNodeID(node.id);
      };
      broker.localBus.on("$node.connected", seen);
      broker.localBus.on("$node.updated", seen);
    },
  };
}
