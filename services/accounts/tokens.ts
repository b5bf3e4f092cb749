/** HS256 bearer tokens with the claims API.md fixes: sub, role, hid (staff), exp. */
import jwt from "jsonwebtoken";
import type { Role } from "../../platform/db/models";

export interface TokenClaims {
  sub: string;
  role: Role;
  hid?: number;
}

export function signToken(claims: TokenClaims, secret: string, ttlSeconds: number): string {
  return jwt.sign(claims, secret, { algorithm: "HS256", expiresIn: ttlSeconds });
}

/** The claims of a valid, unexpired token, or null for anything else. */
export function verifyToken(token: string, secret: string): TokenClaims | null {
  try {
    const payload = jwt.verify(token, secret, { algorithms: ["HS256"] });
    if (typeof payload !== "object" || typeof payload.sub !== "string") return null;
    const role = payload.role as unknown;
    if (role !== "patient" && role !== "staff" && role !== "admin") return null;
    const hid = payload.hid as unknown;
    return { sub: payload.sub, role, hid: typeof hid === "number" ? hid : undefined };
  } catch {
    return null;
  }
}
