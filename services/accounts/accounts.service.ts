import type { Context, ServiceSchema } from "moleculer";
import { QueryTypes, UniqueConstraintError } from "sequelize";
import type { Transaction } from "sequelize";
import type { App } from "../../platform/app";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import type { Role } from "../../platform/db/models";
import { badInput, conflict, notFound, unauthorized } from "../../platform/errors";
import { dateParam, emailParam, idParam, nameParam, normalizeEmail, setStatus } from "../../platform/params";
import { LoginThrottle, MemoryAttemptStore } from "./login-throttle";
import type { AttemptStore } from "./login-throttle";
import { ACCOUNT_CHANGED } from "./account-events";
import type { AccountChanged } from "./account-events";
import { passwordParam } from "./password-policy";
import { hashPassword, verifyPassword } from "./passwords";
import { RedisAttemptStore } from "./redis-attempts";
import { signToken } from "./tokens";
import { changesSince, recordChange } from "./account-changes";

interface SignupParams {
  email: string;
  password: string;
  name: string;
  phone: string;
  birthDate: string;
}

/** The caller's address, as the gateway saw it (absent for internal callers). */
type LoginMeta = { clientAddress?: string };

/** Failure counters shared by every node where Redis is configured, else this process's own. */
const attemptStore = (app: App): AttemptStore =>
  app.config.redisUrl
    ? new RedisAttemptStore(app.config.redisUrl, `${app.config.namespace}:accounts`)
    : new MemoryAttemptStore(() => app.now().getTime());

/** Sign-up, sign-in, account changes and the ledger gateways judge tokens by. */
export function accountsService(app: App): ServiceSchema {
  const { User, Patient } = app.models;
  const store = attemptStore(app);
  const throttle = new LoginThrottle(store);

  /**
   * Applies a change to an account (`apply` answers how many rows it touched) and raises its
   * ledger version in one transaction, then tells every gateway: its older tokens stop working.
   */
  async function changeAccount(
    ctx: Context,
    id: number,
    deleted: boolean,
    apply: (transaction: Transaction) => Promise<number>,
  ): Promise<void> {
    const change = await app.sequelize.transaction(async (transaction) => {
      if ((await apply(transaction)) === 0) throw notFound("User", id);
      return recordChange(app.sequelize, { accountId: id, deleted, now: app.clock.now() }, transaction);
    });
    await ctx.broadcast(ACCOUNT_CHANGED, change satisfies AccountChanged);
  }
  return {
    name: "accounts",
    async stopped() {
      await store.close();
    },
    actions: {
      /** Creates a patient account and its "self" patient profile. */
      signup: {
        params: {
          $$strict: true,
          email: emailParam,
          password: passwordParam,
          name: nameParam(60),
          phone: { type: "string", trim: true, pattern: /^\+?[0-9-]{8,20}$/ },
          birthDate: dateParam,
        },
        async handler(ctx: Context<SignupParams>) {
          const { email, password, name, phone, birthDate } = ctx.params;
          if (birthDate > app.now().toISOString().slice(0, 10)) {
            throw badInput("birthDate", "The 'birthDate' field cannot be in the future.");
          }
          if (await User.findOne({ where: { email }, attributes: ["id"] })) throw emailTaken();
          const passwordHash = await hashPassword(password);
          try {
            const id = await app.sequelize.transaction(async (transaction) => {
              const user = await User.create(
                { email, passwordHash, name, phone, birthDate, role: "patient", hospitalId: null },
                { transaction },
              );
              const userId = user.id;
              await Patient.create({ accountId: userId, name, birthDate, relation: "self" }, { transaction });
              return userId;
            });
            setStatus(ctx, 201, "/api/v1/me");
            return { id: String(id) };
          } catch (err) {
            // Two sign-ups racing for one email: the unique index decides.
            if (err instanceof UniqueConstraintError) throw emailTaken();
            throw err;
          }
        },
      },

      /**
       * A token for a right email and password. Unknown emails cost the same as
       * wrong passwords (a decoy hash is verified), and a blocked email or
       * address is refused before any hash is checked (429, API.md "Accounts").
       */
      login: {
        idempotent: true,
        params: {
          $$strict: true,
          email: { type: "string", min: 1, max: 190 },
          password: { type: "string", min: 1, max: 128 },
        },
        async handler(ctx: Context<{ email: string; password: string }, LoginMeta>) {
          const email = normalizeEmail(ctx.params.email);
          const address = ctx.meta.clientAddress ?? "internal";
          await throttle.check(email, address);
          const user = await User.findOne({ where: { email } });
          const ok = await verifyPassword(user?.get("passwordHash") ?? null, ctx.params.password);
          if (!user || !ok) {
            await throttle.failed(email, address);
            throw unauthorized("INVALID_CREDENTIALS", "Email or password is wrong.");
          }
          await throttle.succeeded(email);
          // Role, hospital, own patient and ledger version read together: the token states one moment.
          const account = await resolveAccount(app, user.id);
          if (!account) throw unauthorized("INVALID_CREDENTIALS", "Email or password is wrong.");
          const { role, hospitalId, patientId, version } = account;
          const token = signToken(
            {
              sub: String(user.id),
              role,
              ...(role === "staff" && hospitalId ? { hid: hospitalId } : {}),
              ...(patientId ? { pid: patientId } : {}),
              ver: version,
            },
            app.jwtSecret,
            app.config.jwtTtlSeconds,
          );
          return { token, expiresIn: app.config.jwtTtlSeconds };
        },
      },

      /**
       * The user behind a token with its own patient, or null when the account no longer exists.
       * Called by a gateway that cannot vouch for a token from the change ledger (see changesSince).
       */
      resolve: {
        idempotent: true,
        visibility: "public",
        params: { $$strict: true, id: idParam },
        handler: (ctx: Context<{ id: number }>): Promise<AuthUser | null> =>
          resolveAccount(app, ctx.params.id),
      },

      /**
       * The account changes recorded since `since` (ms): gateways keep the ledger in memory and
       * accept a token's own claims unless its account changed after the token was issued.
       */
      changesSince: {
        idempotent: true,
        visibility: "public",
        params: { $$strict: true, since: { type: "number", integer: true, min: 0 } },
        handler: (ctx: Context<{ since: number }>) => changesSince(app.sequelize, ctx.params.since),
      },

      /**
       * Changes an account's role (and the hospital staff belong to). Every gateway forgets what
       * it remembered of the account, so its old tokens are refused on the next request.
       */
      changeRole: {
        visibility: "public",
        params: { $$strict: true, id: idParam, role: roleParam, hospitalId: { ...idParam, optional: true } },
        async handler(ctx: Context<{ id: number; role: Role; hospitalId?: number }>) {
          const { id, role, hospitalId } = ctx.params;
          if (role === "staff" && hospitalId === undefined)
            throw badInput("hospitalId", "Staff belong to a hospital: 'hospitalId' is required.");
          await changeAccount(ctx, id, false, async (transaction) => {
            // Found, not "changed": MariaDB counts a row set to what it already held as unchanged.
            const user = await User.findByPk(id, { transaction });
            await user?.update(
              { role, hospitalId: role === "staff" ? (hospitalId ?? null) : null },
              { transaction },
            );
            return user ? 1 : 0;
          });
          return { id: String(id), role, hospitalId: role === "staff" ? hospitalId : null };
        },
      },

      /**
       * Deletes an account; its tokens are refused on every node from then on. Its patient rows
       * stay: appointments and the access log refer to them (medical records outlive accounts).
       */
      remove: {
        visibility: "public",
        params: { $$strict: true, id: idParam },
        async handler(ctx: Context<{ id: number }>) {
          const { id } = ctx.params;
          await changeAccount(ctx, id, true, (transaction) => User.destroy({ where: { id }, transaction }));
          return { id: String(id), removed: true };
        },
      },

      /** Where to reach an account holder (notifications). */
      contact: {
        visibility: "public",
        idempotent: true,
        params: { id: idParam },
        async handler(ctx: Context<{ id: number }>) {
          const user = await User.findByPk(ctx.params.id, { attributes: ["id", "phone"] });
          return { phone: user?.phone ?? "" };
        },
      },

      /** The signed-in user's account and the patients (self and family) they may book for. */
      me: {
        idempotent: true,
        params: { $$strict: true },
        async handler(ctx: Context<unknown, AuthMeta>) {
          const caller = requireUser(ctx);
          const user = await User.findByPk(caller.id);
          if (!user) throw notFound("User", caller.id);
          const patients = await Patient.findAll({ where: { accountId: caller.id }, order: [["id", "ASC"]] });
          return {
            id: String(user.id),
            email: user.email,
            name: user.name,
            phone: user.phone,
            role: user.role,
            hospitalId: user.hospitalId,
            patients: patients.map((p) => ({
              id: p.id,
              name: p.name,
              birthDate: p.birthDate,
              relation: p.relation,
            })),
          };
        },
      },
    },
  };
}

const roleParam = { type: "enum", values: ["patient", "staff", "admin"] } as const;

/** One query for the account, its "self" patient (staff and admins usually have none) and its ledger version. */
async function resolveAccount(app: App, id: number): Promise<(AuthUser & { version: number }) | null> {
  const [row] = await app.sequelize.query<{
    role: Role;
    hospital_id: number | null;
    patient_id: number | null;
    version: number | null;
  }>(
    `SELECT u.role, u.hospital_id, p.id AS patient_id, c.version FROM users u
       LEFT JOIN patients p ON p.account_id = u.id AND p.relation = 'self'
       LEFT JOIN account_changes c ON c.account_id = u.id
      WHERE u.id = ? ORDER BY p.id LIMIT 1`,
    { replacements: [id], type: QueryTypes.SELECT },
  );
  if (!row) return null;
  const hospitalId = row.hospital_id === null ? null : Number(row.hospital_id);
  return {
    id,
    role: row.role,
    hospitalId,
    patientId: row.patient_id === null ? null : Number(row.patient_id),
    version: Number(row.version ?? 0),
  };
}

const emailTaken = () => conflict("EMAIL_TAKEN", "An account with this email already exists.");
