import { PRIOR, PaceMeter } from "./pace";

describe("pace meter", () => {
  test("before any turn it answers the prior", () => {
    expect(new PaceMeter().cost).toEqual(PRIOR);
  });

  test("fits the fixed and per-command cost of turns of different sizes", () => {
    const meter = new PaceMeter();
    for (let i = 0; i < 50; i++) for (const n of [1, 50, 500]) meter.record(n, 4 + 0.1 * n, true);
    expect(meter.cost.fixedMs).toBeCloseTo(4, 5);
    expect(meter.cost.perCommandMs).toBeCloseTo(0.1, 5);
  });

  test("turns of one size only: the prior's slope, the fixed part measured", () => {
    const meter = new PaceMeter();
    for (let i = 0; i < 20; i++) meter.record(1, 12, true);
    expect(meter.cost.perCommandMs).toBe(PRIOR.perCommandMs);
    expect(meter.cost.fixedMs).toBeCloseTo(12 - PRIOR.perCommandMs, 5);
  });

  test("turns that commit nothing are measured apart: they neither cheapen commits nor cost like them", () => {
    const meter = new PaceMeter();
    for (let i = 0; i < 20; i++) meter.record(1, 12, true);
    for (let i = 0; i < 2000; i++) meter.record(1, 0.01, false);
    expect(meter.cost.fixedMs).toBeCloseTo(12 - PRIOR.perCommandMs, 5);
    expect(meter.cost.refusalMs).toBeCloseTo(0.01, 5);
  });

  test("before any commit-less turn a refusal is reckoned at the cost per command", () => {
    const meter = new PaceMeter();
    for (let i = 0; i < 50; i++) for (const n of [1, 50, 500]) meter.record(n, 4 + 0.1 * n, true);
    expect(meter.cost.refusalMs).toBeCloseTo(0.1, 5);
  });
});
