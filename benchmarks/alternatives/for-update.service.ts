import type { ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import { obviousBookingService } from "./obvious-booking";

/** Variant (b): the slot's counter row is locked with SELECT … FOR UPDATE for the whole transaction. */
export function forUpdateService(app: App): ServiceSchema {
  return obviousBookingService(app, {
    name: "benchForUpdate",
    book: (store, request) => store.book(request, { lockRow: true }),
  });
}
