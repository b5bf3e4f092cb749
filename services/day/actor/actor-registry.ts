/**
 * This node's live day actors: created on first use, passivated when idle,
 * bounded in number (least recently used idle actors go first).
 */
import type { Timer } from "../../../platform/clock";
import type { ActorDeps } from "./actor-types";
import { DayActor } from "./day-actor";
import { dayKeyOf } from "../day-key";

export interface RegistryOptions {
  idleMs: number;
  maxActors: number;
}

export class ActorRegistry {
  private readonly actors = new Map<string, DayActor>();
  private sweeper: Timer | null = null;

  constructor(
    private readonly deps: ActorDeps,
    private readonly options: RegistryOptions,
  ) {}

  get size(): number {
    return this.actors.size;
  }

  get(hospitalId: number, date: string): DayActor {
    const key = dayKeyOf(hospitalId, date);
    let actor = this.actors.get(key);
    if (!actor) {
      actor = new DayActor(hospitalId, date, this.deps, (retired) => {
        if (this.actors.get(retired.dayKey) === retired) this.actors.delete(retired.dayKey);
      });
      this.actors.set(key, actor);
      if (this.actors.size > this.options.maxActors) this.evict(this.actors.size - this.options.maxActors);
    }
    return actor;
  }

  /** The day's live actor on this node, without creating one. */
  peek(dayKey: string): DayActor | undefined {
    return this.actors.get(dayKey);
  }

  /** The live actors (for stats and the admin's view). */
  list(): DayActor[] {
    return [...this.actors.values()];
  }

  /** Retires actors for which `predicate` holds (moved to another node, calendar changed); their waiting callers retry. */
  retireWhere(predicate: (actor: DayActor) => boolean): number {
    const doomed = [...this.actors.values()].filter(predicate);
    for (const actor of doomed) actor.retire();
    return doomed.length;
  }

  /** Passivates idle actors every half idle period, on the actors' clock. */
  start(): void {
    const every = Math.max(1000, this.options.idleMs / 2);
    const tick = () => {
      this.passivateIdle();
      this.sweeper = this.deps.clock.after(every, tick);
    };
    this.sweeper = this.deps.clock.after(every, tick);
  }

  /** Stops taking work and waits for every mailbox to drain. */
  async stop(): Promise<void> {
    this.sweeper?.cancel();
    this.sweeper = null;
    await Promise.all([...this.actors.values()].map((a) => a.idle()));
    for (const actor of [...this.actors.values()]) actor.retire();
  }

  passivateIdle(): number {
    const cutoff = this.deps.clock.now() - this.options.idleMs;
    return this.retireWhere((a) => !a.busy && a.lastUsed <= cutoff);
  }

  private evict(count: number): void {
    const idle = [...this.actors.values()].filter((a) => !a.busy).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const actor of idle.slice(0, count)) actor.retire();
  }
}
