import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import type { ApiSettingsSchema } from "moleculer-web";
import type { App } from "../../platform/app";
import type { Timer } from "../../platform/clock";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { IDEMPOTENCY_KEY_PATTERN } from "../../platform/db/idempotency-keys";
import { badInput, forbidden, unauthorized } from "../../platform/errors";
import { ACCOUNT_CHANGED } from "../accounts/account-events";
import type { AccountChanged } from "../accounts/account-events";
import { verifyToken } from "../accounts/tokens";
import type { TokenClaims } from "../accounts/tokens";
import type { AccountChange } from "../accounts/account-changes";
import type { DayBusEvent } from "../day/day-events";
import { AccountLedger } from "./account-ledger";
import { RETRY_AFTER_SECONDS, toErrorResponse } from "../../platform/error-response";
import { assertKnownFields, assertNoControlCharacters } from "./input-guard";
import { LiveHub } from "./live";
import { DOCS_ALIASES } from "./openapi/docs-page";
import { OPENAPI_ALIASES } from "./openapi/openapi-route";
import { isLiveStream, liveAliases } from "./live-routes";
import { securityHeaders } from "./security-headers";
import { PAGE_ALIASES } from "./pages";
import type { RouteSpec } from "./routes";
import { API_ROUTES } from "./routes";

type Req = IncomingMessage & {
  $params?: Record<string, unknown>;
  $action?: { params?: unknown };
};

/** What the gateway puts in `ctx.meta` for the actions: the caller's address (login throttling). */
type GatewayMeta = { idempotencyKey?: string; clientAddress?: string; admissionTicket?: string };

/** An admission ticket as the admission service issues them (API.md "Open-run admission"). */
const ADMISSION_TICKET_PATTERN = /^[A-Za-z0-9_:-]{1,80}$/;

/**
 * Hands the action what it may need from the request: the caller's address, and a valid
 * `Idempotency-Key` header (API.md "Retries"); a malformed key is a 422 naming it.
 */
function passRequestMeta(ctx: Context<unknown, GatewayMeta>, _route: unknown, req: Req): void {
  // The socket's peer, not X-Forwarded-For: a client could set that header to anything.
  ctx.meta.clientAddress = req.socket.remoteAddress ?? "unknown";
  const ticket = req.headers["admission-ticket"];
  if (ticket !== undefined) {
    if (typeof ticket !== "string" || !ADMISSION_TICKET_PATTERN.test(ticket))
      throw badInput("Admission-Ticket", "The Admission-Ticket header must be a ticket from a 202 answer.");
    ctx.meta.admissionTicket = ticket;
  }
  const key = req.headers["idempotency-key"];
  if (key === undefined) return;
  if (typeof key !== "string" || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw badInput(
      "Idempotency-Key",
      "The Idempotency-Key header must be 1–64 of A–Z, a–z, 0–9, '_' and '-'.",
    );
  }
  ctx.meta.idempotencyKey = key;
}

/**
 * Each read of the account ledger starts this far before the last one began: a change
 * committed late with an earlier time is still seen.
 */
const LEDGER_OVERLAP_MS = 60_000;
/** The ledger vouches for tokens while its last successful read is at most this many reads old. */
const LEDGER_TRUSTED_READS = 3;

/**
 * Connections waiting to be accepted. Node's default, 511, overflowed when thousands of phones
 * connected within seconds (an open run): the kernel dropped their handshakes, and each dropped
 * one waited out TCP's 1 s (then 3 s) retransmission — the slowest answers of the run, with the
 * server's CPU not even busy. The kernel caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 8192;

/** Log levels at which moleculer-web's per-request lines (`=> POST …`, `<= 201 …`, at info) are printed. */
const REQUEST_LOG_LEVELS = new Set(["info", "debug", "trace"]);

/** An event stream stays open for as long as its client listens: it is not a request that times out. */
function untimedStreams(options: { timeout?: number }, req: Req): void {
  if (isLiveStream(req.url ?? "")) options.timeout = 0;
}

/**
 * The REST gateway: authenticates bearer tokens, checks roles from the route
 * table, maps errors to one format, and routes. No domain logic lives here.
 */
export function apiService(
  app: App,
  extraRoutes: Record<string, RouteSpec> = {},
): ServiceSchema<ApiSettingsSchema> {
  const hub = new LiveHub();
  const { clock } = app;
  const tokenLifeMs = app.config.jwtTtlSeconds * 1000;
  const ledger = new AccountLedger({
    trustMs: LEDGER_TRUSTED_READS * app.config.accountSyncMs,
    forgetAfterMs: tokenLifeMs + LEDGER_OVERLAP_MS,
    now: () => clock.now(),
  });
  let ledgerSince = clock.now() - tokenLifeMs - LEDGER_OVERLAP_MS;
  let ledgerTimer: Timer | null = null;
  let ledgerStopped = false;

  /** Reads the ledger's recent changes, then again every ACCOUNT_SYNC_MS after the last read ended. */
  async function readLedger(call: (since: number) => Promise<AccountChange[]>): Promise<void> {
    const at = clock.now();
    try {
      ledger.enter(await call(ledgerSince));
      ledger.synced(at);
      ledgerSince = at - LEDGER_OVERLAP_MS;
    } catch {
      // The accounts service is away: once the copy is too old, tokens are checked against the account itself.
    }
  }

  /** The user a token speaks for: its own claims when the ledger vouches for them, else the account as stored. */
  async function userOf(ctx: Context, id: number, claims: TokenClaims): Promise<AuthUser> {
    const verdict = ledger.judge(id, claims.ver);
    if (verdict === "deleted") throw unknownUser();
    if (verdict === "changed") throw roleMismatch();
    const staffOf = claims.role === "staff" ? (claims.hid ?? null) : null;
    if (verdict === "current") return { id, role: claims.role, hospitalId: staffOf, patientId: claims.pid };
    const user = await ctx.call<AuthUser | null, { id: number }>("accounts.resolve", { id });
    if (!user) throw unknownUser();
    if (user.role !== claims.role || user.hospitalId !== staffOf) throw roleMismatch();
    return user;
  }
  return {
    name: "api",
    mixins: [ApiGateway],
    settings: {
      port: app.config.port,
      ip: "0.0.0.0",
      log4XXResponses: false,
      // moleculer-web builds each request's log lines (colours and all) even when the level drops them.
      ...(REQUEST_LOG_LEVELS.has(app.config.logLevel) ? {} : { logRequest: null, logResponse: null }),
      use: [securityHeaders],
      // moleculer-web also takes a function here; its typings know only the object form.
      rootCallOptions: untimedStreams as unknown as ApiSettingsSchema["rootCallOptions"],
      routes: [
        { path: "/", mappingPolicy: "restrict", aliases: { ...PAGE_ALIASES, ...DOCS_ALIASES } },
        {
          path: "/health",
          mappingPolicy: "restrict",
          aliases: { "GET /live": "health.live", "GET /ready": "health.ready" },
        },
        {
          path: "/api/v1",
          mappingPolicy: "restrict",
          authentication: true,
          authorization: true,
          // inflate: false — a compressed body is a 415, not a zlib error (or a zip bomb) on our side.
          bodyParsers: { json: { limit: "64kb", strict: true, inflate: false }, urlencoded: false },
          aliases: { ...API_ROUTES, ...liveAliases(hub), ...OPENAPI_ALIASES, ...extraRoutes },
          onBeforeCall: passRequestMeta,
        },
      ],
      onError(
        this: { logger: { error(...a: unknown[]): void; warn(...a: unknown[]): void } },
        req: Req,
        res: ServerResponse,
        err: Error,
      ) {
        // A late failure of a request already answered (its budget ran out first): nothing to add.
        if (res.headersSent) return;
        const { status, body } = toErrorResponse(err);
        if (status === 503) this.logger.warn(`${req.method} ${req.url}: ${body.error.code}: ${err.message}`);
        else if (status >= 500) this.logger.error("Request failed", err);
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        if (status === 503) res.setHeader("Retry-After", String(RETRY_AFTER_SECONDS));
        // A 429 says how long the block lasts (login throttling).
        const wait = body.error.details.retryAfterSeconds;
        if (status === 429 && typeof wait === "number") res.setHeader("Retry-After", String(wait));
        res.writeHead(status);
        res.end(JSON.stringify(body));
      },
    },
    events: {
      /** An account's role, hospital or existence changed (on any node): its older tokens are refused from now. */
      [ACCOUNT_CHANGED](ctx: Context<AccountChanged>) {
        ledger.enter([ctx.params]);
      },
      "queue.board.updated"(ctx: Context<DayBusEvent<"queue.board.updated">>) {
        hub.board(ctx.params.payload);
      },
      "queue.ticket.*"(ctx: Context<DayBusEvent<`queue.ticket.${string}` & DayBusEvent["type"]>>) {
        hub.ticket(ctx.params.payload);
      },
    },
    /** Runs after moleculer-web's own `created`, which made the HTTP server; `started` listens. */
    created() {
      const server = this.server as Server;
      const listen = server.listen.bind(server);
      const withBacklog = (port: number, host: string, done: (err?: Error) => void) =>
        listen(port, host, LISTEN_BACKLOG, done);
      server.listen = withBacklog as Server["listen"];
    },

    started(this: { broker: ServiceBroker }) {
      const call = (since: number) =>
        this.broker.call<AccountChange[], { since: number }>("accounts.changesSince", { since });
      const read = () => {
        void readLedger(call).finally(() => {
          // Until the first read succeeds (the accounts service may still be starting), try again soon.
          if (!ledgerStopped)
            ledgerTimer = clock.after(ledger.everSynced ? app.config.accountSyncMs : 200, read);
        });
      };
      read();
    },

    stopped() {
      ledgerStopped = true;
      ledgerTimer?.cancel();
    },

    actions: {
      // Retrying moleculer-web's pipeline re-runs it on a rewritten request (a 404); the calls
      // inside retry on their own. One budget for the whole request, REQUEST_TIMEOUT_MS: the calls
      // inside get what is left of it (Moleculer's distributed timeout), retries included.
      // `timeout` is read by Moleculer but missing from its ActionSchema typings.
      rest: { retryPolicy: { enabled: false }, ...{ timeout: app.config.requestTimeoutMs } },
    },
    methods: {
      /** onError logs what deserves it; moleculer-web's own handler would log every 503 as an error. */
      errorHandler(this: { sendError(...a: unknown[]): unknown }, req: Req, res: ServerResponse, err: Error) {
        this.sendError(req, res, err);
      },

      /** An answer that arrives after the request was answered (503, budget spent) is dropped quietly. */
      sendResponse(this: unknown, req: Req, res: ServerResponse, data: unknown, action: unknown): unknown {
        if (res.headersSent) return undefined;
        return (ApiGateway.methods?.sendResponse as (...a: unknown[]) => unknown).call(
          this,
          req,
          res,
          data,
          action,
        );
      },

      /** Ends the open event streams: called as the broker starts stopping, so they do not hold up the drain. */
      endStreams() {
        hub.close();
      },

      /** Resolves a bearer token to a live user; a token of a deleted account, or from before a change to it, is refused. */
      async authenticate(
        ctx: Context<unknown, AuthMeta>,
        _route: unknown,
        req: Req,
      ): Promise<AuthUser | null> {
        const header = req.headers.authorization;
        if (!header) return null;
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match) throw unauthorized("INVALID_TOKEN", "Authorization must be 'Bearer <token>'.");
        const claims = verifyToken(match[1], app.jwtSecret);
        const id = Number(claims?.sub);
        if (!claims || !Number.isInteger(id) || id <= 0) {
          throw unauthorized("INVALID_TOKEN", "The token is invalid or expired.");
        }
        return userOf(ctx, id, claims);
      },

      /**
       * Who may call, then what they may send: the role from the route table, the
       * hospital of a staff route's path (so staff of another hospital get 403
       * before any body is judged), then the input checks every route shares.
       */
      authorize(
        ctx: Context<unknown, AuthMeta>,
        _route: unknown,
        req: Req,
        _res: ServerResponse,
        alias?: RouteSpec & { path?: string },
      ) {
        const roles = alias?.roles;
        if (roles) {
          const user = ctx.meta.user;
          if (!user)
            throw unauthorized("AUTH_REQUIRED", "Sign in first: send Authorization: Bearer <token>.");
          if (!roles.includes(user.role))
            throw forbidden(`This needs the role ${roles.join(" or ")}.`, "WRONG_ROLE");
          // Path params override body and query in moleculer-web's merge, so this is the path's value.
          const param = req.$params?.hospitalId;
          const pathHospital =
            /:hospitalId\b/.test(alias.path ?? "") && typeof param === "string" ? param : undefined;
          if (
            user.role === "staff" &&
            pathHospital !== undefined &&
            String(user.hospitalId) !== pathHospital
          ) {
            throw forbidden(`Only staff of hospital ${pathHospital} may do this.`, "WRONG_HOSPITAL");
          }
        }
        const params = req.$params ?? {};
        assertNoControlCharacters(params);
        // Event streams are alias functions without an action (and without a schema to hold to).
        if (req.$action) assertKnownFields(params, req.$action.params);
      },
    },
  };
}

const unknownUser = () => unauthorized("UNKNOWN_USER", "The account of this token no longer exists.");
const roleMismatch = () =>
  forbidden("The account changed since this token was issued; sign in again.", "ROLE_MISMATCH");
