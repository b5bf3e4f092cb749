import fc from "fast-check";
import type { AccountChange } from "../accounts/account-changes";
import { AccountLedger } from "./account-ledger";

const change = (accountId: number, version: number, changedAt: number, deleted = false): AccountChange => ({
  accountId,
  version,
  deleted,
  changedAt,
});

describe("the gateway's account ledger", () => {
  let now = 0;
  const ledger = () => new AccountLedger({ trustMs: 15_000, forgetAfterMs: 3_600_000, now: () => now });
  beforeEach(() => (now = 10_000_000));

  test("vouches for nothing before its first read, and again once reads have failed for too long", () => {
    const l = ledger();
    expect(l.judge(1)).toBe("unsure");
    l.synced(now);
    expect(l.judge(1)).toBe("current");
    now += 15_001;
    expect(l.judge(1)).toBe("unsure");
  });

  test("a token issued before its account's latest change is refused; one issued after is taken", () => {
    const l = ledger();
    l.synced(now);
    l.enter([change(1, 2, now)]);
    expect(l.judge(1, 0)).toBe("changed");
    expect(l.judge(1, 1)).toBe("changed");
    expect(l.judge(1, 2)).toBe("current");
    expect(l.judge(2, 0)).toBe("current");
    l.enter([change(3, 1, now, true)]);
    expect(l.judge(3, 5)).toBe("deleted");
  });

  test("changes older than any live token are forgotten at the next read", () => {
    const l = ledger();
    l.enter([change(1, 1, now - 3_600_001), change(2, 1, now - 10)]);
    l.synced(now);
    expect(l.size).toBe(1);
    expect(l.judge(2, 0)).toBe("changed");
  });

  test("whatever order reads and broadcasts arrive in, the newest version of each account wins", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }))),
        (log) => {
          const l = ledger();
          l.synced(now);
          l.enter(log.map(([id, v]) => change(id, v, now)));
          for (let id = 1; id <= 4; id++) {
            const newest = Math.max(0, ...log.filter(([a]) => a === id).map(([, v]) => v));
            expect(l.judge(id, newest)).toBe("current");
            if (newest > 0) expect(l.judge(id, newest - 1)).toBe("changed");
          }
        },
      ),
    );
  });
});
