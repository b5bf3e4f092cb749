/** One error body everywhere: `{error: {code, message, details}}` with a stable UPPER_SNAKE code. */
import { Errors } from "moleculer";

export interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string; details: Record<string, unknown> } };
}

interface FieldProblem {
  field?: string;
  message?: string;
}

export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof Errors.ValidationError) {
    const problems = Array.isArray(err.data) ? (err.data as FieldProblem[]) : [];
    const fields = problems.map((p) => ({ field: p.field, message: p.message }));
    const named = [...new Set(fields.map((f) => f.field).filter(Boolean))];
    return respond(422, "VALIDATION_ERROR", `Invalid input: ${named.join(", ") || "request"}.`, { fields });
  }
  if (err instanceof Errors.MoleculerError) {
    const status = err.code >= 400 && err.code < 600 ? err.code : 500;
    if (status < 500) {
      const details = isRecord(err.data) ? err.data : {};
      return respond(status, clientCode(status, err.type), err.message, details);
    }
    if (err.retryable) {
      const details = isRecord(err.data) ? err.data : {};
      return respond(
        503,
        err.type || "SERVICE_UNAVAILABLE",
        `Temporarily unavailable, please retry: ${err.message}`,
        details,
      );
    }
  }
  return respond(500, "INTERNAL", "Something went wrong on our side.", {});
}

/** Our codes are UPPER_SNAKE already; body-parser's ("entity.parse.failed") are renamed. */
function clientCode(status: number, type: string | undefined): string {
  if (type && /^[A-Z][A-Z0-9_]*$/.test(type)) return type;
  if (status === 413) return "BODY_TOO_LARGE";
  if (type?.startsWith("entity.")) return "INVALID_BODY";
  return status === 404 ? "NOT_FOUND" : "BAD_REQUEST";
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const respond = (
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown>,
): ErrorResponse => ({
  status,
  body: { error: { code, message, details } },
});
