/** Security headers (issue 13): strict CSP on pages, nosniff everywhere, no-store on personal answers. */
import crypto from "node:crypto";
import { createHospital, createUser } from "../../test/support/fixtures";
import { readEvents } from "../../test/support/sse";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";

describe("security headers", () => {
  let node: TestNode;
  let hospitalId: number;
  beforeAll(async () => {
    node = await startTestNode({ requestTimeoutMs: 400 });
    hospitalId = (await createHospital(node.app)).id;
  });
  afterAll(() => node.close());

  test.each([["/board/1"], ["/ticket/00000000-0000-4000-8000-000000000000"]])(
    "the page %s allows only its own hashed inline script and style",
    async (path) => {
      const res = await fetch(`${node.baseUrl}${path}`);
      const html = await res.text();
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      for (const tag of ["script", "style"]) {
        const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1] ?? "";
        const hash = crypto.createHash("sha256").update(body).digest("base64");
        expect(csp).toContain(`'sha256-${hash}'`);
      }
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    },
  );

  test("API answers are nosniff; personal ones (with a token) are never stored", async () => {
    const open = await node.http("GET", "/api/v1/hospitals");
    expect(open.headers.get("x-content-type-options")).toBe("nosniff");
    expect(open.headers.get("cache-control")).toBeNull();
    const missing = await node.http("GET", "/api/v1/nothing-here");
    expect(missing.headers.get("x-content-type-options")).toBe("nosniff");

    const { token } = await createUser(node, "patient");
    for (const path of ["/api/v1/me", "/api/v1/me/appointments", "/api/v1/hospitals"]) {
      const res = await node.http("GET", path, { token });
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  test("an event stream outlives the request timeout without a timeout being logged", async () => {
    const warn = jest.spyOn(node.broker.logger, "warn");
    const stream = readEvents(`${node.baseUrl}/api/v1/hospitals/${hospitalId}/queue/events`);
    await stream.next("board");
    await new Promise((r) => setTimeout(r, 1000));
    const { token } = await createUser(node, "patient");
    await node.http("POST", `/api/v1/hospitals/${hospitalId}/queue`, { token, body: {} });
    await stream.close();
    const timedOut = warn.mock.calls.filter((c) => String(c[0]).includes("timed out"));
    expect(timedOut).toEqual([]);
    warn.mockRestore();
  });
});
