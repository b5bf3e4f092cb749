/**
 * What a booking front (appointments.book) asks before it reaches the day's
 * actor: null to go on, or the 202 answer of API.md "Open-run admission"
 * (status, `Retry-After` and the body are set here).
 */
import type { Context } from "moleculer";
import type { App } from "../../platform/app";
import { setStatus } from "../../platform/params";
import type { EnterAnswer, EnterParams } from "./admission.service";

export interface AdmissionAnswer {
  admission: { ticket: string; position: number; retryAfterMs: number };
}

type GateMeta = { admissionTicket?: string; $responseHeaders?: Record<string, string> };

export async function admissionGate(
  app: App,
  ctx: Context<unknown, GateMeta>,
  asked: Omit<EnterParams, "ticket">,
): Promise<AdmissionAnswer | null> {
  if (!app.config.admission.enabled) return null;
  const ticket = ctx.meta.admissionTicket;
  const answer = await ctx.call<EnterAnswer, EnterParams>("admission.enter", {
    ...asked,
    ...(ticket ? { ticket } : {}),
  });
  if (answer.pass) return null;
  setStatus(ctx, 202);
  ctx.meta.$responseHeaders = {
    ...ctx.meta.$responseHeaders,
    "Retry-After": String(Math.max(1, Math.ceil(answer.admission.retryAfterMs / 1000))),
  };
  return { admission: answer.admission };
}
