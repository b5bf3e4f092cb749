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

/** The HMAC key per secret, made once: building a key object per check is wasted work. */
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
 * future beyond a small skew, and `nbf` is honoured.
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

/** A base64url JSON object, or null for anything else. */
function jsonPart(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Whether the token's signature is HS256 over its first two parts under the
 * secret. The signature must be exactly the canonical base64url text (Node's
 * decoder would skip stray characters), compared in constant time.
 */
function signedBy(token: string, secret: string): boolean {
  const lastDot = token.lastIndexOf(".");
  const expected = crypto
    .createHmac("sha256", secretKey(secret))
    .update(token.slice(0, lastDot))
    .digest("base64url");
  const given = Buffer.from(token.slice(lastDot + 1));
  return given.length === expected.length && crypto.timingSafeEqual(given, Buffer.from(expected));
}

/**
 * The check itself, done here rather than by jsonwebtoken: for the one
 * algorithm we accept it is an HMAC and two JSON parses, and jsonwebtoken's
 * general path (streams, option checks, three libraries) cost ~5 % of the
 * server's CPU in `bench:hotspot`, where every request brings a new token.
 */
function checkToken(
  token: string,
  secret: string,
  nowMs: number,
): { claims: TokenClaims; expMs: number } | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !signedBy(token, secret)) return null;
  if (jsonPart(parts[0])?.alg !== "HS256") return null;
  const payload = jsonPart(parts[1]);
  if (!payload || typeof payload.sub !== "string") return null;
  const nowSec = nowMs / 1000;
  const { exp, iat, nbf, role, hid, pid, ver } = payload;
  if (typeof exp !== "number" || exp <= Math.floor(nowSec)) return null;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > Math.floor(nowSec))) return null;
  if (iat !== undefined && (typeof iat !== "number" || iat > nowSec + CLOCK_SKEW_SECONDS)) return null;
  if (role !== "patient" && role !== "staff" && role !== "admin") return null;
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  return {
    claims: { sub: payload.sub, role, hid: num(hid), pid: num(pid), ver: num(ver) },
    expMs: exp * 1000,
  };
}
