import type { AuthUser } from "../../platform/auth";
import { AccountCache } from "./account-cache";

const patient = (id: number): AuthUser => ({ id, role: "patient", hospitalId: null, patientId: id * 10 });

describe("account cache", () => {
  let now = 0;
  const cache = () => new AccountCache({ ttlMs: 30_000, maxEntries: 2, now: () => now });
  beforeEach(() => (now = 1_000));

  test("one lookup per account until the TTL runs out; concurrent misses share it", async () => {
    const c = cache();
    const load = jest.fn((id: number) => Promise.resolve(patient(id)));
    await Promise.all([c.resolve(1, load), c.resolve(1, load)]);
    await c.resolve(1, load);
    expect(load).toHaveBeenCalledTimes(1);
    now += 30_000;
    await c.resolve(1, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  test("an invalidated account is looked up again; a missing one is never remembered", async () => {
    const c = cache();
    const load = jest.fn((id: number) => Promise.resolve(id === 2 ? null : patient(id)));
    await c.resolve(1, load);
    c.invalidate(1);
    await c.resolve(1, load);
    await c.resolve(2, load);
    await c.resolve(2, load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  test("a lookup that raced an invalidation answers once but is not remembered", async () => {
    const c = cache();
    let release: (u: AuthUser) => void = () => undefined;
    const slow = new Promise<AuthUser>((resolve) => (release = resolve));
    const first = c.resolve(1, () => slow);
    c.invalidate(1); // the row changed while the old one was being read
    release(patient(1));
    await first;
    const load = jest.fn((id: number) => Promise.resolve(patient(id)));
    await c.resolve(1, load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  test("bounded: the oldest entry goes first", async () => {
    const c = cache();
    const load = (id: number) => Promise.resolve(patient(id));
    for (const id of [1, 2, 3]) await c.resolve(id, load);
    expect(c.size).toBe(2);
  });
});
