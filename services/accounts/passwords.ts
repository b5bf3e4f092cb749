/** Password hashing with argon2id (a maintained library; never hand-rolled). */
import argon2 from "argon2";

export const hashPassword = (password: string): Promise<string> =>
  argon2.hash(password, { type: argon2.argon2id });

/** A hash of nothing in particular, verified when the email is unknown so both paths take as long. */
let decoyHash: Promise<string> | null = null;

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    decoyHash ??= hashPassword("decoy-password-for-timing");
    await argon2.verify(await decoyHash, password);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}
