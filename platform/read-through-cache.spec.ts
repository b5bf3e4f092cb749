import { ReadThroughCache } from "./read-through-cache";

type Row = { id: number; name: string };
const row = (id: number): Row => ({ id, name: `row ${id}` });

describe("read-through cache", () => {
  let now = 0;
  const cache = () => new ReadThroughCache<number, Row>({ ttlMs: 30_000, maxEntries: 2, now: () => now });
  beforeEach(() => (now = 1_000));

  test("one lookup per key until the TTL runs out; concurrent misses share it", async () => {
    const c = cache();
    const load = jest.fn((id: number) => Promise.resolve(row(id)));
    await Promise.all([c.get(1, load), c.get(1, load)]);
    await c.get(1, load);
    expect(load).toHaveBeenCalledTimes(1);
    now += 30_000;
    await c.get(1, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  test("an invalidated key is looked up again; a missing one is never remembered", async () => {
    const c = cache();
    const load = jest.fn((id: number) => Promise.resolve(id === 2 ? null : row(id)));
    await c.get(1, load);
    c.invalidate(1);
    await c.get(1, load);
    await c.get(2, load);
    await c.get(2, load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  test("a lookup that raced an invalidation answers once but is not remembered", async () => {
    const c = cache();
    let release: (u: Row) => void = () => undefined;
    const slow = new Promise<Row>((resolve) => (release = resolve));
    const first = c.get(1, () => slow);
    c.invalidate(1); // the row changed while the old one was being read
    release(row(1));
    await first;
    const load = jest.fn((id: number) => Promise.resolve(row(id)));
    await c.get(1, load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  test("bounded: the oldest entry goes first", async () => {
    const c = cache();
    const load = (id: number) => Promise.resolve(row(id));
    for (const id of [1, 2, 3]) await c.get(id, load);
    expect(c.size).toBe(2);
  });
});
