/**
 * `GET /api/v1/openapi.json`: the document of every alias the gateway serves,
 * read from its live route table and the registry's action schemas at each
 * request, so a route or a params field added anywhere (or an action that
 * registers late, on another node) shows up without anyone editing a list.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServiceBroker } from "moleculer";
import type { AliasInfo, OpenApiDocument } from "./document";
import { buildOpenApiDocument } from "./document";

type Gateway = {
  broker: ServiceBroker;
  /** moleculer-web's resolved aliases of every route. */
  aliases: { method: string; fullPath: string; action?: string | null; roles?: string[] }[];
  sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void;
};

type ActionEntry = { name: string; action?: { params?: unknown } };

export const API_BASE = "/api/v1";
export const API_VERSION = "1.0.0";

/** The gateway's aliases as the generator sees them. */
export function gatewayAliases(gateway: Pick<Gateway, "aliases">): AliasInfo[] {
  return gateway.aliases.map((a) => ({
    method: a.method,
    fullPath: a.fullPath,
    action: a.action ?? null,
    roles: a.roles,
  }));
}

/** The document as the gateway would serve it now. */
export function currentDocument(gateway: Pick<Gateway, "aliases" | "broker">): OpenApiDocument {
  const actions = gateway.broker.registry.getActionList({}) as ActionEntry[];
  const byName = new Map(actions.map((a) => [a.name, a.action?.params]));
  return buildOpenApiDocument(gatewayAliases(gateway), {
    apiBase: API_BASE,
    version: API_VERSION,
    paramsOf: (name) => {
      const params = byName.get(name);
      return params && typeof params === "object" ? (params as Record<string, unknown>) : undefined;
    },
  });
}

/** For the gateway's `/api/v1` route. */
export const OPENAPI_ALIASES = {
  "GET /openapi.json"(this: Gateway, req: IncomingMessage, res: ServerResponse): void {
    try {
      const body = JSON.stringify(currentDocument(this));
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" });
      res.end(body);
    } catch (err) {
      this.sendError(req, res, err);
    }
  },
};
