import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import { notFound } from "../../platform/errors";
import { dateParam, idParam } from "../../platform/params";
import { AvailabilityCopy } from "../../services/day/availability-copy";
import type { DoctorAvailability } from "../../services/day/decisions/availability";
import { dayKeyOf } from "../../services/day/day-key";
import type { CalendarSnapshot } from "../../services/hospitals/calendar-repository";
import { loadCalendar } from "../../services/hospitals/calendar-repository";
import { sqlAvailability } from "./availability-sql";

/** What the copy reader saw: answers from Redis, and misses that went to the actor as the route does. */
export interface CopyStats {
  hits: number;
  misses: number;
}

type DayParams = { hospitalId: number; date: string };
type Answer = { hospitalId: number; date: string; doctors: DoctorAvailability[] };

const dayParams = { hospitalId: idParam, date: dateParam };

/**
 * The availability readers bench:availability puts beside `day.availability`,
 * each an ordinary local action so every design pays the same broker call:
 * the Redis copy with the route's fallback (`copy`), the SQL aggregate with the
 * calendar read each time (`sql`) or held from the first read (`sqlCachedCalendar`),
 * and a no-op (`noop`), the ceiling of the broker call itself.
 */
export function availabilityReadService(app: App, stats: CopyStats): ServiceSchema {
  let copy: AvailabilityCopy | null = null;
  const calendars = new Map<number, Promise<CalendarSnapshot | null>>();
  const answer = (p: DayParams, doctors: DoctorAvailability[] | null): Answer => {
    if (!doctors) throw notFound("Hospital", p.hospitalId);
    return { hospitalId: p.hospitalId, date: p.date, doctors };
  };
  return {
    name: "benchAvailability",
    actions: {
      /** `appointments.availability` without its doctor filter: the copy while it holds, else the actor. */
      copy: {
        params: dayParams,
        async handler(ctx: Context<DayParams>): Promise<Answer> {
          const { hospitalId, date } = ctx.params;
          const doctors = await copy?.read(hospitalId, date, app.clock.now());
          if (doctors) {
            stats.hits++;
            return answer(ctx.params, doctors);
          }
          stats.misses++;
          return ctx.call("day.availability", { dayKey: dayKeyOf(hospitalId, date) });
        },
      },
      sql: {
        params: dayParams,
        async handler(ctx: Context<DayParams>): Promise<Answer> {
          return answer(ctx.params, await sqlAvailability(app, ctx.params, app.clock.now()));
        },
      },
      sqlCachedCalendar: {
        params: dayParams,
        async handler(ctx: Context<DayParams>): Promise<Answer> {
          const { hospitalId } = ctx.params;
          if (!calendars.has(hospitalId)) calendars.set(hospitalId, loadCalendar(app, hospitalId));
          const calendar = (await calendars.get(hospitalId)) ?? undefined;
          if (!calendar) return answer(ctx.params, null);
          return answer(ctx.params, await sqlAvailability(app, ctx.params, app.clock.now(), calendar));
        },
      },
      noop: {
        params: dayParams,
        handler: (ctx: Context<DayParams>): Answer => ({ ...ctx.params, doctors: [] }),
      },
    },
    created() {
      if (app.config.redisUrl) copy = new AvailabilityCopy(app.config.redisUrl, app.config.namespace);
    },
    async stopped() {
      await copy?.close();
    },
  };
}
