/**
 * Polls `check` until it returns true: for effects that land after the
 * answer (an outbox consumer, a search index, a node joining). Its errors are
 * final, a false means "not yet"; running out of time fails naming `what`.
 */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
