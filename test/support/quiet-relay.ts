/** An outbox relay that publishes nothing: for specs that drive a day actor directly and watch only the database. */
import type { OutboxRelay } from "../../services/outbox/relays/transport";

export const quietRelay: OutboxRelay = {
  committed: () => undefined,
  sweep: () => Promise.resolve(0),
  drain: () => Promise.resolve(),
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};
