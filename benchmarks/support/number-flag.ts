/** Reads a numeric command-line flag, collecting every bad one so they are reported together. */
export function numberFlags(problems: string[]) {
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
