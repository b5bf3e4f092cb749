import crypto from "node:crypto";

/**
 * A UUIDv7: time-ordered, so new rows land at the end of the primary-key index,
 * and made by the actor itself, so a group commit needs no round trip for ids.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = crypto.randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
