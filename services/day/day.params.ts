/**
 * Validation schemas of the day service's actions. Every queue command has
 * its own schema, so an unknown command or a stray field is a 422 naming it,
 * never a 500 from inside the actor.
 */
import { idParam } from "../../platform/params";

export const dayKeyParam = {
  type: "string",
  pattern: /^[1-9][0-9]{0,9}:[0-9]{4}-[0-9]{2}-[0-9]{2}$/,
} as const;

export const callerParam = {
  type: "object",
  strict: true,
  props: {
    accountId: idParam,
    role: { type: "enum", values: ["patient", "staff", "admin"] },
    hospitalId: { type: "number", integer: true, nullable: true, optional: true },
  },
} as const;

/** The client's Idempotency-Key (or a request id) with the hash of what it asked. */
export const requestKeyParam = {
  type: "object",
  optional: true,
  strict: true,
  props: { accountId: idParam, key: { type: "string", min: 1, max: 80 }, hash: { type: "string", max: 64 } },
} as const;

const ticketId = { type: "string", min: 1, max: 40 } as const;
const nullableDoctor = { type: "number", integer: true, positive: true, nullable: true } as const;
const command = (type: string, props: Record<string, unknown>) => ({
  type: "object",
  strict: true,
  props: { type: { type: "equal", value: type }, caller: callerParam, ...props },
});

export const QUEUE_COMMAND_PARAMS = {
  type: "multi",
  rules: [
    command("takeTicket", {
      patientId: idParam,
      accountId: idParam,
      channel: { type: "enum", values: ["app", "desk"] },
      doctorId: nullableDoctor,
    }),
    command("cancelTicket", { ticketId }),
    command("callNext", { doctorId: nullableDoctor }),
    command("recall", { ticketId }),
    command("finish", { ticketId, outcome: { type: "enum", values: ["done", "no_show"] } }),
    command("forgive", { patientId: idParam }),
  ],
} as const;
