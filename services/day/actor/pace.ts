/**
 * How long one day actor's turn takes, as a function of its batch size:
 * `fixedMs + perCommandMs × commands` (the commit's round trips, then the
 * work per command). Group commit makes a deep mailbox cheaper per command
 * than a shallow one, so a single "commands per second" would misjudge an
 * open run; admission control (services/admission) uses this line instead.
 *
 * Fitted by least squares with exponential forgetting over recent turns. An
 * actor that has only seen batches of one size has no slope to fit: it keeps
 * the prior's cost per command and fits only the fixed part.
 */
export interface TurnCost {
  fixedMs: number;
  perCommandMs: number;
}

/** Before any turn: a commit of a few ms, a fraction of a ms per command (measured on a small node). */
export const PRIOR: TurnCost = { fixedMs: 5, perCommandMs: 0.2 };
const FORGET = 0.97;
/** Batch sizes must spread at least this much (variance, commands²) before a slope is fitted. */
const MIN_SPREAD = 4;
const MIN_PER_COMMAND_MS = 0.005;

export class PaceMeter {
  private w = 0;
  private sn = 0;
  private st = 0;
  private snn = 0;
  private snt = 0;

  record(commands: number, ms: number): void {
    if (commands <= 0) return;
    this.w *= FORGET;
    this.sn *= FORGET;
    this.st *= FORGET;
    this.snn *= FORGET;
    this.snt *= FORGET;
    this.w += 1;
    this.sn += commands;
    this.st += ms;
    this.snn += commands * commands;
    this.snt += commands * ms;
  }

  get cost(): TurnCost {
    if (this.w === 0) return PRIOR;
    const meanN = this.sn / this.w;
    const meanT = this.st / this.w;
    const varN = this.snn / this.w - meanN * meanN;
    const slope = varN >= MIN_SPREAD ? (this.snt / this.w - meanN * meanT) / varN : PRIOR.perCommandMs;
    const perCommandMs = Math.max(MIN_PER_COMMAND_MS, slope);
    return { fixedMs: Math.max(0, meanT - perCommandMs * meanN), perCommandMs };
  }
}
