/**
 * Deterministic demo data: the same seed and base date give the same
 * hospitals, doctors and accounts. Pure; `load.ts` writes it.
 */
import type { OpeningRange, Session, Weekday } from "../../platform/calendar";
import { addDays } from "../../platform/time";
import { CLINIC_KINDS, GIVEN_SYLLABLES, NAME_PREFIXES, ROAD_NAMES, SEOUL_DISTRICTS, SURNAMES } from "./korea";

export interface DemoHospital {
  id: number;
  name: string;
  address: string;
  district: string;
  lat: number;
  lng: number;
  phone: string;
  departments: string[];
  openingHours: OpeningRange[];
  holidays: string[];
  closesOnPublicHolidays: boolean;
  timeZone: string;
  bookingHorizonDays: number;
}

export interface DemoDoctor {
  hospitalId: number;
  name: string;
  department: string;
  sessions: Session[];
  leaveDays: string[];
}

/** mulberry32: small, fast and good enough for demo data. */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const WEEKDAYS: Weekday[] = [1, 2, 3, 4, 5];
const ALL_DAYS: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

export const personName = (rng: Rng) =>
  pick(rng, SURNAMES) + pick(rng, GIVEN_SYLLABLES) + pick(rng, GIVEN_SYLLABLES);

/** A weekday clinic: 09:00–18:00 with lunch, Saturday mornings, one weekday afternoon off for some. */
function clinicSessions(rng: Rng): Session[] {
  const slotMinutes = pick(rng, [10, 15, 20]);
  const capacity = int(rng, 1, 3);
  const dayOff = rng() < 0.3 ? pick(rng, WEEKDAYS) : null;
  const sessions: Session[] = WEEKDAYS.map((weekday) =>
    weekday === dayOff
      ? { weekday, start: "09:00", end: "13:00", slotMinutes, capacity }
      : {
          weekday,
          start: "09:00",
          end: "18:00",
          slotMinutes,
          capacity,
          breaks: [{ start: "13:00", end: "14:00" }],
        },
  );
  if (rng() < 0.8) sessions.push({ weekday: 6, start: "09:00", end: "13:00", slotMinutes, capacity });
  return sessions;
}

function openingHoursOf(sessions: Session[]): OpeningRange[] {
  return sessions.map(({ weekday, start, end }) => ({ weekday, start, end }));
}

/** Round-the-clock children's hospital (like an extended 달빛어린이병원 with an ER): three shifts every day. */
function roundTheClock(id: number): { hospital: DemoHospital; doctors: DemoDoctor[] } {
  const shifts: [string, string][] = [
    ["00:00", "08:00"],
    ["08:00", "16:00"],
    ["16:00", "24:00"],
  ];
  const hospital: DemoHospital = {
    id,
    name: "한빛24시어린이병원",
    address: "서울특별시 강남구 테헤란로 24",
    district: "강남구",
    lat: 37.5006,
    lng: 127.0364,
    phone: "02-2424-2424",
    departments: ["소아청소년과", "응급의학과"],
    openingHours: ALL_DAYS.map((weekday) => ({ weekday, start: "00:00", end: "24:00" })),
    holidays: [],
    closesOnPublicHolidays: false,
    timeZone: "Asia/Seoul",
    bookingHorizonDays: 14,
  };
  const doctorNames = ["김하늘", "이서준", "박지우"];
  const doctors = shifts.map(([start, end], i): DemoDoctor => ({
    hospitalId: id,
    name: doctorNames[i],
    department: i === 2 ? "응급의학과" : "소아청소년과",
    sessions: ALL_DAYS.map((weekday) => ({ weekday, start, end, slotMinutes: 15, capacity: 3 })),
    leaveDays: [],
  }));
  return { hospital, doctors };
}

function clinic(rng: Rng, id: number, baseDate: string): { hospital: DemoHospital; doctors: DemoDoctor[] } {
  const district = pick(rng, SEOUL_DISTRICTS);
  const kind = pick(rng, CLINIC_KINDS);
  const prefix = pick(rng, NAME_PREFIXES);
  const name = `${rng() < 0.4 ? district.name.replace(/구$/, "") : ""}${prefix}${kind.suffix}`;
  const departments = [kind.department, ...kind.extra.filter(() => rng() < 0.5)];
  const doctors: DemoDoctor[] = Array.from({ length: int(rng, 1, 3) }, (_, i) => ({
    hospitalId: id,
    name: personName(rng),
    department: departments[i % departments.length],
    sessions: clinicSessions(rng),
    leaveDays: rng() < 0.5 ? [addDays(baseDate, int(rng, 1, 30))] : [],
  }));
  const hospital: DemoHospital = {
    id,
    name,
    address: `서울특별시 ${district.name} ${pick(rng, ROAD_NAMES)} ${int(rng, 1, 400)}`,
    district: district.name,
    lat: Math.round((district.lat + (rng() - 0.5) * 0.03) * 1e6) / 1e6,
    lng: Math.round((district.lng + (rng() - 0.5) * 0.03) * 1e6) / 1e6,
    phone: `02-${int(rng, 200, 999)}-${String(int(rng, 0, 9999)).padStart(4, "0")}`,
    departments,
    openingHours: openingHoursOf(doctors.flatMap((d) => d.sessions)).filter(
      (r, i, all) =>
        all.findIndex((o) => o.weekday === r.weekday && o.start === r.start && o.end === r.end) === i,
    ),
    holidays: [],
    // Some clinics open on public holidays (휴일 진료), as many do in Korea.
    closesOnPublicHolidays: rng() < 0.85,
    timeZone: "Asia/Seoul",
    bookingHorizonDays: pick(rng, [14, 30, 30, 60]),
  };
  return { hospital, doctors };
}

/** Hospital `id` (from 1) of a demo set; hospital 1 is always the round-the-clock one. */
export function demoHospital(seed: number, id: number, baseDate: string) {
  return id === 1 ? roundTheClock(id) : clinic(randomSource(seed * 1_000_003 + id), id, baseDate);
}
