/** What the day's pure logic shares: who is asking, and how a command is refused. */

export interface Caller {
  accountId: number;
  role: "patient" | "staff" | "admin";
  hospitalId: number | null;
}

/** A refused command: a stable code and HTTP status, mapped to a Moleculer error at the service edge. */
export class DecisionError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DecisionError";
  }
}

/** Staff of this hospital and admins; patients too when `ownerId` is theirs. */
export function assertMayAct(hospitalId: number, caller: Caller, ownerId: number | null): void {
  if (caller.role === "admin") return;
  if (caller.role === "staff" && caller.hospitalId === hospitalId) return;
  if (ownerId !== null && caller.role === "patient" && caller.accountId === ownerId) return;
  throw new DecisionError(403, "FORBIDDEN", "You may not change this.");
}
