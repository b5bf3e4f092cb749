/** The caller as the gateway resolved it into `ctx.meta.user`, and the checks actions make on it. */
import type { Context } from "moleculer";
import { forbidden, unauthorized } from "./errors";
import type { Role } from "./db/models";

export interface AuthUser {
  id: number;
  role: Role;
  /** Set for staff: the one hospital whose data they may see. */
  hospitalId: number | null;
  /**
   * The account's own ("self") patient, when the gateway resolved it with the
   * account: a booking for oneself then needs no lookup of its own.
   */
  patientId?: number | null;
}

export interface AuthMeta {
  user?: AuthUser | null;
}

/** The signed-in caller, or 401. */
export function requireUser(ctx: Context<unknown, AuthMeta>): AuthUser {
  const user = ctx.meta.user;
  if (!user) throw unauthorized("AUTH_REQUIRED", "Sign in first: send Authorization: Bearer <token>.");
  return user;
}

/** Staff may act only on their own hospital; admins on any. */
export function assertHospitalStaff(user: AuthUser, hospitalId: number): void {
  if (user.role === "admin") return;
  if (user.role === "staff" && user.hospitalId === hospitalId) return;
  throw forbidden(`Only staff of hospital ${hospitalId} may do this.`, "WRONG_HOSPITAL");
}
