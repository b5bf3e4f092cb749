import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { badInput, notFound, unprocessable } from "../../platform/errors";
import type { PatientModel, Relation } from "../../platform/db/models";
import { dateParam, idParam, optionalIdParam, setStatus } from "../../platform/params";

/** Most family members one account may book for; generous for a family, small enough to stop abuse. */
const MAX_FAMILY = 10;

/** The people an account books for: its holder ("self") and family members (a parent books for a child). */
export function patientsService(app: App): ServiceSchema {
  const { Patient } = app.models;
  const view = (p: PatientModel) => ({
    id: p.id,
    name: p.name,
    birthDate: p.birthDate,
    relation: p.relation,
  });
  return {
    name: "patients",
    actions: {
      listMine: {
        idempotent: true,
        async handler(ctx: Context<unknown, AuthMeta>) {
          const user = requireUser(ctx);
          const rows = await Patient.findAll({ where: { accountId: user.id }, order: [["id", "ASC"]] });
          return { items: rows.map(view), total: rows.length };
        },
      },

      /** The patient an account books for: itself by default, or one of its family members. */
      ofAccount: {
        visibility: "public",
        idempotent: true,
        params: { accountId: idParam, patientId: optionalIdParam },
        async handler(ctx: Context<{ accountId: number; patientId?: number }>) {
          const { accountId, patientId } = ctx.params;
          const where = patientId ? { accountId, id: patientId } : { accountId, relation: "self" as const };
          const patient = await Patient.findOne({ where, attributes: ["id"] });
          if (!patient) {
            throw patientId
              ? notFound("Patient", patientId)
              : unprocessable("NO_PATIENT", "This account has no patient profile.");
          }
          return { id: patient.id };
        },
      },

      /** A walk-in or phone patient registered at the desk, kept under the registering staff account. */
      registerWalkIn: {
        visibility: "public",
        params: {
          accountId: idParam,
          name: { type: "string", trim: true, min: 1, max: 60 },
          birthDate: dateParam,
        },
        async handler(ctx: Context<{ accountId: number; name: string; birthDate: string }>) {
          const { accountId, name, birthDate } = ctx.params;
          const patient = await Patient.create({ accountId, name, birthDate, relation: "other" });
          return { id: patient.id };
        },
      },

      addFamilyMember: {
        params: {
          name: { type: "string", trim: true, min: 1, max: 60 },
          birthDate: dateParam,
          relation: { type: "enum", values: ["child", "parent", "spouse", "other"] },
        },
        async handler(ctx: Context<{ name: string; birthDate: string; relation: Relation }, AuthMeta>) {
          const user = requireUser(ctx);
          if (ctx.params.birthDate > app.now().toISOString().slice(0, 10)) {
            throw badInput("birthDate", "The 'birthDate' field cannot be in the future.");
          }
          const count = await Patient.count({ where: { accountId: user.id } });
          if (count > MAX_FAMILY) {
            throw unprocessable("FAMILY_LIMIT", `An account may hold at most ${MAX_FAMILY} family members.`);
          }
          const patient = await Patient.create({ accountId: user.id, ...ctx.params });
          setStatus(ctx, 201, "/api/v1/me/patients");
          return view(patient);
        },
      },
    },
  };
}
