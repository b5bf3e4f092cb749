/**
 * The deposit checkout page in a real headless Chromium against a real node:
 * a patient books at a hospital with a deposit, opens `/pay/<orderId>` with the
 * token in the fragment, sees the booking and the amounts, and pays; a card
 * the sandbox declines releases the seat; a hold that lapsed is not charged.
 * Chromium is Debian's (/usr/bin/chromium); a machine without it fails here.
 */
import fs from "node:fs";
import path from "node:path";
import { SCREENSHOTS, launchChromium } from "../support/chromium";
import type { Chromium } from "../support/chromium";
import type { BrowserContext, Page } from "playwright-core";
import { createDoctor, createHospital, createPatients, createUser } from "../support/fixtures";
import { startTestNode } from "../support/test-node";
import type { TestNode } from "../support/test-node";

const NOW = "2026-11-22T23:00:00Z"; // Monday 08:00 in Seoul; the day booked is Tuesday
const DAY = "2026-11-24";
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const EXPECTED_REFUSAL =
  /^Failed to load resource: the server responded with a status of (402|404|409|503)\b/;

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim();

describe("deposit checkout page in Chromium", () => {
  let node: TestNode;
  let context: BrowserContext | undefined;
  let browser: Chromium | undefined;
  let hospital: { id: number; name: string };
  let doctor: { id: number; name: string; department: string };
  let patients: { userId: number; token: string }[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow(NOW);
    hospital = await createHospital(node.app, { name: "튼튼소아청소년과의원" });
    doctor = await createDoctor(node.app, hospital.id, { name: "박지민" });
    const staff = (await createUser(node, "staff", hospital.id)).token;
    patients = await createPatients(node, 4);
    const settings = await node.http("PUT", `/api/v1/hospitals/${hospital.id}/payment-settings`, {
      token: staff,
      body: { depositAmount: 10_000, fullRefundHoursBefore: 24, lateCancelRefundPercent: 50 },
    });
    expect(settings.status).toBe(200);
    browser = await launchChromium({ viewport: DESKTOP, locale: "ko-KR" });
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  const book = async (token: string, start: string, extra: object = {}) => {
    const res = await node.http("POST", "/api/v1/appointments", {
      token,
      body: { hospitalId: hospital.id, doctorId: doctor.id, date: DAY, start, ...extra },
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("pending");
    return res.body as { id: string; payment: { orderId: string; amount: number; checkoutUrl: string } };
  };
  const seatsTaken = async (start: string) => {
    const res = await node.http(
      "GET",
      `/api/v1/hospitals/${hospital.id}/availability?date=${DAY}&doctorId=${doctor.id}`,
    );
    return res.body.doctors[0].slots.find((s: { start: string }) => s.start === start).booked as number;
  };
  /** A fresh tab (its own sessionStorage) on the checkout page, the token in the fragment. */
  const open = async (checkoutUrl: string, token: string, viewport = PHONE) => {
    const page = await context!.newPage();
    page.on("pageerror", (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    page.on("console", (msg) => {
      // Chromium logs every failed status; an unknown order (404), a decline (402), a lapsed hold (409)
      // and a gateway failure (503) are answers the page expects.
      if (msg.type() === "error" && !EXPECTED_REFUSAL.test(msg.text()))
        pageErrors.push(`${page.url()}: ${msg.text()}`);
    });
    await page.setViewportSize(viewport);
    await page.goto(`${node.baseUrl}${checkoutUrl}#token=${token}`);
    return page;
  };
  const shot = async (page: Page, name: string) => {
    const file = path.join(SCREENSHOTS, name);
    await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    console.log(`screenshot: ${file}`);
  };
  /** Nothing may run sideways: no horizontal scroll at this width. */
  const fitsWidth = (page: Page) =>
    // A string, evaluated in the page: this project's TypeScript knows no DOM.
    page.evaluate<boolean>("document.documentElement.scrollWidth <= document.documentElement.clientWidth");

  test("the booking, deposit, coupon and countdown are shown; paying confirms the booking", async () => {
    const [patient] = patients;
    const admin = (await createUser(node, "admin")).token;
    const campaign = await node.http("POST", "/api/v1/coupon-campaigns", {
      token: admin,
      body: { name: "예약금 할인", discount: { type: "amount", value: 3_000 }, quantity: 5 },
    });
    const claim = await node.http("POST", `/api/v1/coupon-campaigns/${campaign.body.id}/claim`, {
      token: patient.token,
    });
    const held = await book(patient.token, "09:00", { couponCode: claim.body.code });
    expect(held.payment.amount).toBe(7_000);

    const page = await open(held.payment.checkoutUrl, patient.token, DESKTOP);
    await page.getByTestId("pay").waitFor({ state: "visible" });
    // The token left the address bar at once and stays for this tab only.
    expect(page.url()).toBe(`${node.baseUrl}/pay/${held.payment.orderId}`);
    expect(await page.evaluate<string | null>('sessionStorage.getItem("hre.token")')).toBe(patient.token);
    expect({
      hospital: await text(page, "hospital-name"),
      doctor: await text(page, "doctor"),
      when: await text(page, "when"),
      gross: await text(page, "gross"),
      discount: await text(page, "discount"),
      amount: await text(page, "amount"),
      button: await text(page, "pay"),
    }).toEqual({
      hospital: "튼튼소아청소년과의원",
      doctor: `박지민 · ${doctor.department}`,
      when: "2026년 11월 24일 (화) 09:00",
      gross: "10,000원",
      discount: "−3,000원",
      amount: "7,000원",
      button: "7,000원 결제하기",
    });
    // The hold is 10 minutes on the server's clock (the browser's own clock is elsewhere).
    expect(await text(page, "time-left")).toMatch(/^(10:00|09:[0-5]\d)$/);
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, "pay-desktop.png");

    await page.setViewportSize(PHONE);
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, "pay-phone.png");

    await page.getByTestId("pay").click();
    await page.locator('#result[data-result="success"]').waitFor();
    expect(await text(page, "result-title")).toBe("예약 확정");
    expect(await page.getByTestId("pay").isVisible()).toBe(false);
    expect(await page.getByTestId("countdown").isVisible()).toBe(false);
    await shot(page, "pay-success.png");
    const seen = await node.http("GET", `/api/v1/appointments/${held.id}`, { token: patient.token });
    expect(seen.body).toMatchObject({ status: "booked", payment: { status: "paid", amount: 7_000 } });

    // Opened again (the token now from sessionStorage), the paid order shows as confirmed.
    await page.reload();
    await page.locator('#result[data-result="success"]').waitFor();
    await page.close();
  });

  test("the page runs only its own hashed script and style, and says nothing of an order it cannot find", async () => {
    const res = await fetch(`${node.baseUrl}/pay/ord_unknown`);
    const policy = res.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(policy).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(policy).not.toContain("unsafe");
    const [patient] = patients;
    const page = await open("/pay/ord_00000000000000000000000000000000", patient.token);
    await page.locator('#result[data-result="info"]').waitFor();
    expect(await text(page, "result-title")).toBe("주문을 찾을 수 없습니다");
    expect(await page.getByTestId("booking").isVisible()).toBe(false);
    await page.close();
  });

  test("a declined card shows the failure and releases the seat", async () => {
    const [, patient] = patients;
    const held = await book(patient.token, "09:30");
    expect(await seatsTaken("09:30")).toBe(1);
    const page = await open(`${held.payment.checkoutUrl}?card=decline`, patient.token);
    expect(await text(page, "discount")).toBe("없음");
    await page.getByTestId("pay").click();
    await page.locator('#result[data-result="declined"]').waitFor();
    expect(await text(page, "result-title")).toBe("결제가 거절되었습니다");
    expect(await text(page, "result-text")).toContain("예약 자리가 해제되었습니다");
    expect(page.url()).toBe(`${node.baseUrl}/pay/${held.payment.orderId}?card=decline`);
    await shot(page, "pay-declined.png");
    expect(await seatsTaken("09:30")).toBe(0);
    const seen = await node.http("GET", `/api/v1/appointments/${held.id}`, { token: patient.token });
    expect(seen.body).toMatchObject({ status: "cancelled", payment: { status: "declined" } });
    await page.close();
  });

  test("a failing gateway offers to try again and leaves the order payable", async () => {
    const [, , , patient] = patients;
    const held = await book(patient.token, "10:30");
    const page = await open(`${held.payment.checkoutUrl}?card=error`, patient.token);
    await page.getByTestId("pay").click();
    await page.locator('#result[data-result="error"]').waitFor();
    expect(await text(page, "result-title")).toBe("결제를 완료하지 못했습니다");
    await shot(page, "pay-error.png");
    await page.getByTestId("retry").click();
    await page.getByTestId("pay").waitFor({ state: "visible" });
    expect(await page.getByTestId("pay").isEnabled()).toBe(true);
    const seen = await node.http("GET", `/api/v1/appointments/${held.id}`, { token: patient.token });
    expect(seen.body).toMatchObject({ status: "pending", payment: { orderId: held.payment.orderId } });
    await page.close();
  });

  test("a hold that lapsed while the page was open is not charged", async () => {
    const [, , patient] = patients;
    const held = await book(patient.token, "10:00");
    const page = await open(held.payment.checkoutUrl, patient.token);
    await page.getByTestId("pay").waitFor({ state: "visible" });
    node.advance(601_000);
    await page.getByTestId("pay").click();
    await page.locator('#result[data-result="expired"]').waitFor();
    expect(await text(page, "result-title")).toBe("결제 시간이 지났습니다");
    await shot(page, "pay-expired.png");
    const seen = await node.http("GET", `/api/v1/appointments/${held.id}`, { token: patient.token });
    expect(seen.body).toMatchObject({ status: "expired", payment: { status: "expired" } });
    node.setNow(NOW);
    await page.close();
  });
});
