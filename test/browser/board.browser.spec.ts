/**
 * The waiting-room board and the patient's ticket page in a real headless
 * Chromium against a real node: tickets are taken and called through the
 * public API, and both pages must follow over their event streams alone.
 * Chromium is Debian's (/usr/bin/chromium); a machine without it fails here.
 */
import fs from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { SCREENSHOTS, launchChromium } from "../support/chromium";
import type { Chromium } from "../support/chromium";
import type { BrowserContext, Page } from "playwright-core";
import { createDoctor, createHospital, createPatients, createUser } from "../support/fixtures";
import { startTestNode } from "../support/test-node";
import type { TestNode } from "../support/test-node";

// Tuesday 2026-11-24, 09:30 in Seoul. The doctor sees patients 09:00–12:00.
const MORNING = "2026-11-24T00:30:00Z";

/** Polls `read` until it deep-equals `expected`; on timeout the failure shows what the page last said. */
async function until<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let actual = await read();
  while (!isDeepStrictEqual(actual, expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    actual = await read();
  }
  expect(actual).toEqual(expected);
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();

const readBoard = async (page: Page) => ({
  connection: await page.getByTestId("connection").getAttribute("data-state"),
  serving: await page.getByTestId("serving-number").allTextContents(),
  // Numbers that do not fit the screen are hidden, not cut: only the visible ones count.
  next: await page.getByTestId("next-number").filter({ visible: true }).allTextContents(),
  waiting: await text(page, "waiting-count"),
  byDoctor: await page.getByTestId("waiting-doctor").allTextContents(),
});

const readTicket = async (page: Page) => {
  const waiting = await page.locator("#place").isVisible();
  return {
    connection: await page.getByTestId("connection").getAttribute("data-state"),
    number: await text(page, "ticket-number"),
    status: await text(page, "ticket-status"),
    ahead: waiting ? await text(page, "ticket-ahead") : null,
    position: waiting ? await text(page, "ticket-position") : null,
    eta: waiting ? await text(page, "ticket-eta") : null,
  };
};

describe("waiting-room board and ticket page in Chromium", () => {
  let node: TestNode | undefined;
  let context: BrowserContext | undefined;
  let browser: Chromium | undefined;

  beforeAll(async () => {
    node = await startTestNode();
    browser = await launchChromium({ viewport: { width: 1920, height: 1080 }, locale: "ko-KR" });
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  test("the board and a ticket page follow tickets being taken and called, live", async () => {
    const n = node!;
    n.setNow(MORNING);
    const hospital = await createHospital(n.app);
    const doctor = await createDoctor(n.app, hospital.id);
    const staff = (await createUser(n, "staff", hospital.id)).token;
    const patients = await createPatients(n, 3);
    const take = async (token: string) => {
      const res = await n.http("POST", `/api/v1/hospitals/${hospital.id}/queue`, { token, body: {} });
      expect(res.status).toBe(201);
      return res.body as { ticketId: string; number: number; position: number; etaMinutes: number };
    };
    const callNext = async () => {
      const res = await n.http("POST", `/api/v1/hospitals/${hospital.id}/queue/next`, {
        token: staff,
        body: {},
      });
      expect(res.status).toBe(200);
      return res.body as { ticketId: string; number: number; status: string };
    };

    const pageErrors: string[] = [];
    const watch = (page: Page) => {
      page.on("pageerror", (err) => pageErrors.push(`${page.url()}: ${err.message}`));
      page.on("console", (msg) => {
        if (msg.type() === "error") pageErrors.push(`${page.url()}: ${msg.text()}`);
      });
      return page;
    };

    const board = watch(await context!.newPage());
    await board.goto(`${n.baseUrl}/board/${hospital.id}`);
    await until(() => readBoard(board), {
      connection: "open",
      serving: ["—"],
      next: [],
      waiting: "0",
      byDoctor: [`${doctor.name}0명`],
    });
    expect(await text(board, "hospital-name")).toBe(hospital.name);
    expect(await board.getByTestId("serving-room").getAttribute("data-doctor-id")).toBe(String(doctor.id));
    expect(await board.getByTestId("serving-room").textContent()).toContain(doctor.name);
    // The clock keeps the server's time in the hospital's zone, not the screen's own.
    expect(await text(board, "clock")).toMatch(/09:3\d$/);

    const first = await take(patients[0].token);
    await until(() => readBoard(board), {
      connection: "open",
      serving: ["—"],
      next: [String(first.number)],
      waiting: "1",
      byDoctor: [`${doctor.name}1명`],
    });
    const second = await take(patients[1].token);
    const third = await take(patients[2].token);
    expect(second).toMatchObject({ position: 2 });
    await until(() => readBoard(board), {
      connection: "open",
      serving: ["—"],
      next: [first.number, second.number, third.number].map(String),
      waiting: "3",
      byDoctor: [`${doctor.name}3명`],
    });

    const ticket = watch(await context!.newPage());
    await ticket.setViewportSize({ width: 390, height: 844 });
    await ticket.goto(`${n.baseUrl}/ticket/${second.ticketId}`);
    await until(() => readTicket(ticket), {
      connection: "open",
      number: String(second.number),
      status: "대기 중",
      ahead: "1",
      position: "순서 2번째",
      eta: `약 ${second.etaMinutes}분`,
    });
    await ticket.screenshot({ path: path.join(SCREENSHOTS, "ticket.png"), animations: "disabled" });

    expect(await callNext()).toMatchObject({ ticketId: first.ticketId, status: "called" });
    await until(() => readBoard(board), {
      connection: "open",
      serving: [String(first.number)],
      next: [second.number, third.number].map(String),
      waiting: "2",
      byDoctor: [`${doctor.name}2명`],
    });
    const { body: place } = await n.http("GET", `/api/v1/queue/tickets/${second.ticketId}`);
    expect(place).toMatchObject({ status: "waiting", position: 1 });
    await until(() => readTicket(ticket), {
      connection: "open",
      number: String(second.number),
      status: "대기 중",
      ahead: "0",
      position: "순서 1번째",
      eta: place.etaMinutes > 0 ? `약 ${place.etaMinutes}분` : "곧 호출",
    });
    await board.screenshot({ path: path.join(SCREENSHOTS, "board.png"), animations: "disabled" });

    expect(await callNext()).toMatchObject({ ticketId: second.ticketId, status: "called" });
    await until(() => readTicket(ticket), {
      connection: "open",
      number: String(second.number),
      status: "호출되었습니다 — 진료실로 와 주세요",
      ahead: null,
      position: null,
      eta: null,
    });
    await until(() => readBoard(board), {
      connection: "open",
      serving: [String(second.number)],
      next: [String(third.number)],
      waiting: "1",
      byDoctor: [`${doctor.name}1명`],
    });
    await ticket.screenshot({ path: path.join(SCREENSHOTS, "ticket-called.png"), animations: "disabled" });

    expect(pageErrors).toEqual([]);
    for (const name of ["board.png", "ticket.png", "ticket-called.png"]) {
      const file = path.join(SCREENSHOTS, name);
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      console.log(`screenshot: ${file}`);
    }
  });
});
