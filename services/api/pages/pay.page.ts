/**
 * The deposit checkout page (`/pay/<orderId>`), made for a phone: the held
 * booking, its deposit and coupon discount, the time left on the hold, and a
 * 결제하기 button that stands in for the payment widget (a `sandbox_` payment
 * key; for tests, `?card=decline` makes a `decline_` one and `?card=error` an
 * `error_` one) before it confirms through the public API. The patient's token comes in the URL fragment, which
 * never reaches a server, and moves to sessionStorage at once. Server values go
 * in through `textContent`. The inline script avoids backticks and `${`, since
 * the page lives inside a template literal.
 */
export const PAY_HTML = `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#0f172a">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>예약금 결제</title>
<style>
  * { box-sizing: border-box; margin: 0; padding: 0; }
  [hidden] { display: none !important; }
  body {
    background: #f1f5f9; color: #0f172a; min-height: 100vh;
    font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
    display: flex; justify-content: center; padding: 24px 16px; word-break: keep-all;
  }
  main { width: 100%; max-width: 480px; display: flex; flex-direction: column; gap: 16px; }
  header h1 { font-size: 22px; font-weight: 800; }
  header p { font-size: 14px; color: #475569; margin-top: 4px; }
  .card { background: #fff; border-radius: 20px; padding: 20px 22px; box-shadow: 0 1px 3px rgba(15, 23, 42, 0.12); }
  #hospital-name { font-size: 19px; font-weight: 700; margin-bottom: 12px; overflow-wrap: anywhere; }
  dl { display: flex; flex-direction: column; gap: 10px; }
  dl > div { display: flex; justify-content: space-between; gap: 16px; font-size: 16px; }
  dt { color: #475569; white-space: nowrap; }
  dd { font-weight: 600; text-align: right; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
  #discount[data-none] { color: #64748b; font-weight: 400; }
  #discount:not([data-none]) { color: #b91c1c; }
  dl > div.total { border-top: 1px solid #e2e8f0; padding-top: 14px; margin-top: 4px; align-items: baseline; }
  .total dt { color: #0f172a; font-weight: 700; }
  #amount { font-size: 26px; font-weight: 800; color: #1d4ed8; }
  #countdown { display: flex; justify-content: space-between; align-items: center; gap: 12px;
    background: #dbeafe; color: #1e3a8a; border-radius: 14px; padding: 14px 22px; font-size: 16px; }
  #countdown small { display: block; font-size: 13px; opacity: 0.85; margin-top: 2px; }
  #countdown[data-urgent] { background: #fee2e2; color: #7f1d1d; }
  #time-left { font-size: 24px; font-weight: 800; font-variant-numeric: tabular-nums; }
  button { width: 100%; border: 0; border-radius: 14px; padding: 18px; font: inherit; font-size: 18px;
    font-weight: 800; cursor: pointer; background: #2563eb; color: #fff; }
  button:disabled { background: #94a3b8; cursor: default; }
  button:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  #result { text-align: center; display: flex; flex-direction: column; gap: 10px; align-items: center; }
  #result-mark { width: 56px; height: 56px; border-radius: 50%; display: flex; align-items: center;
    justify-content: center; font-size: 30px; font-weight: 800; color: #fff; background: #64748b; }
  #result[data-result="success"] #result-mark { background: #16a34a; }
  #result[data-result="declined"] #result-mark, #result[data-result="expired"] #result-mark { background: #dc2626; }
  #result[data-result="error"] #result-mark { background: #f59e0b; }
  #result-title { font-size: 22px; font-weight: 800; }
  #result-text { font-size: 15px; color: #475569; line-height: 1.6; }
  #retry { margin-top: 6px; }
  #note { font-size: 13px; color: #64748b; text-align: center; line-height: 1.6; }
</style>
</head>
<body>
<main>
  <header>
    <h1>예약금 결제</h1>
    <p>결제를 마치면 예약이 확정됩니다.</p>
  </header>
  <section class="card" id="booking" data-testid="booking" hidden>
    <h2 id="hospital-name" data-testid="hospital-name"></h2>
    <dl>
      <div><dt>진료의</dt><dd id="doctor" data-testid="doctor"></dd></div>
      <div><dt>진료 일시</dt><dd id="when" data-testid="when"></dd></div>
    </dl>
  </section>
  <section class="card" id="amounts" hidden>
    <dl>
      <div><dt>예약금</dt><dd id="gross" data-testid="gross"></dd></div>
      <div><dt>쿠폰 할인</dt><dd id="discount" data-testid="discount"></dd></div>
      <div class="total"><dt id="amount-label">결제할 금액</dt><dd id="amount" data-testid="amount"></dd></div>
    </dl>
  </section>
  <div id="countdown" data-testid="countdown" role="timer" hidden>
    <span>남은 시간<small>시간 안에 결제하지 않으면 예약이 취소됩니다</small></span>
    <span id="time-left" data-testid="time-left">--:--</span>
  </div>
  <button id="pay" type="button" data-testid="pay" hidden>결제하기</button>
  <section class="card" id="result" data-testid="result" role="status" aria-live="polite">
    <div id="result-mark" aria-hidden="true">…</div>
    <h2 id="result-title" data-testid="result-title">불러오는 중…</h2>
    <p id="result-text" data-testid="result-text"></p>
    <button id="retry" type="button" data-testid="retry" hidden>다시 시도</button>
  </section>
  <p id="note">예약금은 진료비에서 차감되며, 취소 시 병원의 환불 규정에 따라 돌려드립니다.</p>
</main>
<script>
(function () {
  "use strict";
  var parts = location.pathname.split("/").filter(Boolean);
  var orderId = decodeURIComponent(parts[parts.length - 1] || "");
  // Test hooks for the sandbox gateway: ?card=decline is refused, ?card=error fails (500).
  var card = new URLSearchParams(location.search).get("card");
  var KEY_PREFIX = card === "decline" ? "decline_" : card === "error" ? "error_" : "sandbox_";
  var TOKEN_KEY = "hre.token";
  var ATTEMPT_KEY = "hre.pay." + orderId;
  var MARKS = { success: "✓", declined: "!", expired: "!", error: "!", info: "…" };
  var order = null;
  var clockOffset = 0;
  var timer = null;
  var paying = false;

  function $(id) { return document.getElementById(id); }
  function won(n) { return Number(n).toLocaleString("ko-KR") + "원"; }
  function store(method, key, value) {
    try { return sessionStorage[method](key, value); } catch (e) { return null; }
  }
  function random() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /** The fragment's token is kept for this tab and taken out of the address bar (and so out of history). */
  function takeToken() {
    var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
      store("setItem", TOKEN_KEY, decodeURIComponent(match[1]));
      history.replaceState(null, "", location.pathname + location.search);
      return decodeURIComponent(match[1]);
    }
    return store("getItem", TOKEN_KEY);
  }
  var token = takeToken();

  function show(kind, title, text, canRetry) {
    stopClock();
    $("pay").hidden = true;
    $("countdown").hidden = true;
    $("result").hidden = false;
    $("result").setAttribute("data-result", kind);
    $("result-mark").textContent = MARKS[kind] || "!";
    $("result-title").textContent = title;
    $("result-text").textContent = text;
    $("retry").hidden = !canRetry;
    document.title = title + " · 예약금 결제";
  }
  function showPaid() {
    store("removeItem", ATTEMPT_KEY);
    $("amount-label").textContent = "결제한 금액";
    show("success", "예약 확정", "예약금 " + won(order.amount) + " 결제가 완료되어 예약이 확정되었습니다.", false);
  }
  function showDeclined() {
    store("removeItem", ATTEMPT_KEY);
    show("declined", "결제가 거절되었습니다", "카드 결제가 승인되지 않아 예약 자리가 해제되었습니다. 다른 카드로 다시 예약해 주세요.", false);
  }
  function showExpired() {
    store("removeItem", ATTEMPT_KEY);
    show("expired", "결제 시간이 지났습니다", "결제 가능 시간이 지나 예약이 취소되었습니다. 결제된 금액이 있다면 전액 환불됩니다.", false);
  }
  function showError() {
    show("error", "결제를 완료하지 못했습니다", "일시적인 문제로 결제가 끝나지 않았습니다. 잠시 후 다시 시도해 주세요.", true);
  }

  function renderOrder() {
    var d = new Date(order.date + "T00:00:00Z");
    var day = "일월화수목금토".charAt(d.getUTCDay());
    $("hospital-name").textContent = order.hospital.name;
    $("doctor").textContent = order.doctor.name + " · " + order.doctor.department;
    $("when").textContent = d.getUTCFullYear() + "년 " + (d.getUTCMonth() + 1) + "월 " + d.getUTCDate() +
      "일 (" + day + ") " + order.start;
    $("gross").textContent = won(order.gross);
    $("discount").textContent = order.discount > 0 ? "−" + won(order.discount) : "없음";
    if (order.discount > 0) $("discount").removeAttribute("data-none");
    else $("discount").setAttribute("data-none", "");
    $("amount").textContent = won(order.amount);
    $("pay").textContent = won(order.amount) + " 결제하기";
    $("booking").hidden = false;
    $("amounts").hidden = false;
  }

  function stopClock() { if (timer !== null) { clearInterval(timer); timer = null; } }
  /** Counts down on the server's clock (the answer's "now"), not the phone's. */
  function tick() {
    var left = Math.max(0, Math.floor((Date.parse(order.expiresAt) - (Date.now() + clockOffset)) / 1000));
    $("time-left").textContent = String(Math.floor(left / 60)).padStart(2, "0") + ":" + String(left % 60).padStart(2, "0");
    if (left <= 60) $("countdown").setAttribute("data-urgent", "");
    if (left === 0 && !paying) showExpired();
  }
  function showCheckout() {
    $("result").hidden = true;
    $("countdown").hidden = false;
    $("pay").hidden = false;
    $("pay").disabled = false;
    document.title = "예약금 결제";
    tick();
    stopClock();
    timer = setInterval(tick, 1000);
  }

  function request(method, path, body, headers) {
    var h = Object.assign({ accept: "application/json", authorization: "Bearer " + token }, headers || {});
    if (body) h["content-type"] = "application/json";
    return fetch("/api/v1" + path, { method: method, headers: h, body: body ? JSON.stringify(body) : undefined })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          return { status: res.status, body: data };
        });
      });
  }

  function byStatus(status) {
    if (status === "paid") showPaid();
    else if (status === "declined") showDeclined();
    else if (status === "expired" || status === "refunded") showExpired();
    else showCheckout();
  }

  function load() {
    request("GET", "/payments/orders/" + encodeURIComponent(orderId)).then(function (res) {
      if (res.status === 401) return show("info", "로그인이 필요합니다", "앱에서 결제 화면을 다시 열어 주세요.", false);
      if (res.status === 404 || res.status === 403 || res.status === 422)
        return show("info", "주문을 찾을 수 없습니다", "주소를 확인하거나 앱에서 다시 열어 주세요.", false);
      if (res.status !== 200 || !res.body) return show("error", "불러오지 못했습니다", "잠시 후 다시 시도해 주세요.", true);
      order = res.body;
      clockOffset = Date.parse(order.now) - Date.now();
      renderOrder();
      byStatus(order.status);
    }).catch(function () { show("error", "불러오지 못했습니다", "인터넷 연결을 확인하고 다시 시도해 주세요.", true); });
  }

  /** One attempt (payment key and Idempotency-Key) per order in this tab: a retry after a lost answer re-sends it. */
  function attempt() {
    var saved = store("getItem", ATTEMPT_KEY);
    if (saved) return JSON.parse(saved);
    var next = { paymentKey: KEY_PREFIX + random(), idempotencyKey: "pay_" + random() };
    store("setItem", ATTEMPT_KEY, JSON.stringify(next));
    return next;
  }

  function pay() {
    if (!order || paying) return;
    paying = true;
    $("pay").disabled = true;
    $("pay").textContent = "결제 중…";
    var a = attempt();
    request("POST", "/payments/confirm", { paymentKey: a.paymentKey, orderId: order.orderId, amount: order.amount },
      { "idempotency-key": a.idempotencyKey })
      .then(function (res) {
        var code = res.body && res.body.error ? res.body.error.code : "";
        if (res.status === 200) showPaid();
        else if (code === "PAYMENT_DECLINED") showDeclined();
        else if (code === "HOLD_EXPIRED") showExpired();
        else if (res.status === 404) show("info", "주문을 찾을 수 없습니다", "앱에서 예약 내역을 확인해 주세요.", false);
        else {
          // A refusal that is final for this attempt (a changed amount): the next try starts afresh.
          if (res.status < 500) store("removeItem", ATTEMPT_KEY);
          showError();
        }
      })
      .catch(showError)
      .then(function () { paying = false; });
  }

  $("pay").addEventListener("click", pay);
  $("retry").addEventListener("click", function () {
    $("retry").hidden = true;
    show("info", "다시 불러오는 중…", "", false);
    load();
  });
  if (!token) show("info", "로그인이 필요합니다", "앱에서 결제 화면을 다시 열어 주세요.", false);
  else if (!/^[A-Za-z0-9_-]{6,64}$/.test(orderId)) show("info", "주문을 찾을 수 없습니다", "주소에 주문 번호가 없습니다.", false);
  else load();
})();
</script>
</body>
</html>
`;
