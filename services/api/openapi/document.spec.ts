import { dateParam, idParam, pageParams } from "../../../platform/params";
import type { AliasInfo } from "./document";
import { buildOpenApiDocument } from "./document";
import { validateOpenApi } from "../../../test/support/openapi-validator";

const ACTIONS: Record<string, Record<string, unknown>> = {
  "hospitals.list": { $$strict: true, q: { type: "string", min: 1, max: 60, optional: true }, ...pageParams },
  "appointments.availability": {
    $$strict: true,
    hospitalId: idParam,
    date: dateParam,
    doctorId: { ...idParam, optional: true },
  },
  "appointments.book": {
    $$strict: true,
    hospitalId: idParam,
    doctorId: idParam,
    date: dateParam,
    start: "string",
  },
  "queue.take": { $$strict: true, hospitalId: idParam, doctorId: { ...idParam, optional: true } },
  "queue.forgive": { $$strict: true, hospitalId: idParam, patientId: idParam },
};

const ALIASES: AliasInfo[] = [
  { method: "GET", fullPath: "/api/v1/hospitals", action: "hospitals.list" },
  {
    method: "GET",
    fullPath: "/api/v1/hospitals/:hospitalId/availability",
    action: "appointments.availability",
  },
  { method: "POST", fullPath: "/api/v1/appointments", action: "appointments.book", roles: ["patient"] },
  {
    method: "POST",
    fullPath: "/api/v1/hospitals/:hospitalId/queue",
    action: "queue.take",
    roles: ["patient"],
  },
  {
    method: "DELETE",
    fullPath: "/api/v1/hospitals/:hospitalId/queue/penalties/:patientId",
    action: "queue.forgive",
    roles: ["staff", "admin"],
  },
  { method: "GET", fullPath: "/api/v1/hospitals/:hospitalId/queue/events" },
  { method: "GET", fullPath: "/api/v1/not-yet-registered", action: "late.action" },
  { method: "GET", fullPath: "/board/:hospitalId" },
];

const build = () =>
  buildOpenApiDocument(ALIASES, { apiBase: "/api/v1", version: "1.0.0", paramsOf: (name) => ACTIONS[name] });

describe("the OpenAPI document", () => {
  test("is valid OpenAPI 3.1", async () => {
    expect(await validateOpenApi(build())).toBe("valid");
  });

  test("the validator finds a broken document invalid", async () => {
    const broken = build();
    // An answer without its required description.
    broken.paths["/api/v1/hospitals"].get.responses = { 200: { content: {} } };
    expect(await validateOpenApi(broken)).toMatch(/description/);
  });

  test("has one operation per alias, under the path in OpenAPI's spelling", () => {
    const { paths } = build();
    expect(Object.keys(paths)).toContain("/api/v1/hospitals/{hospitalId}/queue/penalties/{patientId}");
    for (const alias of ALIASES) {
      const path = alias.fullPath.replace(/:(\w+)/g, "{$1}");
      expect(paths[path]?.[alias.method.toLowerCase()]).toBeDefined();
    }
  });

  test("a read takes its fields from the path and the query", () => {
    const op = build().paths["/api/v1/hospitals/{hospitalId}/availability"].get;
    expect(op.parameters).toEqual([
      {
        name: "hospitalId",
        in: "path",
        required: true,
        schema: expect.objectContaining({ type: "integer" }),
      },
      { name: "date", in: "query", required: true, schema: expect.objectContaining({ format: "date" }) },
      {
        name: "doctorId",
        in: "query",
        required: false,
        schema: expect.objectContaining({ type: "integer" }),
      },
    ]);
    expect(op).not.toHaveProperty("security");
    expect(Object.keys(op.responses as object)).toEqual(["200", "422", "503"]);
  });

  test("a write takes a closed JSON body; a role means a bearer token; API.md's statuses and codes", () => {
    const op = build().paths["/api/v1/appointments"].post as Record<string, any>;
    const body = op.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["hospitalId", "doctorId", "date", "start"]);
    expect(body.additionalProperties).toBe(false);
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(op.responses)).toEqual(
      expect.arrayContaining(["201", "202", "401", "403", "409", "422"]),
    );
    expect(op.responses["409"].description).toMatch(/SLOT_FULL.*ALREADY_BOOKED/);
    expect(op.responses["409"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Error",
    });
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual([
      "Idempotency-Key",
      "Admission-Ticket",
    ]);
  });

  test("a body with no required field is optional; path fields are not in it", () => {
    const op = build().paths["/api/v1/hospitals/{hospitalId}/queue"].post as Record<string, any>;
    expect(op.requestBody.required).toBe(false);
    expect(Object.keys(op.requestBody.content["application/json"].schema.properties)).toEqual(["doctorId"]);
    expect(op.responses["403"].description).toMatch(/WRONG_HOSPITAL/);
  });

  test("function aliases are described by what they answer", () => {
    const { paths } = build();
    expect(Object.keys(paths["/api/v1/hospitals/{hospitalId}/queue/events"].get.responses as object)).toEqual(
      ["200"],
    );
    expect(paths["/api/v1/hospitals/{hospitalId}/queue/events"].get.responses).toMatchObject({
      200: { content: { "text/event-stream": {} } },
    });
    expect(paths["/board/{hospitalId}"].get.responses).toMatchObject({
      200: { content: { "text/html": {} } },
    });
  });

  test("an action not registered yet still gets its path and method", () => {
    const op = build().paths["/api/v1/not-yet-registered"].get;
    expect(op.parameters).toEqual([]);
    expect(op["x-moleculer-action"]).toBe("late.action");
  });

  test("the error envelope is {error: {code, message, details}}", () => {
    expect(build().components.schemas).toMatchObject({
      Error: { required: ["error"], properties: { error: { required: ["code", "message", "details"] } } },
    });
  });
});
