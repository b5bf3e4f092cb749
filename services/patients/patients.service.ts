import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { badInput, notFound, unprocessable } from "../../platform/errors";
import type { PatientModel, Relation } from "../../platform/db/models";
import {
  dateParam,
  idParam,
  nameParam,
  optionalIdParam,
  pageParams,
  pageWindow,
  setStatus,
} from "../../platform/params";
import type { Page } from "../../platform/params";
import { accessOf, appendAccess } from "./access-log-store";
import type { AccessEntry } from "./access-log-store";

/** Most family members one account may book for; generous for a family, small enough to stop abuse. */
const MAX_FAMILY = 10;

const accessEntryParam = {
  type: "object",
  strict: true,
  props: {
    accountId: idParam,
    patientId: { ...optionalIdParam, nullable: true },
    actor: {
      type: "object",
      strict: true,
      props: {
        accountId: idParam,
        role: { type: "enum", values: ["patient", "staff", "admin"] },
        hospitalId: { ...optionalIdParam, nullable: true },
      },
    },
    action: { type: "string", min: 1, max: 40 },
    resource: { type: "string", min: 1, max: 160 },
  },
} as const;

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
        params: { $$strict: true },
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
        params: { $$strict: true, accountId: idParam, patientId: optionalIdParam },
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
        params: { $$strict: true, accountId: idParam, name: nameParam(60), birthDate: dateParam },
        async handler(ctx: Context<{ accountId: number; name: string; birthDate: string }>) {
          const { accountId, name, birthDate } = ctx.params;
          const patient = await Patient.create({ accountId, name, birthDate, relation: "other" });
          return { id: patient.id };
        },
      },

      /** Names and birth dates for staff views (the caller records the access, see mixins/access-log). */
      describe: {
        visibility: "public",
        idempotent: true,
        params: { $$strict: true, ids: { type: "array", items: idParam, max: 1000 } },
        async handler(ctx: Context<{ ids: number[] }>) {
          if (ctx.params.ids.length === 0) return [];
          const rows = await Patient.findAll({ where: { id: [...new Set(ctx.params.ids)] } });
          return rows.map((p) => ({
            id: p.id,
            accountId: p.accountId,
            name: p.name,
            birthDate: p.birthDate,
          }));
        },
      },

      /** Appends access-log entries (append-only: nothing updates or deletes them). */
      recordAccess: {
        visibility: "public",
        params: { $$strict: true, entries: { type: "array", items: accessEntryParam, max: 1000 } },
        async handler(ctx: Context<{ entries: AccessEntry[] }>) {
          await appendAccess(app.sequelize, app.now().getTime(), ctx.params.entries);
          return { recorded: ctx.params.entries.length };
        },
      },

      /** 개인정보 열람 기록: who (by role and hospital) read or changed the caller's patients' data. */
      accessLogMine: {
        idempotent: true,
        params: { $$strict: true, ...pageParams },
        async handler(ctx: Context<Page, AuthMeta>) {
          const user = requireUser(ctx);
          return accessOf(app.sequelize, user.id, pageWindow(ctx.params));
        },
      },

      /** Any account's access log, with the actors' account ids (admins; the gateway checks the role). */
      accessLog: {
        idempotent: true,
        params: { $$strict: true, accountId: idParam, ...pageParams },
        async handler(ctx: Context<Page & { accountId: number }>) {
          return accessOf(app.sequelize, ctx.params.accountId, pageWindow(ctx.params), true);
        },
      },

      addFamilyMember: {
        params: {
          $$strict: true,
          name: nameParam(60),
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
          // Named fields only: the row's owner is the caller, whatever else a body carries.
          const { name, birthDate, relation } = ctx.params;
          const patient = await Patient.create({ accountId: user.id, name, birthDate, relation });
          setStatus(ctx, 201, "/api/v1/me/patients");
          return view(patient);
        },
      },
    },
  };
}
