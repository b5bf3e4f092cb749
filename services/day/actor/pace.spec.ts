import { PRIOR, PaceMeter } from "./pace";

describe("pace meter", () => {
  test("before any turn it answers the prior", () => {
    expect(new PaceMeter().cost).toEqual(PRIOR);
  });

  test("fits the fixed and per-command cost of turns of different sizes", () => {
    const meter = new PaceMeter();
    for (let i = 0; i < 50; i++) for (const n of [1, 50, 500]) meter.record(n, 4 + 0.1 * n);
    expect(meter.cost.fixedMs).toBeCloseTo(4, 5);
    expect(meter.cost.perCommandMs).toBeCloseTo(0.1, 5);
  });

  test("turns of one size only: the prior's slope, the fixed part measured", () => {
    const meter = new PaceMeter();
    for (let i = 0; i < 20; i++) meter.record(1, 12);
    expect(meter.cost.perCommandMs).toBe(PRIOR.perCommandMs);
    expect(meter.cost.fixedMs).toBeCloseTo(12 - PRIOR.perCommandMs, 5);
  });
});
