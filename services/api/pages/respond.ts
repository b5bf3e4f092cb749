/** How the gateway answers with one of its HTML pages: never cached, under the page's own policy. */
import type { ServerResponse } from "node:http";

export function writePage(res: ServerResponse, status: number, html: string, policy: string): void {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-cache",
    "Content-Security-Policy": policy,
  });
  res.end(html);
}
