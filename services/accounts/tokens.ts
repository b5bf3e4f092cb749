/**
 * HS256 bearer tokens with the claims API.md fixes: sub, role, hid (staff),
 * exp; and ours: the account's own patient (pid) and the account's version in
 * the change ledger when issued (ver, see account-changes.ts).
 */
import crypto from "node:crypto";
import type { KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import type { Role } from "../../platform/db/models";

export interface TokenClaims {
  sub: string;
  role: Role;
  hid?: number;
  pid?: number;
  ver?: number;
}

export function signToken(claims: TokenClaims, secret: string, ttlSeconds: number): string {
  return jwt.sign(claims, secret, { algorithm: "HS256", expiresIn: ttlSeconds });
}

/**
 * Handed a plain string, jsonwebtoken first tries it as a public key (and
 * fails) on every call; a ready secret key makes each check about 5× cheaper.
 */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = crypto.createSecretKey(Buffer.from(secret, "utf8"));
    secretKeys.set(secret, key);
  }
  return key;
}

/** How far a token's `iat` may lie ahead of our clock: other nodes' clocks drift a little. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * The claims of a valid, unexpired token, or null for anything else. `exp` is
 * required (a token without one would never expire), `iat` may not lie in the
 * future beyond a small skew, and `nbf` is honoured (by jsonwebtoken).
 */
export function verifyToken(token: string, secret: string, nowMs = Date.now()): TokenClaims | null {
  const known = verified.get(token);
  if (known && known.secret === secret) return known.expMs > nowMs ? known.claims : null;
  const claims = checkToken(token, secret, nowMs);
  if (claims) {
    if (verified.size >= MAX_VERIFIED) verified.clear();
    verified.set(token, { secret, ...claims });
  }
  return claims ? claims.claims : null;
}

/**
 * Tokens already checked, by their text: a token that was valid stays valid
 * until it expires (its signature cannot change), and a patient's phone sends
 * the same one with every request. Checking it again cost ~8 % of the server's
 * CPU in an open run. Cleared when full; an invalid token is never kept.
 */
const verified = new Map<string, { secret: string; claims: TokenClaims; expMs: number }>();
const MAX_VERIFIED = 20_000;

function checkToken(
  token: string,
  secret: string,
  nowMs: number,
): { claims: TokenClaims; expMs: number } | null {
  try {
    const payload = jwt.verify(token, secretKey(secret), {
      algorithms: ["HS256"],
      clockTimestamp: Math.floor(nowMs / 1000),
    });
    if (typeof payload !== "object" || typeof payload.sub !== "string") return null;
    if (typeof payload.exp !== "number") return null;
    if (
      payload.iat !== undefined &&
      (typeof payload.iat !== "number" || payload.iat > nowMs / 1000 + CLOCK_SKEW_SECONDS)
    )
      return null;
    const role = payload.role as unknown;
    if (role !== "patient" && role !== "staff" && role !== "admin") return null;
    const { hid, pid, ver } = payload as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === "number" ? v : undefined);
    return {
      claims: { sub: payload.sub, role, hid: num(hid), pid: num(pid), ver: num(ver) },
      expMs: payload.exp * 1000,
    };
  } catch {
    return null;
  }
}
