/**
 * Brute-force defence for `POST /auth/login` (API.md "Accounts"): after
 * `maxPerEmail` failures for one email within the window, every further
 * attempt for it is a 429 TOO_MANY_ATTEMPTS with `Retry-After`, whatever the
 * password, until the window ends; a looser limit per client address stops
 * one machine trying many emails. Counts live in an `AttemptStore`: Redis
 * when `REDIS_URL` is set (every gateway node shares them), memory otherwise.
 */
import crypto from "node:crypto";
import { ClientError } from "../../platform/errors";

export interface Attempts {
  count: number;
  /** Milliseconds until the window (and any block) ends. */
  resetInMs: number;
}

/** Failure counters in fixed windows that start at a key's first failure. */
export interface AttemptStore {
  /** Counts one failure under `key` and answers the window's count so far. */
  hit(key: string, windowMs: number): Promise<Attempts>;
  peek(key: string): Promise<Attempts>;
  clear(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface ThrottleLimits {
  maxPerEmail: number;
  maxPerAddress: number;
  windowMs: number;
}

/** API.md's 10 per email in 15 minutes; an office behind one address gets room for its people's typos. */
export const LOGIN_LIMITS: ThrottleLimits = { maxPerEmail: 10, maxPerAddress: 100, windowMs: 15 * 60_000 };

/** Keys carry a digest, not the email: the counter store need not hold personal data. */
const keyOf = (kind: "email" | "addr", value: string) =>
  `login:${kind}:${crypto.createHash("sha256").update(value).digest("hex").slice(0, 32)}`;

export class LoginThrottle {
  constructor(
    private readonly store: AttemptStore,
    private readonly limits: ThrottleLimits = LOGIN_LIMITS,
  ) {}

  /** Throws 429 while the email or the address is blocked. */
  async check(email: string, address: string): Promise<void> {
    const [byEmail, byAddress] = await Promise.all([
      this.store.peek(keyOf("email", email)),
      this.store.peek(keyOf("addr", address)),
    ]);
    const blocked = [
      byEmail.count >= this.limits.maxPerEmail ? byEmail.resetInMs : 0,
      byAddress.count >= this.limits.maxPerAddress ? byAddress.resetInMs : 0,
    ];
    const waitMs = Math.max(...blocked);
    if (waitMs > 0) throw tooManyAttempts(Math.ceil(waitMs / 1000));
  }

  async failed(email: string, address: string): Promise<void> {
    await Promise.all([
      this.store.hit(keyOf("email", email), this.limits.windowMs),
      this.store.hit(keyOf("addr", address), this.limits.windowMs),
    ]);
  }

  /** A right password (while not blocked) forgets the email's earlier typos. */
  async succeeded(email: string): Promise<void> {
    await this.store.clear(keyOf("email", email));
  }
}

export const tooManyAttempts = (retryAfterSeconds: number): ClientError =>
  new ClientError(429, "TOO_MANY_ATTEMPTS", "Too many failed sign-ins; try again later.", {
    retryAfterSeconds,
  });

/** One process's counters (embedded mode); time from the node's clock so tests can move it. */
export class MemoryAttemptStore implements AttemptStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number) {}

  hit(key: string, windowMs: number): Promise<Attempts> {
    const now = this.now();
    this.prune(now);
    const current = this.windows.get(key);
    const window = current && current.resetAt > now ? current : { count: 0, resetAt: now + windowMs };
    window.count += 1;
    this.windows.set(key, window);
    return Promise.resolve({ count: window.count, resetInMs: window.resetAt - now });
  }

  peek(key: string): Promise<Attempts> {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) return Promise.resolve({ count: 0, resetInMs: 0 });
    return Promise.resolve({ count: window.count, resetInMs: window.resetAt - now });
  }

  clear(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  /** Ended windows go once the map grows, so a spray of emails cannot grow it without end. */
  private prune(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}
