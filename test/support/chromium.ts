/**
 * Debian's Chromium for the browser specs, started as this machine needs it:
 * headless, no sandbox (root), and no background networking (the network is
 * closed), in a fresh profile that `close` removes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** Where the specs leave their screenshots (ignored by git). */
export const SCREENSHOTS = path.resolve(__dirname, "../../test-results");
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium; fails loudly when it is not installed (.ci/run installs it). */
export async function launchChromium(options: {
  viewport: { width: number; height: number };
  locale?: string;
}): Promise<Chromium> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; the browser tests need it. Install it with ` +
        "`apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk` (.ci/run does).",
    );
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hre-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    ...options,
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
