/** An admission ticket: a place in one hospital-day's line (see admission-rules.ts). */

export type TicketState = "waiting" | "admitted" | "expired";

/** The slot a ticket's booking asks for. */
export interface Slot {
  doctorId: number;
  start: string;
}

export interface Ticket {
  id: string;
  dayKey: string;
  accountId: number;
  patientId: number;
  /** Arrival order within the day. */
  seq: number;
  state: TicketState;
  issuedAt: number;
  /** Last time its holder asked (a waiting ticket nobody asks about leaves the line). */
  seenAt: number;
  admittedAt: number | null;
  /** First booking made with it (an admitted ticket stops holding the actor's room then). */
  usedAt: number | null;
  /** The slot asked for when it was issued (absent on tickets stored before slots were kept). */
  slot?: Slot;
  /** Admitted because its slot filled while it waited: its booking is a refusal, it takes no room. */
  slotFull?: true;
}
