/**
 * What a new password must be (sign-up only; existing and demo accounts keep
 * theirs): at least 10 characters, not one of the commonest leaked passwords,
 * and not mostly one character repeated. A params rule, so a weak password
 * is a 422 naming `password` before the handler runs.
 */
import { COMMON_PASSWORDS } from "./common-passwords";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

/** Why `password` is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  const chars = [...password];
  if (chars.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  // "Password123!" is "password" with the usual suffix.
  const stem = lower.replace(/[\d\W_]+$/u, "");
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(stem)) return "not a commonly used password";
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (Math.max(...counts.values()) * 2 > chars.length) return "not mostly one repeated character";
  return null;
}

type Errors = { type: string; actual: unknown }[];

export const passwordParam = {
  type: "string",
  max: MAX_PASSWORD_LENGTH,
  custom: (value: unknown, errors: Errors): unknown => {
    // Runs even when the string check failed: that error is already reported.
    if (typeof value !== "string") return value;
    const problem = passwordProblem(value);
    if (problem) errors.push({ type: "passwordPolicy", actual: problem });
    return value;
  },
  messages: { passwordPolicy: "The '{field}' field must be {actual}." },
} as const;
