/**
 * Response headers every answer of the gateway carries, and the stricter set
 * of the HTML pages. Personal answers (any request with a bearer token) are
 * never stored by a browser or proxy.
 */
import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** A JSON API answer is never a document: nothing may run or frame it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** A global moleculer-web middleware: runs first on every request, errors and 404s included. */
export function securityHeaders(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Content-Security-Policy", API_CSP);
  if (req.headers.authorization !== undefined) res.setHeader("Cache-Control", "no-store");
  next();
}

const hashOf = (text: string) =>
  `'sha256-${crypto.createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** The `sha256-…` sources of every inline `<tag>…</tag>` in `html`, as the browser hashes them. */
function inlineHashes(html: string, tag: "script" | "style"): string {
  const found = [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => hashOf(m[1]));
  return found.length > 0 ? found.join(" ") : "'none'";
}

/**
 * A strict policy for one page: its own inline script and style run because
 * their hashes are listed (computed once, at load), nothing else does; it
 * talks only to its own origin and cannot be framed.
 */
export function pageSecurityPolicy(html: string): string {
  return [
    "default-src 'none'",
    `script-src ${inlineHashes(html, "script")}`,
    `style-src ${inlineHashes(html, "style")}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
