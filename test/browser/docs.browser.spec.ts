/**
 * The Swagger UI page at /docs in a real headless Chromium: it must render
 * every operation of the served document under its strict policy (no inline
 * code: any refused script or style shows as a console error), and its "Try
 * it out" must reach the API on the same origin.
 */
import path from "node:path";
import { SCREENSHOTS, launchChromium } from "../support/chromium";
import type { Chromium } from "../support/chromium";
import type { BrowserContext } from "playwright-core";
import { startTestNode } from "../support/test-node";
import type { TestNode } from "../support/test-node";

describe("the API docs page in Chromium", () => {
  let node: TestNode | undefined;
  let context: BrowserContext | undefined;
  let browser: Chromium | undefined;

  beforeAll(async () => {
    node = await startTestNode();
    browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  test("renders every operation under the page's policy, and Try it out calls the API", async () => {
    const n = node!;
    const doc = (await n.http<{ paths: Record<string, object> }>("GET", "/api/v1/openapi.json")).body;
    const operations = Object.values(doc.paths).reduce((sum, ops) => sum + Object.keys(ops).length, 0);

    const page = await context!.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(msg.text());
    });
    await page.goto(`${n.baseUrl}/docs`);
    await page.locator(".opblock").first().waitFor({ timeout: 15_000 });
    expect(await page.locator(".opblock").count()).toBe(operations);
    await expect(page.locator(".info .title").textContent()).resolves.toContain(
      "Hospital Reservation Engine",
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, "docs-1280x900.png") });

    const list = page.locator(".opblock-get", {
      has: page.locator('.opblock-summary-path[data-path="/api/v1/hospitals"]'),
    });
    await list.locator(".opblock-summary").click();
    await list.locator(".try-out__btn").click();
    await list.locator(".execute").click();
    const status = list.locator(".live-responses-table tr.response .response-col_status").first();
    await status.waitFor({ timeout: 10_000 });
    expect((await status.textContent())?.trim()).toBe("200");

    await page.screenshot({ path: path.join(SCREENSHOTS, "docs-try-it-out-1280x900.png") });
    expect(problems).toEqual([]);
  });
});
