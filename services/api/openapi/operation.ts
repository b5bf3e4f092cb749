/**
 * One gateway alias → one OpenAPI operation: its parameters from the action's
 * params schema (path fields from the path, the rest from the query of a
 * read or the JSON body of a write), who may call it, and its answers.
 */
import type { Documented } from "./documented";
import type { JsonSchema } from "./rules";
import { isOptional, propsToSchema, ruleToSchema } from "./rules";

/** What the generator needs of a moleculer-web alias. */
export interface AliasInfo {
  method: string;
  /** The alias's full path in moleculer-web's spelling: `/api/v1/hospitals/:hospitalId`. */
  fullPath: string;
  /** The action it calls; absent for a function alias (pages, event streams, this document). */
  action?: string | null;
  roles?: readonly string[];
}

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const READS = new Set(["GET", "DELETE", "HEAD", "OPTIONS"]);
const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  401: "Not signed in, or the token is invalid",
  402: "Payment declined",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  422: "Invalid input, or a state that refuses it",
  429: "Too many attempts (see Retry-After)",
  503: "Busy or timed out (see Retry-After); retry with the same Idempotency-Key",
};
const HEADERS: Record<string, JsonSchema> = {
  "Idempotency-Key": {
    name: "Idempotency-Key",
    in: "header",
    description: "The same key, user and body get the first answer again for at least 24 h.",
    schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
  },
  "Admission-Ticket": {
    name: "Admission-Ticket",
    in: "header",
    description: "An admitted ticket from a 202 answer, sent with the same booking within 30 s.",
    schema: { type: "string" },
  },
};

/** `/hospitals/:hospitalId` → `/hospitals/{hospitalId}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)\??/g, "{$1}");

export const pathParamNames = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** What a function alias answers, by the kind of path it serves. */
export function contentTypeOf(fullPath: string): string {
  if (/\/events$/.test(fullPath)) return "text/event-stream";
  if (/\.json$/.test(fullPath)) return "application/json";
  if (/\/:file$/.test(fullPath)) return "application/octet-stream";
  return "text/html";
}

const errorAnswer = (status: number, codes: readonly string[]) => ({
  description:
    codes.length > 0 ? `${STATUS_TEXT[status] ?? "Error"}: ${codes.join(", ")}` : STATUS_TEXT[status],
  content: { "application/json": { schema: ERROR_REF } },
});

function errorCodes(alias: AliasInfo, hasFields: boolean, doc: Documented): Map<number, string[]> {
  const codes = new Map<number, string[]>();
  const add = (status: number, list: readonly string[]) =>
    codes.set(status, [...new Set([...(codes.get(status) ?? []), ...list])]);
  if (alias.roles) {
    add(401, ["AUTH_REQUIRED", "INVALID_TOKEN", "UNKNOWN_USER"]);
    add(403, [
      "WRONG_ROLE",
      "ROLE_MISMATCH",
      ...(alias.fullPath.includes(":hospitalId") ? ["WRONG_HOSPITAL"] : []),
    ]);
  }
  if (hasFields) add(422, ["VALIDATION_ERROR"]);
  for (const [status, list] of Object.entries(doc.errors ?? {})) add(Number(status), list);
  if (alias.action) add(503, ["TEMPORARILY_UNAVAILABLE", "REQUEST_TIMEOUT"]);
  return new Map([...codes.entries()].sort(([a], [b]) => a - b));
}

/**
 * The operation for one alias. `params` is the action's fastest-validator schema
 * as the registry holds it (undefined for a function alias or an action not yet
 * registered).
 */
export function buildOperation(
  alias: AliasInfo,
  params: Record<string, unknown> | undefined,
  doc: Documented = {},
): JsonSchema {
  const method = alias.method.toUpperCase();
  const fields = Object.fromEntries(Object.entries(params ?? {}).filter(([k]) => !k.startsWith("$$")));
  const inPath = pathParamNames(alias.fullPath);
  const parameters: JsonSchema[] = inPath.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: fields[name] === undefined ? { type: "string" } : ruleToSchema(fields[name]),
  }));
  const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => !inPath.includes(k)));
  let requestBody: JsonSchema | undefined;
  if (READS.has(method)) {
    for (const [name, rule] of Object.entries(rest)) {
      parameters.push({ name, in: "query", required: !isOptional(rule), schema: ruleToSchema(rule) });
    }
  } else if (alias.action) {
    // The gateway refuses a field the action does not declare (input-guard.ts): the body is closed.
    const schema = propsToSchema(rest, true);
    requestBody = {
      required: Array.isArray(schema.required),
      content: { "application/json": { schema } },
    };
  }
  for (const header of doc.headers ?? []) parameters.push(HEADERS[header]);

  const success = doc.success ?? 200;
  const responses: Record<string, JsonSchema> = {
    [success]: {
      description: STATUS_TEXT[success] ?? "Success",
      content: { [alias.action ? "application/json" : contentTypeOf(alias.fullPath)]: {} },
    },
  };
  for (const [status, text] of Object.entries(doc.alsoSuccess ?? {})) {
    responses[status] = { description: text, content: { "application/json": {} } };
  }
  for (const [status, codes] of errorCodes(alias, Object.keys(fields).length > 0, doc)) {
    responses[status] = errorAnswer(status, codes);
  }

  const operation: JsonSchema = {
    summary: doc.summary ?? (alias.action ? `Calls ${alias.action}` : `${method} ${alias.fullPath}`),
    tags: [tagOf(alias.fullPath)],
    parameters,
    responses,
  };
  if (requestBody) operation.requestBody = requestBody;
  if (alias.roles) {
    operation.security = [{ bearerAuth: [] }];
    operation.description = `Roles: ${alias.roles.join(", ")}.`;
  }
  if (alias.action) operation["x-moleculer-action"] = alias.action;
  return operation;
}

/** The first segment after `/api/v1` (`hospitals`, `queue` …), or the page's own first segment. */
export function tagOf(fullPath: string): string {
  const segments = fullPath
    .replace(/^\/api\/v\d+/, "")
    .split("/")
    .filter(Boolean);
  return segments[0] ?? "root";
}
