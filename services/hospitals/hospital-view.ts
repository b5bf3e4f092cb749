/** How a hospital row is shown to clients and handed to the schedule logic. */
import type { DoctorModel, HospitalModel } from "../../platform/db/models";
import type { DoctorCalendar, HospitalCalendar } from "../../platform/calendar";

export function hospitalSummary(h: HospitalModel) {
  return {
    id: h.id,
    name: h.name,
    address: h.address,
    departments: h.departments,
    lat: h.lat,
    lng: h.lng,
  };
}

/** The hospital's calendar; `publicHolidays` close it too unless it opens on them. */
export function hospitalCalendar(h: HospitalModel, publicHolidays: readonly string[]): HospitalCalendar {
  return {
    timeZone: h.timeZone,
    bookingHorizonDays: h.bookingHorizonDays,
    openingHours: h.openingHours,
    holidays: h.closesOnPublicHolidays ? [...h.holidays, ...publicHolidays] : h.holidays,
  };
}

export function doctorCalendar(d: DoctorModel): DoctorCalendar {
  return { id: d.id, sessions: d.sessions, leaveDays: d.leaveDays };
}

/** Great-circle distance in kilometres. */
export function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 6371 * 2 * Math.asin(Math.sqrt(a));
}
