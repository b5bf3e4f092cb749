import { Errors } from "moleculer";
import { Errors as WebErrors } from "moleculer-web";
import { ClientError, RetryableError } from "./errors";
import { answeringRefusals, toErrorResponse } from "./error-response";

const answer = (err: unknown) => {
  const { status, body } = toErrorResponse(err);
  return { status, code: body.error.code };
};

describe("toErrorResponse", () => {
  test("a service with no live node right now is a 503, never Moleculer's 404", () => {
    const temporary = { status: 503, code: "TEMPORARILY_UNAVAILABLE" };
    expect(answer(new Errors.ServiceNotAvailableError({ action: "day.book" }))).toEqual(temporary);
    expect(answer(new Errors.ServiceNotFoundError({ action: "day.book" }))).toEqual(temporary);
    expect(answer(new Errors.RequestRejectedError({ action: "day.book", nodeID: "worker-2" }))).toEqual(
      temporary,
    );
    expect(answer(new Errors.RequestSkippedError({ action: "day.book", nodeID: "gateway" }))).toEqual(
      temporary,
    );
    expect(answer(new WebErrors.ServiceUnavailableError("", {}))).toEqual(temporary);
  });

  test("a timeout is a 503 that says the request may have taken effect", () => {
    const { status, body } = toErrorResponse(new Errors.RequestTimeoutError({ action: "a.b", nodeID: "w" }));
    expect(status).toBe(503);
    expect(body.error.code).toBe("REQUEST_TIMEOUT");
    expect(body.error.message).toMatch(/may or may not/);
  });

  test("the same errors rebuilt from the transporter as plain MoleculerErrors map the same way", () => {
    const plain = (code: number, type: string) => {
      const err = new Errors.MoleculerError("from afar", code, type, {});
      err.retryable = true;
      return err;
    };
    expect(answer(plain(404, "SERVICE_NOT_AVAILABLE"))).toEqual({
      status: 503,
      code: "TEMPORARILY_UNAVAILABLE",
    });
    expect(answer(plain(503, "REQUEST_REJECTED"))).toEqual({ status: 503, code: "TEMPORARILY_UNAVAILABLE" });
    expect(answer(plain(504, "REQUEST_TIMEOUT"))).toEqual({ status: 503, code: "REQUEST_TIMEOUT" });
  });

  test("a route or a thing that does not exist stays 404", () => {
    expect(answer(new WebErrors.NotFoundError("", {}))).toEqual({ status: 404, code: "NOT_FOUND" });
    expect(answer(new ClientError(404, "NOT_FOUND", "Hospital 9 was not found."))).toEqual({
      status: 404,
      code: "NOT_FOUND",
    });
  });

  test("our own retryable faults keep their code; client faults keep status and code", () => {
    expect(answer(new RetryableError("DAY_MOVED", "moved"))).toEqual({ status: 503, code: "DAY_MOVED" });
    expect(answer(new ClientError(409, "SLOT_FULL", "full"))).toEqual({ status: 409, code: "SLOT_FULL" });
    expect(answer(new Error("boom"))).toEqual({ status: 500, code: "INTERNAL" });
    expect(answer(new Errors.MoleculerError("boom", 500, "INVARIANT"))).toEqual({
      status: 500,
      code: "INTERNAL",
    });
  });
});

describe("answeringRefusals", () => {
  const ctxWith = () => ({ meta: {} as { $statusCode?: number } });

  test("a refusal becomes the answer: the status set, the gateway's own body returned", async () => {
    const ctx = ctxWith();
    const refusal = new ClientError(409, "SLOT_FULL", "The slot is full.", { start: "09:00" });
    const answered = await answeringRefusals(ctx, () => Promise.reject(refusal));
    expect(answered).toEqual(toErrorResponse(refusal).body);
    expect(ctx.meta.$statusCode).toBe(409);
  });

  test("a result passes through untouched", async () => {
    const ctx = ctxWith();
    expect(await answeringRefusals(ctx, () => Promise.resolve({ id: "a" }))).toEqual({ id: "a" });
    expect(ctx.meta.$statusCode).toBeUndefined();
  });

  test("a 429, a retryable fault and an unknown error are still thrown, the status left alone", async () => {
    for (const err of [
      new ClientError(429, "TOO_MANY_ATTEMPTS", "Wait.", { retryAfterSeconds: 30 }),
      new RetryableError("DAY_BUSY", "Busy."),
      new Error("boom"),
    ]) {
      const ctx = ctxWith();
      await expect(answeringRefusals(ctx, () => Promise.reject(err))).rejects.toBe(err);
      expect(ctx.meta.$statusCode).toBeUndefined();
    }
  });
});
