import cron from "node-cron";
import type { ScheduledTask } from "node-cron";
import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { assertHospitalStaff, requireUser } from "../../platform/auth";
import { badInput, conflict } from "../../platform/errors";
import { dateParam, idParam, pageParams, pageWindow } from "../../platform/params";
import type { Page } from "../../platform/params";
import { addDays, localMoment } from "../../platform/time";
import type { SettleResult } from "./settlement-batch";
import { settleDate } from "./settlement-batch";
import { withSettlementLock } from "./settlement-lock";
import { SettlementStore } from "./settlement-store";

/** When the daily run starts, in {@link SETTLEMENT_ZONE}: 00:10, after the day's last payments settle. */
export const DEFAULT_SETTLEMENT_CRON = "10 0 * * *";
/** Settlement days are Korean calendar days. */
export const SETTLEMENT_ZONE = "Asia/Seoul";
/** The longest range one list request may span (a year, leap day included). */
export const MAX_LIST_DAYS = 366;
export const LAST_SUCCESS_METRIC = "hre_settlement_last_success_timestamp_seconds";

/** The day the daily run settles at `now`: yesterday on the Seoul calendar. */
export const dayToSettle = (now: Date): string => addDays(localMoment(now, SETTLEMENT_ZONE).date, -1);

type ListParams = Page & { hospitalId: number; from: string; to: string };

export interface SettlementServiceOptions {
  /** Cron expression of the daily run; null schedules none (tests, nodes that must not run it). */
  cron?: string | null;
}

/**
 * Daily settlement (정산): each hospital's payments, refunds, discounts, PG
 * fees and net per day. Every node schedules the run; the named lock lets one
 * of them do it and the others skip. Staff read their hospital's rows.
 */
export function settlementService(app: App, options: SettlementServiceOptions = {}): ServiceSchema {
  const store = new SettlementStore(app.sequelize);
  const now = () => app.now().getTime();
  const expression = options.cron === undefined ? DEFAULT_SETTLEMENT_CRON : options.cron;
  let task: ScheduledTask | null = null;

  /** Settles `date` under the lock; null when another run holds it. */
  async function settle(broker: ServiceBroker, date: string): Promise<SettleResult | null> {
    const outcome = await withSettlementLock(app.sequelize, date, () =>
      settleDate(app.sequelize, date, { now }),
    );
    if (!outcome.ran) return null;
    const result = outcome.value;
    if (broker.isMetricsEnabled()) broker.metrics.set(LAST_SUCCESS_METRIC, Math.floor(now() / 1000));
    broker.logger.info(
      `Settled ${date}: ${result.totals.hospitals} hospitals, ${result.written} rows written` +
        (result.resumedAfter > 0 ? ` (resumed after hospital ${result.resumedAfter})` : ""),
    );
    return result;
  }

  /**
   * The cron's run: yesterday in Seoul unless a node already finished it, and
   * first any earlier day whose run died (the lock is free again once its
   * node's connection is gone), so a crash is resumed by the next tick.
   */
  async function daily(broker: ServiceBroker): Promise<void> {
    const date = dayToSettle(app.now());
    const dates = [...(await store.unfinishedBefore(date)), date];
    for (const day of dates) {
      if ((await store.runStatus(day))?.status === "done") continue;
      const result = await settle(broker, day);
      if (!result) broker.logger.info(`Settlement of ${day} is running on another node; skipped here.`);
    }
  }

  return {
    name: "settlement",
    actions: {
      /** Settles one day now (admin REPL, scripts): recomputes a finished day, resumes an interrupted one. */
      settle: {
        params: { $$strict: true, date: dateParam },
        async handler(ctx: Context<{ date: string }>) {
          const result = await settle(ctx.broker, ctx.params.date);
          if (!result)
            throw conflict("SETTLEMENT_RUNNING", `Settlement of ${ctx.params.date} is already running.`);
          return result;
        },
      },

      /** A hospital's settlement rows between two dates (its staff, admins). */
      list: {
        idempotent: true,
        params: { $$strict: true, hospitalId: idParam, from: dateParam, to: dateParam, ...pageParams },
        async handler(ctx: Context<ListParams, AuthMeta>) {
          assertHospitalStaff(requireUser(ctx), ctx.params.hospitalId);
          const { hospitalId, from, to } = ctx.params;
          if (to < from) throw badInput("to", "The 'to' date must not be before 'from'.");
          if (addDays(from, MAX_LIST_DAYS - 1) < to)
            throw badInput("to", `A range spans at most ${MAX_LIST_DAYS} days.`);
          return store.list(hospitalId, from, to, pageWindow(ctx.params));
        },
      },
    },

    methods: {
      /** What the cron runs (tests call it without waiting for 00:10). */
      runDaily(this: { broker: ServiceBroker }): Promise<void> {
        return daily(this.broker);
      },
    },

    created(this: { broker: ServiceBroker }) {
      if (this.broker.isMetricsEnabled())
        this.broker.metrics.register({
          name: LAST_SUCCESS_METRIC,
          type: "gauge",
          description: "When a settlement run last finished (Unix seconds)",
        });
    },

    started(this: { broker: ServiceBroker }) {
      if (expression === null) return;
      const broker = this.broker;
      task = cron.schedule(
        expression,
        // A failed run leaves its checkpoint; the next tick or an admin's `settlement.settle` resumes it.
        () => daily(broker).catch((err: unknown) => broker.logger.error("Daily settlement failed", err)),
        { timezone: SETTLEMENT_ZONE, name: "settlement" },
      );
    },

    async stopped() {
      await task?.destroy();
      task = null;
    },
  };
}
