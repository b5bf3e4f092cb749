/**
 * The sandbox's book of payments, in memory: what each Toss call answers,
 * decided by the `paymentKey` prefix as ../../../../shared/API.md fixes it
 * (`decline_` refused, `timeout_` never answered, `error_` a 500, else
 * approved). HTTP, auth and idempotency are the server's (./server.ts); this is
 * plain logic with the clock passed in.
 */
import crypto from "node:crypto";

/** An HTTP answer to send, or `null`: hold the request and never answer (the `timeout_` keys). */
export type SandboxAnswer = { status: number; body: unknown } | null;

interface StoredCancel {
  cancelAmount: number;
  cancelReason: string;
  canceledAt: string;
  transactionKey: string;
  cancelStatus: "DONE";
}

interface StoredPayment {
  paymentKey: string;
  orderId: string;
  status: "DONE" | "CANCELED" | "PARTIAL_CANCELED";
  totalAmount: number;
  balanceAmount: number;
  requestedAt: string;
  approvedAt: string;
  lastTransactionKey: string;
  cancels: StoredCancel[];
}

const ORDER_ID = /^[A-Za-z0-9_=-]{6,64}$/;

const fail = (status: number, code: string, message: string): SandboxAnswer => ({
  status,
  body: { code, message },
});

/** Toss writes times in Korea's offset: `2026-11-25T21:00:00+09:00`. */
export function kstIso(date: Date): string {
  return `${new Date(date.getTime() + 9 * 3600_000).toISOString().slice(0, 19)}+09:00`;
}

const isAmount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v > 0;

/** The payments the sandbox has approved, and the answers to the three calls. */
export class SandboxLedger {
  private readonly payments = new Map<string, StoredPayment>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** `POST /v1/payments/confirm`. */
  confirm(body: unknown): SandboxAnswer {
    const { paymentKey, orderId, amount } = (body ?? {}) as Record<string, unknown>;
    if (typeof paymentKey !== "string" || paymentKey.length === 0 || paymentKey.length > 200)
      return fail(400, "INVALID_REQUEST", "paymentKey는 1~200자 문자열이어야 합니다.");
    if (typeof orderId !== "string" || !ORDER_ID.test(orderId))
      return fail(400, "INVALID_REQUEST", "orderId는 영문, 숫자, -, _, = 로 된 6~64자여야 합니다.");
    if (!isAmount(amount)) return fail(400, "INVALID_REQUEST", "amount는 양의 정수여야 합니다.");
    if (paymentKey.startsWith("timeout_")) return null;
    if (paymentKey.startsWith("error_"))
      return fail(
        500,
        "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING",
        "결제가 완료되지 않았어요. 다시 시도해주세요.",
      );
    if (paymentKey.startsWith("decline_"))
      return fail(403, "REJECT_CARD_PAYMENT", "한도초과 혹은 잔액부족으로 결제에 실패했습니다.");
    if (this.payments.has(paymentKey))
      return fail(400, "ALREADY_PROCESSED_PAYMENT", "이미 처리된 결제 입니다.");
    const at = kstIso(this.now());
    const payment: StoredPayment = {
      paymentKey,
      orderId,
      status: "DONE",
      totalAmount: amount,
      balanceAmount: amount,
      requestedAt: at,
      approvedAt: at,
      lastTransactionKey: transactionKey(),
      cancels: [],
    };
    this.payments.set(paymentKey, payment);
    return { status: 200, body: view(payment) };
  }

  /** `POST /v1/payments/{paymentKey}/cancel`: a full refund, or `cancelAmount` of the balance. */
  cancel(paymentKey: string, body: unknown): SandboxAnswer {
    const { cancelReason, cancelAmount } = (body ?? {}) as Record<string, unknown>;
    if (typeof cancelReason !== "string" || cancelReason.length === 0 || cancelReason.length > 200)
      return fail(400, "INVALID_REQUEST", "cancelReason은 1~200자 문자열이어야 합니다.");
    if (cancelAmount !== undefined && !isAmount(cancelAmount))
      return fail(400, "INVALID_REQUEST", "cancelAmount는 양의 정수여야 합니다.");
    const payment = this.payments.get(paymentKey);
    if (!payment) return notFound();
    if (payment.status === "CANCELED")
      return fail(400, "ALREADY_CANCELED_PAYMENT", "이미 취소된 결제 입니다.");
    const amount = cancelAmount ?? payment.balanceAmount;
    if (amount > payment.balanceAmount)
      return fail(403, "NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다.");
    const key = transactionKey();
    payment.cancels.push({
      cancelAmount: amount,
      cancelReason,
      canceledAt: kstIso(this.now()),
      transactionKey: key,
      cancelStatus: "DONE",
    });
    payment.balanceAmount -= amount;
    payment.status = payment.balanceAmount === 0 ? "CANCELED" : "PARTIAL_CANCELED";
    payment.lastTransactionKey = key;
    return { status: 200, body: view(payment) };
  }

  /** `GET /v1/payments/{paymentKey}`. */
  get(paymentKey: string): SandboxAnswer {
    const payment = this.payments.get(paymentKey);
    return payment ? { status: 200, body: view(payment) } : notFound();
  }
}

function notFound(): SandboxAnswer {
  return fail(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.");
}

function transactionKey(): string {
  return crypto.randomBytes(16).toString("hex");
}

/** The payment as Toss' Payment object (the fields a client of the v1 API reads). */
function view(p: StoredPayment): Record<string, unknown> {
  return {
    mId: "tosspayments-sandbox",
    version: "2022-11-16",
    type: "NORMAL",
    method: "카드",
    currency: "KRW",
    paymentKey: p.paymentKey,
    orderId: p.orderId,
    status: p.status,
    totalAmount: p.totalAmount,
    balanceAmount: p.balanceAmount,
    requestedAt: p.requestedAt,
    approvedAt: p.approvedAt,
    lastTransactionKey: p.lastTransactionKey,
    // Toss sends null, not [], until the first refund.
    cancels: p.cancels.length === 0 ? null : p.cancels.map((c) => ({ ...c })),
  };
}
