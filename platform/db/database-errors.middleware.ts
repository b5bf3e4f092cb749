/**
 * Turns database infrastructure faults (busy, locked, deadlocked, out of
 * connections, unreachable) thrown by a local action into a retryable 503,
 * so a client is told to come back rather than shown a 500.
 */
import type { ActionHandler, Context, Middleware } from "moleculer";
import { ConnectionAcquireTimeoutError, ConnectionError, DatabaseError, TimeoutError } from "sequelize";
import { RetryableError } from "../errors";

/** SQLite result codes (also their extended forms, e.g. SQLITE_BUSY_SNAPSHOT) meaning "try again". */
const SQLITE_BUSY_CODES = /^SQLITE_(BUSY|LOCKED)/;
/** MariaDB/MySQL: lock wait timeout, deadlock, too many connections, per-user connection limit. */
const MYSQL_BUSY_ERRNOS = new Set([1205, 1213, 1040, 1203]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
}

function driverError(err: unknown): DriverError {
  const parent =
    (err as { parent?: unknown; original?: unknown }).parent ?? (err as { original?: unknown }).original;
  return (parent ?? err) as DriverError;
}

/** The retryable error `err` stands for, or undefined when it is not a database infrastructure fault. */
export function toDatabaseRetryable(err: unknown): RetryableError | undefined {
  if (!(err instanceof Error)) return undefined;
  const cause = driverError(err);
  const code = typeof cause.code === "string" ? cause.code : "";
  const busy =
    err instanceof ConnectionAcquireTimeoutError ||
    err instanceof TimeoutError ||
    SQLITE_BUSY_CODES.test(code) ||
    (typeof cause.errno === "number" && MYSQL_BUSY_ERRNOS.has(cause.errno)) ||
    code === "ER_CON_COUNT_ERROR";
  if (busy) {
    return new RetryableError("DATABASE_BUSY", "The database is busy; please retry shortly.", {
      cause: code || err.name,
    });
  }
  if (
    err instanceof ConnectionError ||
    (err instanceof DatabaseError && /^SQLITE_(CANTOPEN|IOERR)/.test(code))
  ) {
    return new RetryableError("DATABASE_UNAVAILABLE", "The database is unavailable; please retry shortly.", {
      cause: code || err.name,
    });
  }
  return undefined;
}

/** Moleculer middleware: wraps every local action handler with {@link toDatabaseRetryable}. */
export function databaseErrorsMiddleware(): Middleware {
  return {
    name: "DatabaseErrors",
    localAction(next: ActionHandler<unknown>): ActionHandler<unknown> {
      // Action handlers arrive bound to their service, as Moleculer's own middlewares assume.
      return async (ctx: Context) => {
        try {
          return (await next(ctx)) as unknown;
        } catch (err) {
          throw toDatabaseRetryable(err) ?? err;
        }
      };
    },
  };
}
