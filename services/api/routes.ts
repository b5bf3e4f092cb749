/**
 * The REST surface of API.md: path → action, and who may call it. Role checks
 * happen in the gateway from this table; per-hospital checks happen in the
 * actions, which know the hospital.
 */
import type { Role } from "../../platform/db/models";

export interface RouteSpec {
  action: string;
  /** Signed-in callers with one of these roles only; absent means anyone, signed in or not. */
  roles?: Role[];
}

const anyone = (action: string): RouteSpec => ({ action });
/** Hospital staff (the action then checks it is their hospital) and platform admins. */
const staff = (action: string): RouteSpec => ({ action, roles: ["staff", "admin"] });
const signedIn = (action: string): RouteSpec => ({ action, roles: ["patient", "staff", "admin"] });

export const API_ROUTES: Record<string, RouteSpec> = {
  "POST /auth/signup": anyone("accounts.signup"),
  "POST /auth/login": anyone("accounts.login"),
  "GET /me": signedIn("accounts.me"),
  "GET /me/patients": { action: "patients.listMine", roles: ["patient"] },
  "POST /me/patients": { action: "patients.addFamilyMember", roles: ["patient"] },
  "GET /me/access-log": { action: "patients.accessLogMine", roles: ["patient"] },
  "GET /admin/access-log": { action: "patients.accessLog", roles: ["admin"] },

  "GET /hospitals": anyone("search.list"),
  "GET /hospitals/suggest": anyone("search.suggest"),
  "GET /hospitals/:hospitalId": anyone("hospitals.detail"),
  "GET /hospitals/:hospitalId/availability": anyone("appointments.availability"),
  "POST /appointments": { action: "appointments.book", roles: ["patient"] },
  "GET /admission/:ticket": { action: "admission.status", roles: ["patient"] },
  "GET /appointments/:id": signedIn("appointments.get"),
  "POST /appointments/:id/cancel": signedIn("appointments.cancel"),
  "POST /appointments/:id/check-in": staff("appointments.checkIn"),
  "GET /me/appointments": { action: "appointments.listMine", roles: ["patient"] },
  "GET /hospitals/:hospitalId/appointments": staff("appointments.listDay"),

  "PUT /hospitals/:hospitalId/payment-settings": staff("payments.setSettings"),
  "POST /payments/confirm": { action: "payments.confirm", roles: ["patient"] },
  "GET /payments/orders/:orderId": { action: "payments.order", roles: ["patient"] },

  "POST /coupon-campaigns": staff("coupons.createCampaign"),
  "GET /coupon-campaigns/:id": anyone("coupons.getCampaign"),
  "POST /coupon-campaigns/:id/claim": { action: "coupons.claim", roles: ["patient"] },
  "POST /coupon-campaigns/:id/reconcile": { action: "coupons.reconcile", roles: ["admin"] },
  "GET /me/coupons": { action: "coupons.listMine", roles: ["patient"] },
  "GET /hospitals/:hospitalId/settlements": staff("settlement.list"),

  "POST /hospitals/:hospitalId/queue": { action: "queue.take", roles: ["patient"] },
  "POST /hospitals/:hospitalId/queue/desk": staff("queue.registerDesk"),
  "GET /hospitals/:hospitalId/queue": staff("queue.list"),
  "GET /hospitals/:hospitalId/queue/board": anyone("queue.board"),
  "POST /hospitals/:hospitalId/queue/next": staff("queue.next"),
  "PUT /hospitals/:hospitalId/queue/settings": staff("schedules.setQueueSettings"),
  "GET /hospitals/:hospitalId/queue/penalties": staff("queue.penalties"),
  "DELETE /hospitals/:hospitalId/queue/penalties/:patientId": staff("queue.forgive"),
  "GET /queue/tickets/:ticketId": anyone("queue.get"),
  "POST /queue/tickets/:ticketId/done": staff("queue.done"),
  "POST /queue/tickets/:ticketId/no-show": staff("queue.noShow"),
  "POST /queue/tickets/:ticketId/recall": staff("queue.recall"),
  "POST /queue/tickets/:ticketId/cancel": signedIn("queue.cancel"),

  "POST /hospitals": { action: "hospitals.create", roles: ["admin"] },
  "PUT /hospitals/:hospitalId/holidays": staff("schedules.setHolidays"),
  "POST /hospitals/:hospitalId/doctors": staff("schedules.addDoctor"),
  "PUT /hospitals/:hospitalId/doctors/:doctorId/sessions": staff("schedules.setSessions"),
  "PUT /hospitals/:hospitalId/doctors/:doctorId/leave": staff("schedules.setLeave"),
};
