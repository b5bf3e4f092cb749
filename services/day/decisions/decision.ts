/** What the day's pure logic shares: who is asking, and how a command is refused. */

export interface Caller {
  accountId: number;
  role: "patient" | "staff" | "admin";
  hospitalId: number | null;
}

/** A refused command: a stable code and HTTP status, mapped to a Moleculer error at the service edge. */
export class DecisionError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    // Without a stack, like ClientError: a refusal is an answer, and the busiest path (a full slot) refuses.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "DecisionError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** A refusal sent back as an answer (`day.book` with `refusalAsAnswer`), not thrown. */
export interface Refusal {
  refused: { status: number; code: string; message: string; details: Record<string, unknown> };
}

export const refusalOf = (err: DecisionError): Refusal => ({
  refused: { status: err.status, code: err.code, message: err.message, details: err.details },
});

/** Staff of this hospital and admins; patients too when `ownerId` is theirs. */
export function assertMayAct(hospitalId: number, caller: Caller, ownerId: number | null): void {
  if (caller.role === "admin") return;
  if (caller.role === "staff" && caller.hospitalId === hospitalId) return;
  if (ownerId !== null && caller.role === "patient" && caller.accountId === ownerId) return;
  throw new DecisionError(403, "FORBIDDEN", "You may not change this.");
}
