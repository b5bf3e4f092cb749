import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import { badInput } from "../../platform/errors";
import { pageParams, pageWindow } from "../../platform/params";
import { consumerMixin } from "../outbox/consumers";
import { publicHolidays } from "../hospitals/public-holidays";
import { departmentsNamed } from "./departments";
import { SearchUnavailableError, resolve } from "./engines";
import type { SearchEngine } from "./engines";
import { tableSource } from "./hospital-docs";
import { applyChanges, searchIndexConsumer } from "./index-consumer";

interface ListParams {
  q?: string;
  department?: string;
  lat?: number;
  lng?: number;
  radiusKm: number;
  openNow?: boolean;
  page: number;
  size: number;
}

const SUGGESTIONS = 10;
/** Deepest result a page may reach (Elasticsearch's default `max_result_window`; the same on both engines). */
const MAX_WINDOW = 10_000;
const OPEN_RETRY_MS = 30_000;
const queryText = { type: "string", trim: true, min: 1, max: 60 } as const;
/** Tells every search node which hospitals one node's consumer just indexed. */
const INDEXED = "search.index.changed";

interface Indexed {
  hospitalIds: number[];
  from: string;
}

/**
 * Hospital search (`GET /hospitals`, `GET /hospitals/suggest`): a name infix,
 * 초성, a department by any of its names, a district or road; near a point,
 * open now. The engine is the embedded index or Elasticsearch (`resolve`);
 * it is built at start and kept current from `hospital.changed` events.
 */
export function searchService(app: App, engine: SearchEngine = resolve(app.config)): ServiceSchema {
  let retry: NodeJS.Timeout | null = null;
  let broker: ServiceBroker | null = null;
  // Each change event reaches one search node; an embedded index is one per node, so the
  // others are told (Elasticsearch is one index for all: nothing to tell).
  const tellPeers = (hospitalIds: number[]) => {
    if (engine.kind === "embedded" && broker)
      void broker
        .broadcast(INDEXED, { hospitalIds, from: broker.nodeID } satisfies Indexed, { groups: ["search"] })
        .catch((err: unknown) => broker?.logger.warn("Could not tell the other search nodes", err));
  };
  return {
    name: "search",
    mixins: [consumerMixin(searchIndexConsumer(app, engine, tellPeers), app)],
    actions: {
      /** The hospitals matching, best first (exact > prefix > infix > 초성 > department or place), then nearest. */
      list: {
        idempotent: true,
        params: {
          $$strict: true,
          q: { ...queryText, optional: true },
          department: { type: "string", trim: true, min: 1, max: 40, optional: true },
          lat: { type: "number", min: -90, max: 90, convert: true, optional: true },
          lng: { type: "number", min: -180, max: 180, convert: true, optional: true },
          radiusKm: { type: "number", positive: true, max: 50, convert: true, default: 5 },
          openNow: { type: "boolean", convert: true, optional: true },
          ...pageParams,
        },
        async handler(ctx: Context<ListParams>) {
          const p = ctx.params;
          if ((p.lat === undefined) !== (p.lng === undefined)) {
            throw badInput(p.lat === undefined ? "lat" : "lng", "Send lat and lng together.");
          }
          if (p.page * p.size > MAX_WINDOW) {
            throw badInput(
              "page",
              `The 'page' field reaches past result ${MAX_WINDOW}; narrow the search instead.`,
            );
          }
          const named = p.department === undefined ? undefined : departmentsNamed(p.department);
          const { limit, offset } = pageWindow(p);
          return engine.search(
            {
              q: p.q,
              // A department no name resolves to is still a filter: it matches nothing.
              departments: named && (named.length > 0 ? named : [p.department ?? ""]),
              near:
                p.lat !== undefined && p.lng !== undefined
                  ? { lat: p.lat, lng: p.lng, radiusKm: p.radiusKm }
                  : undefined,
              openNow: p.openNow,
              offset,
              limit,
            },
            { now: app.now(), publicHolidays: p.openNow ? await publicHolidays(app) : [] },
          );
        },
      },

      /** At most ten hospital names for autocomplete, best match first. */
      suggest: {
        idempotent: true,
        params: { $$strict: true, q: queryText },
        async handler(ctx: Context<{ q: string }>) {
          return { items: await engine.suggest(ctx.params.q, SUGGESTIONS) };
        },
      },

      /** Rebuilds the index from the hospitals table (operators; `npm run reindex` does the same offline). */
      rebuild: {
        visibility: "public",
        async handler() {
          const started = Date.now();
          await engine.rebuild(tableSource(app));
          return { engine: engine.kind, ms: Date.now() - started };
        },
      },
    },

    events: {
      /** Another node indexed these hospitals: this node's embedded copy follows. */
      async [INDEXED](ctx: Context<Indexed>) {
        if (engine.kind !== "embedded" || ctx.params.from === ctx.broker.nodeID) return;
        await applyChanges(app, engine, ctx.params.hospitalIds);
      },
    },

    created(this: { broker: ServiceBroker }) {
      broker = this.broker;
    },

    async started(this: { logger: { warn(...args: unknown[]): void } }) {
      const open = async (): Promise<void> => {
        try {
          await engine.open(tableSource(app));
        } catch (err) {
          // Elasticsearch down must not keep the node from starting: searches answer 503 until it is back.
          if (!(err instanceof SearchUnavailableError)) throw err;
          this.logger.warn(`Search index not ready, retrying in ${OPEN_RETRY_MS} ms: ${err.message}`);
          retry = setTimeout(() => void open().catch(() => undefined), OPEN_RETRY_MS);
          retry.unref();
        }
      };
      await open();
    },

    async stopped() {
      if (retry) clearTimeout(retry);
      await engine.close();
    },
  };
}
