/** Coupon codes patients type or scan: 12 characters without look-alikes (no 0/O, 1/I/L), grouped by 4. */
import crypto from "node:crypto";

const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export function newCouponCode(): string {
  const bytes = crypto.randomBytes(12);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4, 8).join("")}-${chars.slice(8).join("")}`;
}

/** A claim's value in the counter: coupon id and code together, so a repeat claim can name both. */
export const claimValue = (couponId: string, code: string): string => `${couponId}.${code}`;

export function parseClaimValue(value: string): { couponId: string; code: string } {
  const dot = value.indexOf(".");
  return { couponId: value.slice(0, dot), code: value.slice(dot + 1) };
}
