/**
 * What every benchmark's command line shares: `--help` prints the usage and
 * exits, numeric flags are checked against their range, and every bad flag is
 * collected so that one error names them all, with the usage.
 *
 * @example
 * const { values: v } = parseArgs({ args: argv, options: { runs: { type: "string", default: "5" }, ...HELP }, strict: true });
 * const check = flagChecks(USAGE, v.help);
 * return check.done({ runs: check.number("runs", v.runs, 1, 100) });
 */

export const HELP = { help: { type: "boolean", default: false } } as const;

/** The MariaDB server (no database: the benchmark makes its own) and Redis. */
export const SERVER_OPTIONS = {
  mysql: { type: "string", default: "mysql://root@127.0.0.1:3306" },
  redis: { type: "string", default: "redis://127.0.0.1:6379" },
} as const;

/** Reads a numeric command-line flag, collecting every bad one so they are reported together. */
function numberFlags(problems: string[]) {
  return (name: string, raw: string, min: number, max: number, integer = true): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      problems.push(
        `--${name} must be ${integer ? "an integer" : "a number"} in [${min}, ${max}] (got "${raw}")`,
      );
    }
    return value;
  };
}

export function flagChecks(usage: string, help: boolean | undefined) {
  if (help) {
    console.log(usage);
    process.exit(0);
  }
  const problems: string[] = [];
  return {
    number: numberFlags(problems),
    problem: (message: string) => void problems.push(message),
    /** The benchmark's own database: the name goes into DROP DATABASE, so only a plain identifier. */
    database(name: string): string {
      if (!/^[a-z][a-z0-9_]{0,50}$/.test(name)) problems.push("--database must be a plain lower-case name");
      return name;
    },
    /** The MariaDB server URL as given, without trailing slashes. */
    server: (url: string) => url.replace(/\/+$/, ""),
    /** The flags, or one error naming every problem found, with the usage. */
    done<T>(flags: T): T {
      if (problems.length > 0) throw new Error(`${problems.join("\n")}\n${usage}`);
      return flags;
    },
  };
}
