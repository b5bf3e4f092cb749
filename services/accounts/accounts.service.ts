import type { Context, ServiceSchema } from "moleculer";
import { UniqueConstraintError } from "sequelize";
import type { App } from "../../platform/app";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { badInput, conflict, notFound, unauthorized } from "../../platform/errors";
import { dateParam, idParam, setStatus } from "../../platform/params";
import { hashPassword, verifyPassword } from "./passwords";
import { signToken } from "./tokens";

interface SignupParams {
  email: string;
  password: string;
  name: string;
  phone: string;
  birthDate: string;
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Sign-up, sign-in and the user lookup the gateway makes for every token. */
export function accountsService(app: App): ServiceSchema {
  const { User, Patient } = app.models;
  return {
    name: "accounts",
    actions: {
      /** Creates a patient account and its "self" patient profile. */
      signup: {
        params: {
          email: { type: "email", max: 190 },
          password: { type: "string", min: 8, max: 128 },
          name: { type: "string", trim: true, min: 1, max: 60 },
          phone: { type: "string", trim: true, pattern: /^\+?[0-9-]{8,20}$/ },
          birthDate: dateParam,
        },
        async handler(ctx: Context<SignupParams>) {
          const { password, name, phone, birthDate } = ctx.params;
          const email = normalizeEmail(ctx.params.email);
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

      login: {
        idempotent: true,
        params: {
          email: { type: "string", min: 1, max: 190 },
          password: { type: "string", min: 1, max: 128 },
        },
        async handler(ctx: Context<{ email: string; password: string }>) {
          const user = await User.findOne({ where: { email: normalizeEmail(ctx.params.email) } });
          const ok = await verifyPassword(user?.get("passwordHash") ?? null, ctx.params.password);
          if (!user || !ok) throw unauthorized("INVALID_CREDENTIALS", "Email or password is wrong.");
          const role = user.role;
          const hospitalId = user.hospitalId;
          const token = signToken(
            { sub: String(user.id), role, ...(role === "staff" && hospitalId ? { hid: hospitalId } : {}) },
            app.jwtSecret,
            app.config.jwtTtlSeconds,
          );
          return { token, expiresIn: app.config.jwtTtlSeconds };
        },
      },

      /** The user behind a token, or null when the account no longer exists. Called by the gateway. */
      resolve: {
        idempotent: true,
        visibility: "public",
        params: { id: idParam },
        async handler(ctx: Context<{ id: number }>): Promise<AuthUser | null> {
          const user = await User.findByPk(ctx.params.id, { attributes: ["id", "role", "hospitalId"] });
          return user ? { id: user.id, role: user.role, hospitalId: user.hospitalId } : null;
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

const emailTaken = () => conflict("EMAIL_TAKEN", "An account with this email already exists.");
