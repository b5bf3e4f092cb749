import type { Context, ServiceSchema } from "moleculer";
import { Op } from "sequelize";
import type { WhereOptions } from "sequelize";
import type { App } from "../../platform/app";
import type { HospitalModel, HospitalRow } from "../../platform/db/models";
import { badInput, notFound } from "../../platform/errors";
import { idParam, nameParam, pageParams, pageWindow, setStatus } from "../../platform/params";
import { isValidTimeZone, localMoment } from "../../platform/time";
import { dbMixin } from "../../mixins/db.mixin";
import { publicHolidays } from "./public-holidays";
import { isOpenAt } from "./day-schedule";
import { assertRangesOrdered, datesParam, openingHoursParam } from "./calendar.params";
import { DEPARTMENTS } from "./departments";
import { recordHospitalChanged } from "./hospital-events";
import { distanceKm, hospitalCalendar, hospitalSummary } from "./hospital-view";

interface ListParams {
  q?: string;
  department?: string;
  lat?: number;
  lng?: number;
  radiusKm: number;
  openNow?: boolean;
  page: number;
  size: number;
}

/** LIKE wildcards are dropped from user text: SQLite has no default escape character. */
const likeText = (s: string) => s.replace(/[\\%_]/g, "");
const KM_PER_DEGREE_LAT = 111.32;

/**
 * Hospitals and their doctors. Listing here is the simple filter the brief
 * starts from (name LIKE, department, radius, open now); `GET /hospitals` is
 * answered by the search service now, and this stays as the baseline its
 * benchmark compares against.
 */
export function hospitalsService(app: App): ServiceSchema {
  const { Hospital, Doctor } = app.models;
  return {
    name: "hospitals",
    mixins: [dbMixin(app.sequelize, Hospital)],
    actions: {
      list: {
        idempotent: true,
        params: {
          $$strict: true,
          q: { type: "string", trim: true, min: 1, max: 60, optional: true },
          department: { type: "string", trim: true, min: 1, max: 40, optional: true },
          lat: { type: "number", min: -90, max: 90, convert: true, optional: true },
          lng: { type: "number", min: -180, max: 180, convert: true, optional: true },
          radiusKm: { type: "number", positive: true, max: 50, convert: true, default: 5 },
          openNow: { type: "boolean", convert: true, optional: true },
          ...pageParams,
        },
        async handler(ctx: Context<ListParams>) {
          const p = ctx.params;
          if ((p.lat === undefined) !== (p.lng === undefined)) {
            throw badInput(p.lat === undefined ? "lat" : "lng", "Send lat and lng together.");
          }
          const where: Record<string | symbol, unknown> = {};
          if (p.q && likeText(p.q)) where.name = { [Op.like]: `%${likeText(p.q)}%` };
          if (p.department) where.departments = { [Op.like]: `%${likeText(JSON.stringify(p.department))}%` };
          if (p.lat === undefined && !p.openNow) {
            const { rows, count } = await Hospital.findAndCountAll({
              where: where as WhereOptions<HospitalRow>,
              order: [["id", "ASC"]],
              ...pageWindow(p),
            });
            return { items: rows.map(hospitalSummary), total: count };
          }
          return filterInMemory(where, p);
        },
      },

      /** Registers a hospital (platform admins only; the gateway checks the role). */
      create: {
        params: {
          $$strict: true,
          name: nameParam(120),
          address: { type: "string", trim: true, min: 1, max: 255 },
          district: { type: "string", trim: true, min: 1, max: 40 },
          lat: { type: "number", min: -90, max: 90 },
          lng: { type: "number", min: -180, max: 180 },
          phone: { type: "string", trim: true, pattern: /^\+?[0-9-]{7,20}$/ },
          departments: {
            type: "array",
            items: { type: "enum", values: [...DEPARTMENTS] },
            min: 1,
            unique: true,
          },
          openingHours: openingHoursParam,
          holidays: { ...datesParam, default: [] },
          closesOnPublicHolidays: { type: "boolean", default: true },
          timeZone: { type: "string", default: "Asia/Seoul", max: 64 },
          bookingHorizonDays: { type: "number", integer: true, min: 1, max: 365, default: 30 },
        },
        async handler(ctx: Context<Omit<HospitalRow, "id">>) {
          if (!isValidTimeZone(ctx.params.timeZone)) {
            throw badInput("timeZone", "The 'timeZone' field must be an IANA time zone such as Asia/Seoul.");
          }
          assertRangesOrdered("openingHours", ctx.params.openingHours);
          // Named fields only: the id (and anything else) is ours to choose, not the body's.
          const p = ctx.params;
          const hospital = await app.sequelize.transaction(async (transaction) => {
            const created = await Hospital.create(
              {
                name: p.name,
                address: p.address,
                district: p.district,
                lat: p.lat,
                lng: p.lng,
                phone: p.phone,
                departments: p.departments,
                openingHours: p.openingHours,
                holidays: p.holidays,
                closesOnPublicHolidays: p.closesOnPublicHolidays,
                timeZone: p.timeZone,
                bookingHorizonDays: p.bookingHorizonDays,
              },
              { transaction },
            );
            await recordHospitalChanged(app.sequelize, transaction, created.id, app.clock.now());
            return created;
          });
          setStatus(ctx, 201, `/api/v1/hospitals/${hospital.id}`);
          return { id: hospital.id };
        },
      },

      /** moleculer-db's own reads, for internal callers: safe to re-send after a timeout. */
      get: { idempotent: true },
      find: { idempotent: true },
      count: { idempotent: true },

      /** The hospital's time zone, for services that work out its local "today". */
      timeZone: {
        visibility: "public",
        idempotent: true,
        params: { hospitalId: idParam },
        async handler(ctx: Context<{ hospitalId: number }>) {
          const hospital = await Hospital.findByPk(ctx.params.hospitalId, { attributes: ["id", "timeZone"] });
          if (!hospital) throw notFound("Hospital", ctx.params.hospitalId);
          return { timeZone: hospital.timeZone };
        },
      },

      /** A hospital with its doctors (moleculer-db's own `get` stays for internal callers). */
      detail: {
        idempotent: true,
        params: { $$strict: true, hospitalId: idParam },
        async handler(ctx: Context<{ hospitalId: number }>) {
          const hospital = await Hospital.findByPk(ctx.params.hospitalId);
          if (!hospital) throw notFound("Hospital", ctx.params.hospitalId);
          const doctors = await Doctor.findAll({
            where: { hospitalId: ctx.params.hospitalId },
            attributes: ["id", "name", "department"],
            order: [["id", "ASC"]],
          });
          return {
            ...hospitalSummary(hospital),
            phone: hospital.phone,
            district: hospital.district,
            timeZone: hospital.timeZone,
            openingHours: hospital.openingHours,
            doctors: doctors.map((d) => ({ id: d.id, name: d.name, department: d.department })),
          };
        },
      },
    },
  };

  /** Radius and open-now filters need computed values, so they run over the bounding-box candidates. */
  async function filterInMemory(where: Record<string | symbol, unknown>, p: ListParams) {
    if (p.lat !== undefined && p.lng !== undefined) {
      const dLat = p.radiusKm / KM_PER_DEGREE_LAT;
      const dLng = p.radiusKm / (KM_PER_DEGREE_LAT * Math.max(Math.cos((p.lat * Math.PI) / 180), 0.01));
      where.lat = { [Op.between]: [p.lat - dLat, p.lat + dLat] };
      where.lng = { [Op.between]: [p.lng - dLng, p.lng + dLng] };
    }
    const candidates = await Hospital.findAll({
      where: where as WhereOptions<HospitalRow>,
      order: [["id", "ASC"]],
    });
    const now = app.now();
    const holidays = p.openNow ? await publicHolidays(app) : [];
    let matches: { hospital: HospitalModel; distanceKm?: number }[] = candidates.map((hospital) => ({
      hospital,
    }));
    if (p.lat !== undefined && p.lng !== undefined) {
      const { lat, lng } = p;
      matches = matches
        .map((m) => ({ ...m, distanceKm: distanceKm(lat, lng, m.hospital.lat, m.hospital.lng) }))
        .filter((m) => m.distanceKm <= p.radiusKm)
        .sort((a, b) => a.distanceKm - b.distanceKm);
    }
    if (p.openNow) {
      matches = matches.filter(({ hospital }) => {
        const calendar = hospitalCalendar(hospital, holidays);
        const local = localMoment(now, calendar.timeZone);
        return isOpenAt(calendar, local.date, local.minutes);
      });
    }
    const { limit, offset } = pageWindow(p);
    return {
      items: matches.slice(offset, offset + limit).map((m) => ({
        ...hospitalSummary(m.hospital),
        ...(m.distanceKm === undefined ? {} : { distanceKm: Math.round(m.distanceKm * 100) / 100 }),
      })),
      total: matches.length,
    };
  }
}
