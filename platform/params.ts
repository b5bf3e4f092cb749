/**
 * Reusable fastest-validator rules, so every action names a bad field the same
 * way (422 VALIDATION_ERROR with the field) before its handler runs.
 */
import { isValidClockTime, isValidDate } from "./time";

type Errors = { type: string; actual: unknown }[];

export const idParam = { type: "number", integer: true, positive: true, convert: true } as const;
export const optionalIdParam = { ...idParam, optional: true } as const;

export const dateParam = {
  type: "string",
  custom: (value: string, errors: Errors) => {
    if (!isValidDate(value)) errors.push({ type: "calendarDate", actual: value });
    return value;
  },
  messages: { calendarDate: "The '{field}' field must be a calendar date YYYY-MM-DD." },
} as const;

export const clockTimeParam = {
  type: "string",
  custom: (value: string, errors: Errors) => {
    if (!isValidClockTime(value)) errors.push({ type: "clockTime", actual: value });
    return value;
  },
  messages: { clockTime: "The '{field}' field must be a time HH:MM." },
} as const;

export const pageParams = {
  page: { type: "number", integer: true, min: 1, max: 10_000, convert: true, default: 1 },
  size: { type: "number", integer: true, min: 1, max: 100, convert: true, default: 20 },
} as const;

export interface Page {
  page: number;
  size: number;
}

export const pageWindow = ({ page, size }: Page) => ({ limit: size, offset: (page - 1) * size });

/** Sets the HTTP status the gateway answers with; a creation (201) names where the new thing lives. */
export function setStatus(ctx: { meta: object }, status: number, location?: string): void {
  const meta = ctx.meta as { $statusCode?: number; $location?: string };
  meta.$statusCode = status;
  if (location) meta.$location = location;
}
