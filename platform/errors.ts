/**
 * Typed errors with stable UPPER_SNAKE codes. Client faults carry their HTTP
 * status; infrastructure faults are retryable so Moleculer's retry policy can
 * turn them into a normal answer.
 */
import { Errors } from "moleculer";

export type ErrorDetails = Record<string, unknown>;

/** A fault of the caller: the gateway answers with `status` and `{error: {code, message, details}}`. */
export class ClientError extends Errors.MoleculerClientError {
  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    // Without a stack: a refusal is an answer, not a fault, and nobody reads its stack. Capturing it
    // was the largest single cost of refusing a booking in an open run (~5 % of the server's CPU).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, status, code, details);
    Error.stackTraceLimit = limit;
    // Errors cross the transporter by name; a name Moleculer knows comes back as the right class.
    this.name = "MoleculerClientError";
  }
}

/** A transient fault of ours (database busy, actor moved): safe to retry. */
export class RetryableError extends Errors.MoleculerRetryableError {
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, 503, code, details);
    this.name = "MoleculerRetryableError";
  }
}

export const badInput = (field: string, message: string, code = "VALIDATION_ERROR"): ClientError =>
  new ClientError(422, code, message, { fields: [{ field, message }] });
export const unauthorized = (code: string, message: string): ClientError =>
  new ClientError(401, code, message);
export const forbidden = (message = "You may not do this.", code = "FORBIDDEN"): ClientError =>
  new ClientError(403, code, message);
export const notFound = (entity: string, id: unknown): ClientError =>
  new ClientError(404, "NOT_FOUND", `${entity} ${String(id)} was not found.`, { entity, id });
export const conflict = (code: string, message: string, details?: ErrorDetails): ClientError =>
  new ClientError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: ErrorDetails): ClientError =>
  new ClientError(422, code, message, details);

/** For states the code believes impossible: a loud 500 with a name, not a silent wrong answer. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Errors.MoleculerError(`Invariant failed: ${message}`, 500, "INVARIANT");
}
