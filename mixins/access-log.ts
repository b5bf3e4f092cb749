/**
 * 개인정보 열람 기록 from the services that show patients' data to staff: one
 * call records that the caller read or changed the data of some patients
 * (patients' own reads are not recorded), and staff lists get the patients'
 * names and ages through the same call, so a list that shows people is
 * always a logged list. The rows live with the patients (`patients.recordAccess`).
 */
import type { Context } from "moleculer";
import type { AuthUser } from "../platform/auth";

/** Whose data: the account holding it, and the patient (self or family member) if known. */
export interface AccessSubject {
  accountId: number;
  patientId: number | null;
}

export interface PatientCard {
  name: string;
  /** Full years on the day the list is for. */
  age: number | null;
}

/** Records one access per subject; a no-op for patients and for staff's own desk registrations. */
export async function recordAccess(
  ctx: Context,
  actor: AuthUser,
  what: { action: string; resource: string },
  subjects: readonly AccessSubject[],
): Promise<void> {
  if (actor.role === "patient") return;
  const seen = new Set<string>();
  const entries = subjects
    .filter((s) => s.accountId !== actor.id)
    .filter((s) => {
      const key = `${s.accountId}:${s.patientId ?? ""}`;
      return !seen.has(key) && seen.add(key);
    })
    .map((s) => ({
      accountId: s.accountId,
      patientId: s.patientId,
      actor: { accountId: actor.id, role: actor.role, hospitalId: actor.hospitalId },
      ...what,
    }));
  if (entries.length > 0) await ctx.call("patients.recordAccess", { entries });
}

/**
 * The names and ages of a staff list's patients, by patient id, with the view
 * recorded for each of them.
 */
export async function patientCards(
  ctx: Context,
  actor: AuthUser,
  what: { action: string; resource: string; date: string },
  patientIds: readonly number[],
): Promise<Map<number, PatientCard>> {
  const ids = [...new Set(patientIds)];
  if (ids.length === 0) return new Map();
  const people = await ctx.call<
    { id: number; accountId: number; name: string; birthDate: string | null }[],
    object
  >("patients.describe", { ids });
  await recordAccess(
    ctx,
    actor,
    { action: what.action, resource: what.resource },
    people.map((p) => ({ accountId: p.accountId, patientId: p.id })),
  );
  return new Map(people.map((p) => [p.id, { name: p.name, age: ageOn(p.birthDate, what.date) }]));
}

/** Full years between a birth date and a date, both YYYY-MM-DD. */
export function ageOn(birthDate: string | null, date: string): number | null {
  if (!birthDate) return null;
  const [by, bm, bd] = birthDate.split("-").map(Number);
  const [y, m, d] = date.split("-").map(Number);
  const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  return age >= 0 ? age : null;
}
