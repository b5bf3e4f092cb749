/**
 * Reusable fastest-validator rules, so every action names a bad field the same
 * way (422 VALIDATION_ERROR with the field) before its handler runs.
 */
import { isValidClockTime, isValidDate } from "./time";

type Errors = { type: string; actual: unknown }[];

/*
 * Shared rules are `type: "custom"` with a `check`: fastest-validator treats a
 * rule object met twice in one schema ({hospitalId: idParam, doctorId: idParam})
 * as a cycle and skips a rule's `custom` function the second time, but always
 * runs a custom type's `check`.
 */

/**
 * A row id: a safe positive decimal integer, from a number or its plain decimal
 * spelling only. `Number()` alone would take `0x10` as 16 and
 * `99999999999999999999` as a float that names no row.
 */
export const idParam = {
  type: "custom",
  check: (value: unknown, errors: Errors): unknown => {
    // Absence is the `optional` flag's business.
    if (value === undefined || value === null) return value;
    const parsed = parseId(value);
    if (parsed === null) errors.push({ type: "id", actual: value });
    return parsed ?? value;
  },
  messages: { id: "The '{field}' field must be a positive whole number." },
} as const;
export const optionalIdParam = { ...idParam, optional: true } as const;

/** A positive safe integer from a number or a string of decimal digits, or null. */
export function parseId(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value !== "string" || !/^[1-9][0-9]{0,15}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/** Bidirectional-text controls: they reorder what is shown (a name reads reversed on the board). */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** Characters that show nothing: format characters, fillers, and every kind of space. */
const INVISIBLE = /[\p{Cf}\p{Zs}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u180E\s]|\u034F/gu;

/**
 * A person's, doctor's or hospital's name: bidi controls are stripped, control
 * characters refused, and a name that is empty once invisible characters are
 * removed is refused. Every name field uses it.
 */
export const nameParam = (max: number) =>
  ({
    type: "string",
    trim: true,
    max,
    custom: (value: unknown, errors: Errors): unknown => {
      // fastest-validator runs `custom` even after the type check failed (or the field is absent).
      if (typeof value !== "string") return value;
      const cleaned = value.normalize("NFC").replace(BIDI_CONTROLS, "").trim();
      if (/\p{Cc}/u.test(cleaned)) errors.push({ type: "nameControl", actual: value });
      else if (cleaned.replace(INVISIBLE, "") === "") errors.push({ type: "nameEmpty", actual: value });
      return cleaned;
    },
    messages: {
      nameEmpty: "The '{field}' field must contain visible characters.",
      nameControl: "The '{field}' field must not contain control characters.",
    },
  }) as const;

/** Emails compare NFKC-normalised and lower-cased: `ａｌｉｃｅ@…` and `Alice@…` are one account. */
export const normalizeEmail = (email: string): string => email.normalize("NFKC").trim().toLowerCase();

const EMAIL_SHAPE = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/** An email, normalised before it is checked, so the stored form is the one logins compare with. */
export const emailParam = {
  type: "string",
  max: 190,
  custom: (value: unknown, errors: Errors): unknown => {
    if (typeof value !== "string") return value;
    const email = normalizeEmail(value);
    if (!EMAIL_SHAPE.test(email)) errors.push({ type: "email", actual: value });
    return email;
  },
  messages: { email: "The '{field}' field must be a valid e-mail." },
} as const;

export const dateParam = {
  type: "custom",
  check: (value: unknown, errors: Errors) => {
    if (typeof value !== "string" || !isValidDate(value))
      errors.push({ type: "calendarDate", actual: value });
    return value;
  },
  messages: { calendarDate: "The '{field}' field must be a calendar date YYYY-MM-DD." },
} as const;

export const clockTimeParam = {
  type: "custom",
  check: (value: unknown, errors: Errors) => {
    if (typeof value !== "string" || !isValidClockTime(value))
      errors.push({ type: "clockTime", actual: value });
    return value;
  },
  messages: { clockTime: "The '{field}' field must be a time HH:MM." },
} as const;

export const pageParams = {
  page: { type: "number", integer: true, min: 1, max: 10_000, convert: true, default: 1 },
  size: { type: "number", integer: true, min: 1, max: 100, convert: true, default: 20 },
} as const;

export interface Page {
  page: number;
  size: number;
}

export const pageWindow = ({ page, size }: Page) => ({ limit: size, offset: (page - 1) * size });

/** Sets the HTTP status the gateway answers with; a creation (201) names where the new thing lives. */
export function setStatus(ctx: { meta: object }, status: number, location?: string): void {
  const meta = ctx.meta as { $statusCode?: number; $location?: string };
  meta.$statusCode = status;
  if (location) meta.$location = location;
}

/** A deep copy of plain objects and arrays; functions and other values are kept as they are. */
function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyPlain(v)]));
  }
  return value;
}

/**
 * The schema with every action's params rules copied, so no rule object is
 * shared between fields. Moleculer sends action schemas to other nodes with a
 * circular-reference guard that drops an object's second occurrence: a rule
 * shared by `hospitalId` and `doctorId` would reach the gateway with only the
 * first, and its allow-list would refuse the other.
 */
export function withOwnParamRules<S extends { actions?: object }>(schema: S): S {
  if (!schema.actions) return schema;
  const actions = Object.fromEntries(
    Object.entries(schema.actions).map(([name, action]) => [
      name,
      action && typeof action === "object" && "params" in action
        ? { ...action, params: copyPlain((action as { params: unknown }).params) }
        : action,
    ]),
  );
  return { ...schema, actions };
}
