import { uuidv7 } from "./ids";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidv7", () => {
  test("is a version-7 UUID whose first 48 bits are the time in ms", () => {
    const at = Date.UTC(2026, 11, 7, 9, 0, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
  });

  test("ids sort by their time, and many drawn at once (past the random pool's refill) are all distinct", () => {
    const at = Date.UTC(2026, 11, 7);
    const ids = Array.from({ length: 5000 }, (_, i) => uuidv7(at + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 100; i < ids.length; i += 100) expect(ids[i] > ids[i - 1]).toBe(true);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });
});
