/**
 * The server's console output, folded into distinct lines with counts per
 * phase of the run: a warning logged once per request would otherwise bury
 * the report, yet it is part of what the server did (and paid for).
 */
import readline from "node:readline";
import type { Readable } from "node:stream";

/** Distinct lines kept per phase; beyond that lines are only counted. */
const MAX_DISTINCT = 30;

interface Phase {
  lines: Map<string, number>;
  others: number;
}

export class ServerLog {
  private current = "start-up";
  private readonly phases = new Map<string, Phase>();

  /** Reads lines from the child's stdout or stderr until it closes. */
  follow(stream: Readable): void {
    readline.createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => this.add(line));
  }

  /** Lines from now on belong to `phase` (lines are read asynchronously, so the border is approximate). */
  enter(phase: string): void {
    this.current = phase;
  }

  /** Per phase, distinct lines most frequent first, as "count × line". */
  digest(): string[] {
    const out: string[] = [];
    for (const [name, phase] of this.phases) {
      out.push(`  ${name}:`);
      for (const [line, n] of [...phase.lines].sort((x, y) => y[1] - x[1])) out.push(`${count(n)} × ${line}`);
      if (phase.others > 0) out.push(`${count(phase.others)} × (further distinct lines)`);
    }
    return out;
  }

  private add(line: string): void {
    // Timestamps and request ids make every line distinct; fold on what was said.
    const key = line
      .replace(/^\[[0-9:.TZ-]+\]\s*/, "")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>")
      .slice(0, 300);
    let phase = this.phases.get(this.current);
    if (!phase) this.phases.set(this.current, (phase = { lines: new Map(), others: 0 }));
    const seen = phase.lines.get(key);
    if (seen !== undefined) phase.lines.set(key, seen + 1);
    else if (phase.lines.size < MAX_DISTINCT) phase.lines.set(key, 1);
    else phase.others += 1;
  }
}

const count = (n: number) => String(n).padStart(9);
