/**
 * Checks of a request's merged params (path, query and JSON body) that hold for
 * every route, made in the gateway after the permission checks and before the
 * action's own validation: no control characters anywhere (they reach SQL as
 * `unrecognized token` 500s), and no field the action does not declare
 * (API.md: "a field the endpoint does not know is a 422 naming it").
 */
import { ClientError } from "../../platform/errors";

type Problem = { field: string; message: string };

/** C0/C1 controls and DEL; NUL first among them. */
const CONTROL = /\p{Cc}/u;
const MAX_DEPTH = 32;

/** The fields a params schema declares (fastest-validator's `$$` keys are options, not fields). */
export function declaredFields(schema: unknown): Set<string> | null {
  if (typeof schema !== "object" || schema === null) return null;
  return new Set(Object.keys(schema).filter((k) => !k.startsWith("$$")));
}

/** 422 naming every field of `params` that `schema` does not declare; an action without a schema takes none. */
export function assertKnownFields(params: Record<string, unknown>, schema: unknown): void {
  const known = declaredFields(schema) ?? new Set<string>();
  const unknown = Object.keys(params).filter((k) => !known.has(k));
  if (unknown.length === 0) return;
  refuse(
    unknown.map((field) => ({ field, message: `The '${field}' field is not allowed here.` })),
    `Unknown field: ${unknown.join(", ")}.`,
  );
}

/** 422 naming the first field whose name or string value holds a control character. */
export function assertNoControlCharacters(params: Record<string, unknown>): void {
  const found = findControl(params, "", 0);
  if (found !== null) {
    refuse(
      [{ field: found, message: `The '${found}' field must not contain control characters.` }],
      `Control characters in ${found}.`,
    );
  }
}

function findControl(value: unknown, path: string, depth: number): string | null {
  if (typeof value === "string") return CONTROL.test(value) ? path || "request" : null;
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (CONTROL.test(key)) return at;
    const found = findControl(inner, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

function refuse(fields: Problem[], message: string): never {
  throw new ClientError(422, "VALIDATION_ERROR", message, { fields });
}
