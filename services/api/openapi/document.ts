/**
 * The OpenAPI 3.1 document of the gateway, built from its live aliases and the
 * actions' params schemas, so it says what the running code accepts. Pure:
 * the gateway hands in what it has (openapi.route.ts).
 */
import { DOCUMENTED } from "./documented";
import type { AliasInfo } from "./operation";
import { buildOperation, openApiPath } from "./operation";
import type { JsonSchema } from "./rules";

export type { AliasInfo } from "./operation";

export interface DocumentOptions {
  /** The base path of the REST routes, which the documented-status table is keyed under. */
  apiBase: string;
  version: string;
  /** The action's params schema as the registry holds it; undefined when none is registered. */
  paramsOf(action: string): Record<string, unknown> | undefined;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, JsonSchema>>;
  components: JsonSchema;
  [extension: `x-${string}`]: unknown;
}

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "details"],
      properties: {
        code: { type: "string", pattern: "^[A-Z][A-Z0-9_]*$", examples: ["SLOT_FULL"] },
        message: { type: "string" },
        details: {
          type: "object",
          description: "For VALIDATION_ERROR: `fields`, each `{field, message}` naming an offending field.",
        },
      },
    },
  },
};

const DESCRIPTION = [
  "Generated at run time from the gateway's route table and each action's params schema.",
  "Dates `YYYY-MM-DD` and times `HH:MM` are the hospital's local time; lists are `{items, total}`.",
  "Every error is `{error: {code, message, details}}` with a stable UPPER_SNAKE code.",
  "A request body or query field the endpoint does not declare is a 422 naming it.",
].join(" ");

/** The key of a route in DOCUMENTED: `GET /hospitals/:hospitalId` for `/api/v1/hospitals/:hospitalId`. */
function documentedKey(alias: AliasInfo, apiBase: string): string {
  const path = alias.fullPath.startsWith(`${apiBase}/`)
    ? alias.fullPath.slice(apiBase.length)
    : alias.fullPath;
  return `${alias.method.toUpperCase()} ${path}`;
}

export function buildOpenApiDocument(
  aliases: readonly AliasInfo[],
  options: DocumentOptions,
): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const alias of aliases) {
    const params = alias.action ? options.paramsOf(alias.action) : undefined;
    const path = openApiPath(alias.fullPath);
    const doc = DOCUMENTED[documentedKey(alias, options.apiBase)];
    paths[path] = { ...paths[path], [alias.method.toLowerCase()]: buildOperation(alias, params, doc) };
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: "3.1.0",
    info: { title: "Hospital Reservation Engine", version: options.version, description: DESCRIPTION },
    paths: sorted,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "HS256; claims sub, role (patient | staff | admin), hid (staff), exp.",
        },
      },
    },
  };
}
