/** The body of `POST /coupon-campaigns`, checked field by field before anything is stored. */
import { badInput } from "../../platform/errors";
import type { Campaign } from "./coupon-rules";

export interface CampaignInput {
  name: string;
  discount: Campaign["discount"];
  quantity: number;
  startsAt?: string;
  endsAt?: string;
  hospitalId?: number;
}

const instant = { type: "date", convert: true, optional: true } as const;

export const campaignParams = {
  $$strict: true,
  name: { type: "string", trim: true, min: 1, max: 120 },
  discount: {
    type: "object",
    strict: true,
    props: {
      type: { type: "enum", values: ["amount", "percent"] },
      value: { type: "number", integer: true, positive: true, max: 1_000_000 },
    },
  },
  quantity: { type: "number", integer: true, positive: true, max: 1_000_000 },
  startsAt: instant,
  endsAt: instant,
  hospitalId: { type: "number", integer: true, positive: true, optional: true },
} as const;

/** The campaign to store; percent over 100 and an end before the start are refused here. */
export function toCampaign(input: CampaignInput, hospitalId: number | null): Omit<Campaign, "id"> {
  const startsAt = input.startsAt === undefined ? null : new Date(input.startsAt).getTime();
  const endsAt = input.endsAt === undefined ? null : new Date(input.endsAt).getTime();
  if (input.discount.type === "percent" && input.discount.value > 100)
    throw badInput("discount.value", "A percent discount is at most 100.");
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt)
    throw badInput("endsAt", "The campaign must end after it starts.");
  return {
    name: input.name,
    discount: input.discount,
    quantity: input.quantity,
    startsAt,
    endsAt,
    hospitalId,
  };
}
