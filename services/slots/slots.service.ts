import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import { notFound } from "../../platform/errors";
import { dateParam, idParam, optionalIdParam } from "../../platform/params";
import { doctorCalendar, hospitalCalendar } from "../hospitals/hospital-view";
import { publicHolidays } from "../schedules/public-holidays";
import { bookingWindow, doctorDaySlots, isSlotOpen } from "./day-schedule";

interface AvailabilityParams {
  hospitalId: number;
  date: string;
  doctorId?: number;
}

/** A hospital-day's slots: what each doctor offers on a local date and how much of it is free. */
export function slotsService(app: App): ServiceSchema {
  const { Hospital, Doctor } = app.models;
  return {
    name: "slots",
    actions: {
      availability: {
        params: { hospitalId: idParam, date: dateParam, doctorId: optionalIdParam },
        async handler(ctx: Context<AvailabilityParams>) {
          const { hospitalId, date, doctorId } = ctx.params;
          const hospital = await Hospital.findByPk(hospitalId);
          if (!hospital) throw notFound("Hospital", hospitalId);
          const doctors = await Doctor.findAll({
            where: doctorId ? { hospitalId, id: doctorId } : { hospitalId },
            order: [["id", "ASC"]],
          });
          if (doctorId && doctors.length === 0) throw notFound("Doctor", doctorId);
          const calendar = hospitalCalendar(hospital, await publicHolidays(app));
          const window = bookingWindow(calendar, app.now());
          return {
            hospitalId,
            date,
            doctors: doctors.map((doctor) => ({
              doctorId: doctor.id,
              slots: doctorDaySlots(calendar, doctorCalendar(doctor), date).map((slot) => {
                const booked = 0;
                const open = isSlotOpen(window, date, slot.start);
                return { ...slot, booked, available: open ? slot.capacity - booked : 0 };
              }),
            })),
          };
        },
      },
    },
  };
}
