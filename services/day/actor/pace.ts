/**
 * How long one day actor's turn takes. A turn that commits costs
 * `fixedMs + perCommandMs × commands` (the commit's round trips, then the
 * work per command); group commit makes a deep mailbox cheaper per command
 * than a shallow one, so a single "commands per second" would misjudge an
 * open run. A turn that commits nothing (every command refused: a sold-out
 * slot's crowd) has no round trip at all and costs `refusalMs` a command,
 * µs where a commit costs ms, so it is measured apart: mixed into the commit
 * line it would make commits look cheap, and left out refusals would look
 * like commits. Admission control (services/admission) uses both.
 *
 * Commit turns are fitted by least squares with exponential forgetting. An
 * actor that has only seen batches of one size has no slope to fit: it keeps
 * the prior's cost per command and fits only the fixed part.
 */
export interface TurnCost {
  fixedMs: number;
  perCommandMs: number;
  /** What one command costs in a turn that commits nothing. */
  refusalMs: number;
}

/** Before any turn: a commit of a few ms, a fraction of a ms per command (measured on a small node). */
export const PRIOR: TurnCost = { fixedMs: 5, perCommandMs: 0.2, refusalMs: 0.2 };
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
  /** Commit-less turns: forgotten sums of commands and of ms. */
  private refusedCommands = 0;
  private refusedMs = 0;

  record(commands: number, ms: number, committed: boolean): void {
    if (commands <= 0) return;
    if (!committed) {
      this.refusedCommands = this.refusedCommands * FORGET + commands;
      this.refusedMs = this.refusedMs * FORGET + ms;
      return;
    }
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
    const commit = this.commitCost();
    const refusalMs = this.refusedCommands > 0 ? this.refusedMs / this.refusedCommands : commit.perCommandMs;
    return { ...commit, refusalMs };
  }

  private commitCost(): Omit<TurnCost, "refusalMs"> {
    if (this.w === 0) return { fixedMs: PRIOR.fixedMs, perCommandMs: PRIOR.perCommandMs };
    const meanN = this.sn / this.w;
    const meanT = this.st / this.w;
    const varN = this.snn / this.w - meanN * meanN;
    const slope = varN >= MIN_SPREAD ? (this.snt / this.w - meanN * meanT) / varN : PRIOR.perCommandMs;
    const perCommandMs = Math.max(MIN_PER_COMMAND_MS, slope);
    return { fixedMs: Math.max(0, meanT - perCommandMs * meanN), perCommandMs };
  }
}
