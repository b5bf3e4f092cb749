/** One error body everywhere: `{error: {code, message, details}}` with a stable UPPER_SNAKE code. */
import { Errors } from "moleculer";
import { setStatus } from "./params";

export interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string; details: Record<string, unknown> } };
}

interface FieldProblem {
  field?: string;
  message?: string;
  type?: string;
  actual?: unknown;
}

/**
 * fastest-validator reports unknown fields of a `$$strict` schema as one
 * problem on their parent, with the names in `actual`; each is named here.
 */
function fieldsOf(p: FieldProblem): { field?: string; message?: string }[] {
  if (p.type !== "objectStrict" || typeof p.actual !== "string")
    return [{ field: p.field, message: p.message }];
  return p.actual
    .split(", ")
    .filter(Boolean)
    .map((name) => {
      const field = p.field ? `${p.field}.${name}` : name;
      return { field, message: `The '${field}' field is not allowed here.` };
    });
}

/**
 * Moleculer's types for "no node can answer this right now": the service is
 * known but its nodes are gone or restarting, the node went away mid-call,
 * or the request's budget ran out before a call could start. Moleculer gives
 * the first two 404, which a client would take as "no such thing".
 */
const TEMPORARILY_UNAVAILABLE = new Set([
  "SERVICE_NOT_AVAILABLE",
  "SERVICE_NOT_FOUND",
  "REQUEST_REJECTED",
  "REQUEST_SKIPPED",
]);

/** Seconds a client should wait before retrying a 503 (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 1;

export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof Errors.ValidationError) {
    const problems = Array.isArray(err.data) ? (err.data as FieldProblem[]) : [];
    const fields = problems.flatMap(fieldsOf);
    const named = [...new Set(fields.map((f) => f.field).filter(Boolean))];
    return respond(422, "VALIDATION_ERROR", `Invalid input: ${named.join(", ") || "request"}.`, { fields });
  }
  if (err instanceof Errors.MoleculerError) {
    // Matched by type: an error that crossed the transporter may come back as a plain MoleculerError.
    if (TEMPORARILY_UNAVAILABLE.has(err.type)) {
      return respond(503, "TEMPORARILY_UNAVAILABLE", "Temporarily unavailable, please retry.", {});
    }
    if (err.type === "REQUEST_TIMEOUT") {
      // Unlike the others, it may have taken effect: a retry with the same Idempotency-Key tells.
      return respond(
        503,
        "REQUEST_TIMEOUT",
        "No answer in time; the request may or may not have taken effect.",
        {},
      );
    }
    const status = err.code >= 400 && err.code < 600 ? err.code : 500;
    if (status < 500) {
      const details = isRecord(err.data) ? err.data : {};
      return respond(status, clientCode(status, err.type), err.message, details);
    }
    // moleculer-web's own "no endpoint for this alias right now" is a 503 without the retryable flag.
    if (err.retryable || status === 503) {
      const details = isRecord(err.data) ? err.data : {};
      return respond(
        503,
        err.type || "TEMPORARILY_UNAVAILABLE",
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
  // body-parser refuses a Content-Encoding it is not allowed to inflate (the gateway inflates none).
  if (status === 415) return "UNSUPPORTED_ENCODING";
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

/**
 * Runs an action's work and answers its refusals (4xx) as its result: the
 * status set and the error body returned, the same answer the gateway gives
 * a thrown one. Thrown, a refusal travels back through every call level's
 * middlewares (error handler, retry, timeout) and moleculer-web's error path;
 * where nearly every call is refused (an open run's full slot) that cost
 * about a tenth of the server's CPU per answer and doubled the p99
 * (`bench:openrun`). A 429 keeps its `Retry-After`, so it is still thrown,
 * and so is everything else.
 */
export async function answeringRefusals<T>(
  ctx: { meta: object },
  work: () => Promise<T>,
): Promise<T | ErrorResponse["body"]> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof Errors.MoleculerClientError)) throw err;
    const { status, body } = toErrorResponse(err);
    if (status >= 500 || status === 429) throw err;
    setStatus(ctx, status);
    return body;
  }
}
