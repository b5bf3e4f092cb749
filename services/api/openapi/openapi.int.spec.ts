/** The served OpenAPI document and the Swagger UI page (issue 14). */
import { validateOpenApi } from "../../../test/support/openapi-validator";
import { startTestNode } from "../../../test/support/test-node";
import type { TestNode } from "../../../test/support/test-node";
import { declaredFields } from "../input-guard";
import { API_ROUTES } from "../routes";
import type { OpenApiDocument } from "./document";
import { DOCUMENTED } from "./documented";

type LiveAlias = { method: string; fullPath: string; action?: string | null; roles?: string[] };
type Operation = {
  parameters: { name: string; in: string }[];
  requestBody?: { content: { "application/json": { schema: { properties: Record<string, unknown> } } } };
  security?: unknown[];
};

describe("GET /api/v1/openapi.json", () => {
  let node: TestNode;
  let doc: OpenApiDocument;
  let aliases: LiveAlias[];
  const operation = (alias: LiveAlias) =>
    doc.paths[alias.fullPath.replace(/:(\w+)/g, "{$1}")]?.[alias.method.toLowerCase()] as
      Operation | undefined;

  beforeAll(async () => {
    node = await startTestNode();
    const res = await node.http<OpenApiDocument>("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    doc = res.body;
    // The gateway's own resolved route table: whatever anyone has added to it.
    aliases = (node.broker.getLocalService("api") as unknown as { aliases: LiveAlias[] }).aliases;
  });
  afterAll(() => node.close());

  test("is valid OpenAPI 3", async () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(doc)).toBe("valid");
  });

  test("has every alias of the live route table, with its method", () => {
    expect(aliases.length).toBeGreaterThan(Object.keys(API_ROUTES).length);
    const missing = aliases.filter((a) => operation(a) === undefined).map((a) => `${a.method} ${a.fullPath}`);
    expect(missing).toEqual([]);
    for (const key of Object.keys(API_ROUTES)) {
      const [method, path] = key.split(" ");
      expect([key, operation({ method, fullPath: `/api/v1${path}` }) !== undefined]).toEqual([key, true]);
    }
  });

  test("each operation takes exactly the fields its action declares", () => {
    const actions = node.broker.registry.getActionList({}) as {
      name: string;
      action?: { params?: unknown };
    }[];
    for (const alias of aliases.filter((a) => a.action)) {
      const declared = declaredFields(actions.find((a) => a.name === alias.action)?.action?.params);
      const op = operation(alias)!;
      const documented = [
        ...op.parameters.filter((p) => p.in !== "header").map((p) => p.name),
        ...Object.keys(op.requestBody?.content["application/json"].schema.properties ?? {}),
      ];
      const route = `${alias.method} ${alias.fullPath}`;
      expect([route, documented.sort()]).toEqual([route, [...(declared ?? [])].sort()]);
    }
  });

  test("a route with roles needs a bearer token; one without does not", () => {
    for (const alias of aliases) {
      const route = `${alias.method} ${alias.fullPath}`;
      expect([route, operation(alias)?.security]).toEqual([
        route,
        alias.roles ? [{ bearerAuth: [] }] : undefined,
      ]);
    }
    expect(doc.components).toMatchObject({
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
    });
  });

  test("the table of API.md's statuses names only routes that exist", () => {
    const live = new Set(aliases.map((a) => `${a.method} ${a.fullPath.replace(/^\/api\/v1\//, "/")}`));
    expect(Object.keys(DOCUMENTED).filter((key) => !live.has(key))).toEqual([]);
  });

  test("documents API.md's statuses: 201 on creation, its error codes, the error envelope", () => {
    const book = doc.paths["/api/v1/appointments"].post as {
      responses: Record<string, { description: string }>;
    };
    expect(Object.keys(book.responses)).toEqual(expect.arrayContaining(["201", "202", "409", "422"]));
    expect(book.responses["409"].description).toMatch(/SLOT_FULL/);
    const signup = doc.paths["/api/v1/auth/signup"].post as { responses: Record<string, unknown> };
    expect(Object.keys(signup.responses)).toEqual(expect.arrayContaining(["201", "409", "422"]));
  });
});

describe("GET /docs", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node.close());

  test("is the Swagger UI page, pointed at the document, under a strict policy", async () => {
    const res = await fetch(`${node.baseUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<div id="swagger-ui">');
    // No inline code: every script is a file of this origin.
    expect(html).not.toMatch(/<script>|<style>|\sstyle=|\son\w+=/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");

    const start = await fetch(`${node.baseUrl}/docs/docs-start.js`);
    expect(start.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await start.text()).toContain('"/api/v1/openapi.json"');
  });

  test.each([
    ["swagger-ui-bundle.js", /^text\/javascript/],
    ["swagger-ui.css", /^text\/css/],
    ["favicon-32x32.png", /^image\/png/],
  ])("serves %s from swagger-ui-dist", async (file, type) => {
    const res = await fetch(`${node.baseUrl}/docs/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(type);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(500);
  });

  test.each([["index.html"], ["package.json"], ["constructor"], ["..%2Fpackage.json"]])(
    "serves nothing else: /docs/%s is a 404 in the error format",
    async (file) => {
      const res = await fetch(`${node.baseUrl}/docs/${file}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    },
  );
});
