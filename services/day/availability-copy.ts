/**
 * Each hospital-day's availability as its actor last saw it, kept in Redis so
 * any node answers `GET …/availability` without asking the actor (which may
 * live on another node, busy with an open run). The actor writes after every
 * commit and whenever its last copy has run out; readers take a copy only
 * while it holds:
 * - `validUntil` (decisions/availability.ts): the answer may change by time alone after it;
 * - `version`, the day's commit count: an older activation's late write never replaces a newer one;
 * - `calendarVersion`: a schedule change raises the hospital's floor, so copies
 *   computed from the old calendar are refused even if their write lands late.
 * Without a copy the reader asks the actor, which writes a fresh one.
 */
import type Redis from "ioredis";
import { closeClient, commandClient } from "../../platform/redis";
import type { AvailabilityPublisher } from "./actor/actor-types";
import type { DoctorAvailability } from "./decisions/availability";
import { availabilityValidUntil, dayAvailability } from "./decisions/availability";

export interface AvailabilityEntry {
  version: number;
  calendarVersion: number;
  validUntil: number;
  doctors: DoctorAvailability[];
}

/** Parsed bodies kept per reader (the busiest days; oldest out first). */
const PARSED_DAYS = 1_000;
/** A copy outlives its validity by this much, then Redis forgets it (days nobody looks at). */
const KEEP_MS = 10 * 60_000;

/** Newer wins: a lower version, or the same version with no later validity, changes nothing. */
const WRITE_IF_NEWER = `
local held = redis.call('HMGET', KEYS[1], 'v', 'until')
if held[1] then
  local v, new = tonumber(held[1]), tonumber(ARGV[1])
  if v > new or (v == new and tonumber(held[2]) >= tonumber(ARGV[3])) then return 0 end
end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'cal', ARGV[2], 'until', ARGV[3], 'body', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/** The floor only rises: a late broadcast of an older change cannot lower it. */
const RAISE_FLOOR = `
local held = tonumber(redis.call('GET', KEYS[1]) or '-1')
if held < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

export class AvailabilityCopy {
  private readonly redis: Redis;
  /**
   * The last body parsed per day, by its version and validity: a day's body is tens of
   * kilobytes of JSON, and parsing it on every read cost more than asking the actor.
   */
  private readonly parsed = new Map<string, { label: string; doctors: DoctorAvailability[] }>();

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = commandClient(url);
  }

  async write(hospitalId: number, date: string, entry: AvailabilityEntry, now: number): Promise<void> {
    const keep = Math.max(0, entry.validUntil - now) + KEEP_MS;
    await this.redis.eval(
      WRITE_IF_NEWER,
      1,
      this.dayKey(hospitalId, date),
      entry.version,
      entry.calendarVersion,
      entry.validUntil,
      JSON.stringify(entry.doctors),
      keep,
    );
  }

  /** The day's doctors as the copy has them, or null when there is none that holds at `now`. */
  async read(hospitalId: number, date: string, now: number): Promise<DoctorAvailability[] | null> {
    const key = this.dayKey(hospitalId, date);
    const answers = await this.redis
      .pipeline()
      .hmget(key, "v", "cal", "until")
      .get(this.floorKey(hospitalId))
      .exec();
    const [version, cal, until] = (answers?.[0]?.[1] ?? []) as (string | null)[];
    const floor = Number((answers?.[1]?.[1] as string | null) ?? -1);
    if (version == null || Number(until) <= now || Number(cal) < floor) return null;
    // A copy is only ever replaced by a newer version or a later validity: the pair names its body.
    const label = `${version}/${until}`;
    const known = this.parsed.get(key);
    if (known?.label === label) return known.doctors;
    const body = await this.redis.hget(key, "body");
    if (body === null) return null;
    const doctors = JSON.parse(body) as DoctorAvailability[];
    this.remember(key, label, doctors);
    return doctors;
  }

  /** The hospital's calendar is now at `calendarVersion`: copies from before it no longer hold. */
  async calendarChanged(hospitalId: number, calendarVersion: number): Promise<void> {
    await this.redis.eval(RAISE_FLOOR, 1, this.floorKey(hospitalId), calendarVersion);
  }

  private remember(key: string, label: string, doctors: DoctorAvailability[]): void {
    this.parsed.delete(key);
    if (this.parsed.size >= PARSED_DAYS) this.parsed.delete(this.parsed.keys().next().value ?? "");
    this.parsed.set(key, { label, doctors });
  }

  async close(): Promise<void> {
    await closeClient(this.redis);
  }

  private dayKey = (hospitalId: number, date: string) => `${this.prefix}:availability:${hospitalId}:${date}`;
  private floorKey = (hospitalId: number) => `${this.prefix}:availability-calendar:${hospitalId}`;
}

/**
 * What the actors publish through: the answer is computed in the turn (the
 * state moves on after it), written without holding the turn up; a failed
 * write only means readers ask the actor until the next one.
 */
export function copyPublisher(
  copy: AvailabilityCopy,
  onError: (err: unknown) => void,
): AvailabilityPublisher {
  return {
    publish(day, state, now) {
      const validUntil = availabilityValidUntil(state, now);
      const entry = { ...day, validUntil, doctors: dayAvailability(state, now) };
      copy.write(day.hospitalId, day.date, entry, now).catch(onError);
      return validUntil;
    },
  };
}
