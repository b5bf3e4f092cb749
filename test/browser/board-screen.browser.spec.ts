/**
 * The board's first screen and the called ticket in headless Chromium: the
 * server sends the board finished (checked with the API and event stream cut
 * off), off-duty doctors are hidden, a long hospital name is clamped at a TV
 * and a phone size, and a called ticket says which doctor and room to go to.
 * Screenshots go to test-results/ at 1280×900 and 390×844.
 */
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { SCREENSHOTS, launchChromium } from "../support/chromium";
import type { Chromium } from "../support/chromium";
import type { BrowserContext, Page } from "playwright-core";
import { createDoctor, createHospital, createPatients, createUser } from "../support/fixtures";
import { startTestNode } from "../support/test-node";
import type { TestNode } from "../support/test-node";

const SIZES = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];
// Tuesday 2026-11-24 in Seoul: 09:30, then 14:05.
const MORNING = "2026-11-24T00:30:00Z";
const AFTERNOON = "2026-11-24T05:05:00Z";
const LONG_NAME =
  "서울특별시 강남구 테헤란로 으뜸365 소아청소년과·이비인후과·내과·가정의학과 연합의원 본관 제2진료동 (야간·휴일 진료)";

async function until<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let actual = await read();
  while (!isDeepStrictEqual(actual, expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    actual = await read();
  }
  expect(actual).toEqual(expected);
}

const rooms = (page: Page) =>
  page.getByTestId("serving-room").evaluateAll((els) => els.map((e) => e.getAttribute("data-doctor-id")));

interface Layout {
  viewport: number;
  pageWidth: number;
  clockRight: number;
  asideRight: number;
  nameClamped: boolean;
  ellipsis: string;
}

/** Where the header's parts end up, and whether anything runs off the screen sideways (run in the page). */
const LAYOUT = `(() => {
  const name = document.getElementById("hospital-name");
  return {
    viewport: window.innerWidth,
    pageWidth: document.documentElement.scrollWidth,
    clockRight: document.getElementById("clock").getBoundingClientRect().right,
    asideRight: document.querySelector("aside").getBoundingClientRect().right,
    nameClamped: name.scrollWidth > name.clientWidth,
    ellipsis: getComputedStyle(name).textOverflow,
  };
})()`;
const layout = (page: Page) => page.evaluate<Layout>(LAYOUT);

describe("the board's first screen and the called ticket in Chromium", () => {
  let node: TestNode;
  let context: BrowserContext;
  let browser: Chromium | undefined;

  beforeAll(async () => {
    node = await startTestNode();
    browser = await launchChromium({ viewport: SIZES[0], locale: "ko-KR" });
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  test("the server sends the finished board; off-duty doctors are hidden; a long name is clamped", async () => {
    node.setNow(MORNING);
    const hospital = await createHospital(node.app, { name: LONG_NAME });
    const kim = await createDoctor(node.app, hospital.id, { name: "김오전" });
    const afternoon = [1, 2, 3, 4, 5].map((weekday) => ({
      weekday: weekday as 1 | 2 | 3 | 4 | 5,
      start: "14:00",
      end: "18:00",
      slotMinutes: 30,
      capacity: 2,
    }));
    const park = await createDoctor(node.app, hospital.id, { name: "박오후", sessions: afternoon });
    const lee = await createDoctor(node.app, hospital.id, { name: "이오전", department: "이비인후과" });
    const [patient] = await createPatients(node, 1);
    const ticket = await node.http("POST", `/api/v1/hospitals/${hospital.id}/queue`, {
      token: patient.token,
      body: { doctorId: kim.id },
    });
    expect(ticket.status).toBe(201);

    // The HTML as sent: the name, the doctors on duty and the waiting number are in it, escaped.
    const html = await (await fetch(`${node.baseUrl}/board/${hospital.id}`)).text();
    expect(html).toContain(`<title>${LONG_NAME} · 대기 현황</title>`);
    expect(html).toContain(`>${LONG_NAME}</h1>`);
    const sentRooms = [...html.matchAll(/data-testid="serving-room" data-doctor-id="(\d+)"/g)].map(
      (m) => m[1],
    );
    expect(sentRooms).toEqual([String(kim.id), String(lee.id)]);
    expect(html).toContain(`data-testid="next-number">${ticket.body.number}<`);

    // With the API and its event stream cut off, the page still shows the whole first board.
    const cut = await context.newPage();
    await cut.route("**/api/v1/**", (route) => route.abort());
    await cut.goto(`${node.baseUrl}/board/${hospital.id}`);
    expect(await cut.getByTestId("hospital-name").textContent()).toBe(LONG_NAME);
    expect(await rooms(cut)).toEqual([String(kim.id), String(lee.id)]);
    expect(await cut.getByTestId("serving-room").allTextContents()).toEqual([
      "김오전소아청소년과—",
      "이오전이비인후과—",
    ]);
    expect(await cut.getByTestId("next-number").allTextContents()).toEqual([String(ticket.body.number)]);
    expect(await cut.getByTestId("waiting-count").textContent()).toBe("1");
    expect(await cut.getByTestId("clock").textContent()).toMatch(/09:3\d$/);
    await cut.close();

    const pageErrors: string[] = [];
    const board = await context.newPage();
    board.on("pageerror", (err) => pageErrors.push(err.message));
    await board.goto(`${node.baseUrl}/board/${hospital.id}`);
    await until(() => board.getByTestId("connection").getAttribute("data-state"), "open");
    expect(await rooms(board)).toEqual([String(kim.id), String(lee.id)]);
    for (const size of SIZES) {
      await board.setViewportSize(size);
      const seen = await layout(board);
      expect(seen).toMatchObject({ nameClamped: true, ellipsis: "ellipsis" });
      expect(seen.pageWidth).toBeLessThanOrEqual(seen.viewport);
      expect(seen.clockRight).toBeLessThanOrEqual(seen.viewport);
      expect(seen.asideRight).toBeLessThanOrEqual(seen.viewport);
      await board.screenshot({
        path: path.join(SCREENSHOTS, `board-${size.width}x${size.height}.png`),
        animations: "disabled",
      });
    }

    // 14:05: Park's session has begun, Lee's is over; Kim's is over too but a patient still waits for him.
    node.setNow(AFTERNOON);
    await board.reload();
    await until(() => rooms(board), [String(kim.id), String(park.id)]);
    await until(() => board.getByTestId("connection").getAttribute("data-state"), "open");
    expect(await rooms(board)).toEqual([String(kim.id), String(park.id)]);
    expect(await board.getByTestId("waiting-doctor").allTextContents()).toEqual(["김오전1명", "박오후0명"]);
    await board.setViewportSize(SIZES[0]);
    await board.screenshot({
      path: path.join(SCREENSHOTS, "board-afternoon-1280x900.png"),
      animations: "disabled",
    });
    expect(pageErrors).toEqual([]);
    await board.close();
  });

  test("a called ticket shows the doctor who called it and their room", async () => {
    node.setNow(MORNING);
    const hospital = await createHospital(node.app, { name: "호출테스트의원" });
    await createDoctor(node.app, hospital.id, { name: "김소아" });
    const lee = await createDoctor(node.app, hospital.id, { name: "이이비", department: "이비인후과" });
    const staff = (await createUser(node, "staff", hospital.id)).token;
    const [patient] = await createPatients(node, 1);
    const taken = await node.http("POST", `/api/v1/hospitals/${hospital.id}/queue`, {
      token: patient.token,
      body: {},
    });
    expect(taken.body.doctorId).toBeNull();

    const page = await context.newPage();
    await page.setViewportSize(SIZES[1]);
    await page.goto(`${node.baseUrl}/ticket/${taken.body.ticketId}`);
    await until(() => page.getByTestId("connection").getAttribute("data-state"), "open");
    expect(await page.getByTestId("ticket-room").isVisible()).toBe(false);

    const called = await node.http("POST", `/api/v1/hospitals/${hospital.id}/queue/next`, {
      token: staff,
      body: { doctorId: lee.id },
    });
    expect(called.body).toMatchObject({ status: "called", doctorId: lee.id });
    const readRoom = async () => ({
      visible: await page.getByTestId("ticket-room").isVisible(),
      doctor: await page.getByTestId("ticket-room-doctor").textContent(),
      department: await page.getByTestId("ticket-room-dept").textContent(),
    });
    await until(readRoom, { visible: true, doctor: "이이비 선생님 진료실", department: "이비인후과" });
    await page.screenshot({
      path: path.join(SCREENSHOTS, "ticket-called-390x844.png"),
      animations: "disabled",
    });

    // Opened afresh (no live event), the ticket's JSON carries the doctor too.
    await page.setViewportSize(SIZES[0]);
    await page.reload();
    await until(readRoom, { visible: true, doctor: "이이비 선생님 진료실", department: "이비인후과" });
    await page.screenshot({
      path: path.join(SCREENSHOTS, "ticket-called-1280x900.png"),
      animations: "disabled",
    });
    await page.close();
  });
});
