import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta, AuthUser } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { answerOnce } from "../../platform/db/idempotency-keys";
import { RetryableError, conflict, forbidden, notFound, unprocessable } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { createKafka } from "../../platform/kafka";
import { idParam, setStatus } from "../../platform/params";
import { requestHash } from "../../platform/request-hash";
import { consumerMixin } from "../outbox/consumers";
import type { ClaimLog } from "./claim-log/claim-log";
import { directClaimLog } from "./claim-log/direct";
import { CLAIMED, kafkaClaimLog } from "./claim-log/kafka";
import { claimValue, newCouponCode, parseClaimValue } from "./coupon-codes";
import type { Campaign } from "./coupon-rules";
import { closedReason } from "./coupon-rules";
import type { ClaimedCoupon } from "./coupon-store";
import { CouponStore } from "./coupon-store";
import { campaignParams, toCampaign } from "./campaign.params";
import type { CampaignInput } from "./campaign.params";
import { bookingActions } from "./coupon-booking";
import { couponFollows } from "./coupon-follows";
import { Reconciler } from "./reconciler";
import { resolveStock } from "./stock";

type Meta = AuthMeta & { idempotencyKey?: string };

/** What a claim answers (201), also what a keyed retry gets again. */
interface ClaimAnswer {
  couponId: string;
  code: string;
  campaignId: number;
  status: "issued";
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * First-come-first-served coupons (선착순 쿠폰). A claim is decided by one
 * atomic step of the counter (Redis Lua, or memory when embedded): already
 * claimed? any left? take one. It is then made durable — a Kafka message
 * acknowledged by the cluster, or the row itself without Kafka — before the
 * 201; if that fails the claim is undone and the answer is 503, nothing
 * issued. The database is the truth: the reconciler rebuilds the counter
 * from it at start, every minute and on an admin's request.
 */
export function couponsService(app: App): ServiceSchema {
  const store = new CouponStore(app.sequelize);
  const stock = resolveStock(app.config);
  const kafka = app.config.kafka ? createKafka(app.config.kafka) : null;
  const log: ClaimLog = kafka
    ? kafkaClaimLog(kafka, app.config.kafka?.topicPrefix ?? "")
    : directClaimLog(app.sequelize, store);
  const reconciler = new Reconciler(store, stock, () => app.now().getTime());
  const now = () => app.now().getTime();

  async function campaignOr404(id: number): Promise<Campaign> {
    const campaign = await reconciler.campaign(id);
    if (!campaign) throw notFound("Coupon campaign", id);
    return campaign;
  }

  /** One claim through the counter; an unknown campaign is loaded from the database once. */
  async function take(campaign: Campaign, accountId: number, value: string) {
    const first = await stock.claim(campaign.id, accountId, value);
    if (first.outcome !== "unknown") return first;
    await reconciler.repair(campaign);
    return stock.claim(campaign.id, accountId, value);
  }

  async function claim(ctx: Context<{ id: number }, Meta>, user: AuthUser): Promise<ClaimAnswer> {
    const campaign = await campaignOr404(ctx.params.id);
    const closed = closedReason(campaign, now());
    if (closed)
      throw unprocessable("CAMPAIGN_NOT_ACTIVE", closed, {
        startsAt: iso(campaign.startsAt),
        endsAt: iso(campaign.endsAt),
      });
    const couponId = uuidv7(now());
    const result = await take(campaign, user.id, claimValue(couponId, newCouponCode()));
    if (result.outcome === "sold_out") throw conflict("SOLD_OUT", "All coupons of this campaign are taken.");
    if (result.outcome !== "issued") {
      throw conflict("ALREADY_CLAIMED", "You already have a coupon from this campaign.", {
        code: result.outcome === "already" ? parseClaimValue(result.code).code : undefined,
      });
    }
    const { code } = parseClaimValue(result.code);
    const claimed: ClaimedCoupon = { couponId, campaignId: campaign.id, accountId: user.id, code, at: now() };
    try {
      await log.append(claimed);
    } catch (err) {
      await stock.undo(campaign.id, user.id, result.code);
      ctx.broker.logger.warn("A coupon claim could not be made durable; undone", err);
      throw new RetryableError(
        "COUPON_NOT_ISSUED",
        "The coupon could not be issued just now; nothing was issued. Retry.",
      );
    }
    if (ctx.broker.isMetricsEnabled()) ctx.broker.metrics.increment("hre_coupons_issued_total");
    return { couponId, code, campaignId: campaign.id, status: "issued" };
  }

  return {
    name: "coupons",
    mixins: [
      consumerMixin(
        {
          name: "coupons.persist",
          eventTypes: [CLAIMED],
          handleBatch: (events, transaction) =>
            store.persist(
              events.map((e) => e.payload as ClaimedCoupon),
              transaction,
            ),
        },
        app,
      ),
      consumerMixin(couponFollows(store, now), app),
    ],
    actions: {
      /** A campaign (admins anywhere; staff for their own hospital). */
      createCampaign: {
        params: campaignParams,
        async handler(ctx: Context<CampaignInput, AuthMeta>) {
          const user = requireUser(ctx);
          const hospitalId =
            user.role === "staff"
              ? (ctx.params.hospitalId ?? user.hospitalId)
              : (ctx.params.hospitalId ?? null);
          if (user.role === "staff" && hospitalId !== user.hospitalId)
            throw forbidden("Staff may create campaigns for their own hospital only.", "WRONG_HOSPITAL");
          if (hospitalId !== null) await ctx.call("hospitals.timeZone", { hospitalId });
          const campaign = await store.createCampaign(toCampaign(ctx.params, hospitalId), user.id, now());
          await reconciler.repair(campaign);
          setStatus(ctx, 201, `/api/v1/coupon-campaigns/${campaign.id}`);
          return view(campaign);
        },
      },

      /** A campaign with how many coupons are issued and left, as the counter has it. */
      getCampaign: {
        idempotent: true,
        params: { id: idParam },
        async handler(ctx: Context<{ id: number }>) {
          const campaign = await campaignOr404(ctx.params.id);
          const snapshot = (await stock.snapshot(campaign.id)) ?? (await reconciler.repair(campaign));
          const issued = campaign.quantity - snapshot.remaining;
          return { ...view(campaign), issued, remaining: snapshot.remaining };
        },
      },

      /** A patient claims a coupon; with an Idempotency-Key a retry gets the first answer again. */
      claim: {
        params: { id: idParam },
        async handler(ctx: Context<{ id: number }, Meta>) {
          const user = requireUser(ctx);
          const answer = await answerOnce(
            app.sequelize,
            {
              accountId: user.id,
              key: ctx.meta.idempotencyKey,
              hash: requestHash({ action: "coupons.claim", id: ctx.params.id }),
              scope: `campaign:${ctx.params.id}`,
              now: now(),
            },
            () => claim(ctx, user),
          );
          return created(ctx, answer);
        },
      },

      /** The signed-in patient's coupons (persisted ones: a claim appears within seconds). */
      listMine: {
        idempotent: true,
        async handler(ctx: Context<unknown, AuthMeta>) {
          const user = requireUser(ctx);
          const items = (await store.couponsOf(user.id)).map((c) => ({
            couponId: c.id,
            code: c.code,
            campaignId: c.campaignId,
            status: c.status,
            discount: c.discount,
          }));
          return { items, total: items.length };
        },
      },

      /** Compares the counter with the database and repairs the counter (admins). */
      reconcile: {
        params: { id: idParam },
        async handler(ctx: Context<{ id: number }>) {
          const campaign = await campaignOr404(ctx.params.id);
          const before = await stock.snapshot(campaign.id);
          const persisted = await store.issuedCount(campaign.id);
          const after = await reconciler.repair(campaign);
          return {
            campaignId: campaign.id,
            quantity: campaign.quantity,
            persisted,
            counterBefore: before ? { remaining: before.remaining, claims: before.claims.size } : null,
            counterAfter: { remaining: after.remaining, claims: after.claims.size },
          };
        },
      },

      ...bookingActions(store, now),
    },

    created(this: { broker: Context["broker"] }) {
      if (this.broker.isMetricsEnabled())
        this.broker.metrics.register({
          name: "hre_coupons_issued_total",
          type: "counter",
          description: "Coupons issued (claims made durable)",
        });
    },

    started() {
      log.start();
      reconciler.start();
    },

    async stopped() {
      reconciler.stop();
      await log.stop();
      await stock.close();
      await kafka?.close();
    },
  };
}

function view(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    discount: c.discount,
    quantity: c.quantity,
    startsAt: iso(c.startsAt),
    endsAt: iso(c.endsAt),
    hospitalId: c.hospitalId,
  };
}

function created(ctx: Context, answer: ClaimAnswer): ClaimAnswer {
  setStatus(ctx, 201, "/api/v1/me/coupons");
  return answer;
}
