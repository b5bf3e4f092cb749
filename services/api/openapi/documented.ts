/**
 * What ../shared/API.md promises per route and the code cannot say by itself:
 * the success status (201s are set inside handlers), the documented error codes
 * by status, and the request headers a route honours. Keyed like the route
 * table, relative to `/api/v1`; a route missing here gets 200 and the generic
 * errors, so a new route is documented (if thinly) the moment it is added.
 */

export interface Documented {
  summary?: string;
  success?: number;
  /** More success answers besides `success`, e.g. 202 from the admission queue. */
  alsoSuccess?: Record<number, string>;
  errors?: Record<number, string[]>;
  headers?: ("Idempotency-Key" | "Admission-Ticket")[];
}

export const DOCUMENTED: Record<string, Documented> = {
  "POST /auth/signup": {
    summary: "Create a patient account",
    success: 201,
    errors: { 409: ["EMAIL_TAKEN"] },
  },
  "POST /auth/login": {
    summary: "Sign in: a bearer token",
    errors: { 401: ["INVALID_CREDENTIALS"], 429: ["TOO_MANY_ATTEMPTS"] },
  },
  "GET /me/access-log": { summary: "Every read or change of my data by staff or admins" },
  "POST /me/patients": { summary: "Add a family member", success: 201 },
  "GET /hospitals": { summary: "Search hospitals" },
  "GET /hospitals/:hospitalId": { summary: "A hospital and its doctors", errors: { 404: ["NOT_FOUND"] } },
  "GET /hospitals/:hospitalId/availability": { summary: "The slots of one day" },
  "POST /hospitals": { summary: "Register a hospital", success: 201 },
  "POST /appointments": {
    summary: "Book a slot",
    success: 201,
    alsoSuccess: { 202: "Admission queue: `{admission: {ticket, position, retryAfterMs}}` with Retry-After" },
    errors: {
      402: ["PAYMENT_DECLINED"],
      403: ["ADMISSION_NOT_YOURS"],
      404: ["NOT_FOUND"],
      409: ["SLOT_FULL", "ALREADY_BOOKED", "COUPON_NOT_USABLE", "ADMISSION_EXPIRED"],
      422: ["SLOT_CLOSED", "IDEMPOTENCY_KEY_REUSED"],
      429: ["ADMISSION_LIMIT"],
      503: ["DAY_BUSY", "DEADLINE_EXCEEDED"],
    },
    headers: ["Idempotency-Key", "Admission-Ticket"],
  },
  "GET /appointments/:id": {
    summary: "One appointment (owner, or staff of its hospital)",
    errors: { 404: ["NOT_FOUND"] },
  },
  "GET /me/appointments": { summary: "My appointments" },
  "POST /appointments/:id/cancel": {
    summary: "Cancel an appointment (refunds a paid deposit by the hospital's policy)",
    errors: { 409: ["NOT_CANCELLABLE"], 422: ["IDEMPOTENCY_KEY_REUSED"] },
    headers: ["Idempotency-Key"],
  },
  "PUT /hospitals/:hospitalId/payment-settings": { summary: "Deposit and refund policy" },
  "POST /payments/confirm": {
    summary: "Confirm a deposit payment",
    errors: {
      402: ["PAYMENT_DECLINED"],
      404: ["NOT_FOUND"],
      409: ["HOLD_EXPIRED"],
      422: ["AMOUNT_MISMATCH", "IDEMPOTENCY_KEY_REUSED"],
    },
    headers: ["Idempotency-Key"],
  },
  "GET /hospitals/:hospitalId/settlements": { summary: "Daily settlement rows" },
  "POST /coupon-campaigns": { summary: "Open a first-come coupon campaign", success: 201 },
  "GET /coupon-campaigns/:id": {
    summary: "A campaign and what is left of it",
    errors: { 404: ["NOT_FOUND"] },
  },
  "POST /coupon-campaigns/:id/claim": {
    summary: "Claim a coupon",
    success: 201,
    errors: {
      404: ["NOT_FOUND"],
      409: ["SOLD_OUT", "ALREADY_CLAIMED"],
      422: ["CAMPAIGN_NOT_ACTIVE", "IDEMPOTENCY_KEY_REUSED"],
    },
    headers: ["Idempotency-Key"],
  },
  "GET /me/coupons": { summary: "My coupons" },
  "POST /hospitals/:hospitalId/queue": { summary: "Take a reception ticket", success: 201 },
  "POST /hospitals/:hospitalId/queue/desk": { summary: "Register a walk-in at the desk", success: 201 },
  "GET /hospitals/:hospitalId/queue": { summary: "The day's tickets" },
  "POST /hospitals/:hospitalId/queue/next": { summary: "Call the next ticket" },
  "GET /queue/tickets/:ticketId": { summary: "One ticket", errors: { 404: ["NOT_FOUND"] } },
  "POST /hospitals/:hospitalId/doctors": { summary: "Add a doctor", success: 201 },
  "GET /hospitals/:hospitalId/queue/events": { summary: "Queue changes (text/event-stream)" },
  "GET /queue/tickets/:ticketId/events": { summary: "One ticket's changes (text/event-stream)" },
};
