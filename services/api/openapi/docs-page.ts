/**
 * The Swagger UI page at `/docs`: swagger-ui-dist's bundle and stylesheet
 * served by the gateway from the package, and a start script of our own as a
 * file, so the page's policy allows scripts and styles from its own origin
 * only (no inline code, no CDN).
 */
import fs from "node:fs";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { notFound } from "../../../platform/errors";

type Req = IncomingMessage & { $params?: Record<string, unknown> };
type Gateway = { sendError(req: Req, res: ServerResponse, err: unknown): void };

export const OPENAPI_URL = "/api/v1/openapi.json";

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hospital Reservation Engine — API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/docs-start.js"></script>
</body>
</html>
`;

const START_JS = `"use strict";
window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_URL)},
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

/** Scripts and styles from this origin only; the UI calls the API on the same origin. */
export const DOCS_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The files `/docs/:file` serves, and nothing else: the package's by name, ours from memory. */
const ASSETS: Record<string, { type: string; body?: string }> = {
  "swagger-ui-bundle.js": { type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { type: "text/css; charset=utf-8" },
  "favicon-32x32.png": { type: "image/png" },
  "favicon-16x16.png": { type: "image/png" },
  "docs-start.js": { type: "text/javascript; charset=utf-8", body: START_JS },
};

const distFolder = (): string => path.dirname(require.resolve("swagger-ui-dist/package.json"));
const cache = new Map<string, Buffer>();

/** A package file, read once: it does not change while the process runs. */
function assetBody(name: string): Buffer {
  let body = cache.get(name);
  if (!body) {
    const inline = ASSETS[name].body;
    body = inline === undefined ? fs.readFileSync(path.join(distFolder(), name)) : Buffer.from(inline);
    cache.set(name, body);
  }
  return body;
}

function servePage(_req: Req, res: ServerResponse): void {
  res.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-cache",
    "Content-Security-Policy": DOCS_SECURITY_POLICY,
  });
  res.end(DOCS_HTML);
}

function serveAsset(this: Gateway, req: Req, res: ServerResponse): void {
  const file = req.$params?.file;
  const name = typeof file === "string" ? file : "";
  // An own-property look-up: `/docs/constructor` must not find Object.prototype's.
  if (!Object.hasOwn(ASSETS, name)) {
    this.sendError(req, res, notFound("File", name));
    return;
  }
  res.writeHead(200, {
    "Content-Type": ASSETS[name].type,
    "Cache-Control": "public, max-age=3600",
    "Content-Security-Policy": DOCS_SECURITY_POLICY,
  });
  res.end(assetBody(name));
}

/** For the gateway's page route (path `/`). */
export const DOCS_ALIASES = {
  "GET /docs": servePage,
  "GET /docs/:file": serveAsset,
};
