import jwt from "jsonwebtoken";
import { verifyToken } from "./tokens";

const SECRET = "a-test-secret-that-is-long-enough-0123456789";
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const sec = Math.floor(NOW / 1000);
const sign = (claims: object) =>
  jwt.sign({ sub: "7", role: "patient", ...claims }, SECRET, { algorithm: "HS256" });

describe("verifyToken", () => {
  test("a token with exp in the future and iat now is accepted", () => {
    expect(verifyToken(sign({ iat: sec, exp: sec + 60 }), SECRET, NOW)).toEqual({
      sub: "7",
      role: "patient",
      hid: undefined,
    });
  });

  test("a token without exp is refused: it would never expire", () => {
    expect(verifyToken(sign({ iat: sec }), SECRET, NOW)).toBeNull();
  });

  test("iat may lead our clock by the small skew only", () => {
    expect(verifyToken(sign({ iat: sec + 30, exp: sec + 3600 }), SECRET, NOW)).not.toBeNull();
    expect(verifyToken(sign({ iat: sec + 3600, exp: sec + 7200 }), SECRET, NOW)).toBeNull();
  });

  test("nbf is honoured", () => {
    expect(verifyToken(sign({ iat: sec, nbf: sec + 600, exp: sec + 3600 }), SECRET, NOW)).toBeNull();
    expect(verifyToken(sign({ iat: sec, nbf: sec - 1, exp: sec + 3600 }), SECRET, NOW)).not.toBeNull();
  });

  test("an expired token is refused", () => {
    expect(verifyToken(sign({ iat: sec - 7200, exp: sec - 3600 }), SECRET, NOW)).toBeNull();
  });

  test("a token checked once is still refused once it expires, and under another secret", () => {
    const token = sign({ iat: sec, exp: sec + 60 });
    expect(verifyToken(token, SECRET, NOW)).not.toBeNull();
    expect(verifyToken(token, SECRET, NOW + 59_999)).not.toBeNull();
    expect(verifyToken(token, SECRET, NOW + 60_000)).toBeNull();
    expect(verifyToken(token, `${SECRET}-rotated`, NOW)).toBeNull();
  });

  test("a token refused once is checked again, not remembered as refused", () => {
    const token = sign({ iat: sec, nbf: sec + 600, exp: sec + 3600 });
    expect(verifyToken(token, SECRET, NOW)).toBeNull();
    expect(verifyToken(token, SECRET, NOW + 600_000)).not.toBeNull();
  });

  test("a token signed otherwise, altered, or not a token at all is refused", () => {
    const claims = { sub: "7", role: "patient", iat: sec, exp: sec + 60 };
    const good = sign(claims);
    const [head, body, signature] = good.split(".");
    const forged = Buffer.from(JSON.stringify({ ...claims, role: "admin" })).toString("base64url");
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${body}.`;
    const refused = [
      jwt.sign(claims, `${SECRET}-other`, { algorithm: "HS256" }),
      jwt.sign(claims, SECRET, { algorithm: "HS512" }),
      unsigned,
      `${head}.${forged}.${signature}`,
      `${good}x`,
      `${good}=`,
      `${head}.${body}`,
      "",
      "a.b.c",
      `${Buffer.from("[1]").toString("base64url")}.${body}.${signature}`,
    ];
    for (const token of refused) expect(verifyToken(token, SECRET, NOW)).toBeNull();
    expect(verifyToken(good, SECRET, NOW)).not.toBeNull();
  });
});
