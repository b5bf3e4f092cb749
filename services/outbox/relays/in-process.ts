/**
 * The embedded transport: outbox messages go out on the Moleculer bus (and so
 * through the transporter to other nodes, when there is one).
 */
import type { ServiceBroker } from "moleculer";
import type { OutboxMessage } from "../outbox";
import { OutboxPublishError } from "./transport";
import type { OutboxTransport, TransportContext } from "./transport";

/**
 * Queue events are broadcast: every gateway node pushes them to the browsers
 * connected to it (consumers dedupe what must happen once). Other events go to
 * one instance of each interested service as `day.<type>`. `throwError` makes
 * a transporter that refuses the event fail the publish, so it is retried
 * instead of lost (Moleculer swallows it otherwise).
 */
export function dispatchOnBus(broker: ServiceBroker, message: OutboxMessage): Promise<void> {
  return message.type.startsWith("queue.")
    ? broker.broadcast(message.type, message, { throwError: true })
    : broker.emit(`day.${message.type}`, message, { throwError: true });
}

/** Publishes one message at a time, so a failure says exactly how many went out. */
export function inProcessTransport({ broker }: Pick<TransportContext, "broker">): OutboxTransport {
  return {
    async publish(messages) {
      for (const [i, m] of messages.entries()) {
        try {
          await dispatchOnBus(broker, m);
        } catch (err) {
          throw new OutboxPublishError(i, err);
        }
      }
    },
  };
}
