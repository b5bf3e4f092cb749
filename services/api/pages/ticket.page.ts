/**
 * The patient's ticket page (`/ticket/<ticketId>`), made for a phone: the
 * number, its status and place in line, kept live by the ticket's event
 * stream; once called, the doctor and room to go to. Uses only the public API; server values go in through
 * `textContent`. The inline script avoids backticks and `${`, since the page
 * lives inside a template literal.
 */
export const TICKET_HTML = `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#0f172a">
<link rel="icon" href="data:,">
<title>내 접수 번호</title>
<style>
  * { box-sizing: border-box; margin: 0; padding: 0; }
  body {
    background: #f1f5f9; color: #0f172a; min-height: 100vh;
    font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
    display: flex; justify-content: center; padding: 16px;
  }
  main { width: 100%; max-width: 480px; display: flex; flex-direction: column; gap: 16px; }
  header { display: flex; justify-content: space-between; align-items: center; gap: 12px; }
  #hospital-name { font-size: 18px; font-weight: 700; }
  #connection { display: flex; align-items: center; gap: 6px; font-size: 13px; color: #475569; white-space: nowrap; }
  #connection::before { content: ""; width: 10px; height: 10px; border-radius: 50%; background: #f59e0b; }
  #connection[data-state="open"]::before { background: #16a34a; }
  #connection[data-state="closed"]::before { background: #dc2626; }
  .card { background: #fff; border-radius: 20px; padding: 24px; box-shadow: 0 1px 3px rgba(15, 23, 42, 0.12); text-align: center; }
  .label { font-size: 15px; color: #475569; }
  #number { font-size: 96px; font-weight: 800; line-height: 1.1; font-variant-numeric: tabular-nums; }
  #status { font-size: 22px; font-weight: 700; padding: 16px; border-radius: 14px; background: #e2e8f0; text-align: center; }
  #status[data-status="waiting"] { background: #dbeafe; color: #1e3a8a; }
  #status[data-status="called"] { background: #facc15; color: #0f172a; font-size: 26px; animation: pulse 1s ease-in-out 6; }
  #status[data-status="done"] { background: #dcfce7; color: #14532d; }
  #status[data-status="no_show"], #status[data-status="cancelled"] { background: #fee2e2; color: #7f1d1d; }
  @keyframes pulse { 50% { transform: scale(1.04); } }
  #place { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
  #place[hidden] { display: none; }
  .big { font-size: 34px; font-weight: 800; font-variant-numeric: tabular-nums; margin-top: 4px; }
  .sub { font-size: 15px; color: #475569; margin-top: 4px; }
  #room { border: 3px solid #facc15; }
  #room[hidden] { display: none; }
  #room-doctor { font-size: 30px; font-weight: 800; margin-top: 4px; overflow-wrap: anywhere; }
  #note { font-size: 14px; color: #475569; text-align: center; line-height: 1.6; }
</style>
</head>
<body>
<main>
  <header>
    <div id="hospital-name" data-testid="hospital-name">내 접수</div>
    <div id="connection" data-testid="connection" data-state="connecting" role="status">연결 중…</div>
  </header>
  <div class="card">
    <div class="label">내 번호</div>
    <div id="number" data-testid="ticket-number">-</div>
  </div>
  <div id="status" data-testid="ticket-status" role="status" aria-live="assertive">불러오는 중…</div>
  <div id="room" class="card" data-testid="ticket-room" hidden>
    <div class="label">가실 곳</div>
    <div id="room-doctor" data-testid="ticket-room-doctor"></div>
    <div class="sub" id="room-dept" data-testid="ticket-room-dept"></div>
  </div>
  <div id="place" hidden>
    <div class="card">
      <div class="label">내 앞 대기</div>
      <div class="big"><span id="ahead" data-testid="ticket-ahead">-</span>명</div>
      <div class="sub" id="position" data-testid="ticket-position"></div>
    </div>
    <div class="card">
      <div class="label">예상 대기</div>
      <div class="big" id="eta" data-testid="ticket-eta">-</div>
      <div class="sub">진료 상황에 따라 달라질 수 있어요</div>
    </div>
  </div>
  <p id="note">이 화면은 자동으로 새로고침됩니다. 번호가 호출되면 진료실 앞으로 와 주세요.</p>
</main>
<script>
(function () {
  "use strict";
  var parts = location.pathname.split("/").filter(Boolean);
  var ticketId = parts[parts.length - 1] || "";
  var api = "/api/v1/queue/tickets/" + encodeURIComponent(ticketId);
  var STATUS = {
    waiting: "대기 중",
    called: "호출되었습니다 — 진료실로 와 주세요",
    done: "진료 완료",
    no_show: "미방문 처리",
    cancelled: "취소됨"
  };
  var FINAL = { done: true, no_show: true, cancelled: true };
  var ticket = null;
  var heardLive = false;
  var hospitalAsked = false;
  var doctors = [];
  var source = null;
  var gone = false;

  function $(id) { return document.getElementById(id); }
  function setConnection(state, text) {
    $("connection").setAttribute("data-state", state);
    $("connection").textContent = text;
  }
  function fail(text) {
    gone = true;
    if (source) source.close();
    $("status").removeAttribute("data-status");
    $("status").textContent = text;
    setConnection("closed", "연결 안 됨");
  }

  function render() {
    if (!ticket) return;
    var status = ticket.status;
    $("number").textContent = String(ticket.number);
    $("status").setAttribute("data-status", status);
    $("status").textContent = STATUS[status] || status;
    document.title = ticket.number + "번 · " + (STATUS[status] || status);
    var waiting = status === "waiting" && typeof ticket.position === "number" && ticket.position > 0;
    $("place").hidden = !waiting;
    if (waiting) {
      $("ahead").textContent = String(ticket.position - 1);
      $("position").textContent = "순서 " + ticket.position + "번째";
      $("position").setAttribute("data-position", String(ticket.position));
      $("eta").textContent = ticket.etaMinutes > 0 ? "약 " + ticket.etaMinutes + "분" : "곧 호출";
      $("eta").setAttribute("data-eta-minutes", String(ticket.etaMinutes));
    }
    renderRoom();
    if (!hospitalAsked && ticket.hospitalId) loadHospital(ticket.hospitalId);
  }

  /** Called: the doctor who called (the ticket's doctorId then) and their room. */
  function renderRoom() {
    var id = ticket && ticket.status === "called" ? ticket.doctorId : null;
    $("room").hidden = id === null || id === undefined;
    if ($("room").hidden) return;
    var d = null;
    for (var i = 0; i < doctors.length; i++) if (doctors[i].id === id) d = doctors[i];
    $("room").setAttribute("data-doctor-id", String(id));
    $("room-doctor").textContent = (d ? d.name + " 선생님" : "의사 " + id) + " 진료실";
    $("room-dept").textContent = d && d.department ? d.department : "";
  }

  /** Merges what the server says; a status change to "called" (or a recall) buzzes the phone. */
  function update(data) {
    var wasCalled = ticket && ticket.status === "called";
    ticket = Object.assign({}, ticket || {}, data);
    render();
    if (ticket.status === "called" && (!wasCalled || data.status === "called") && navigator.vibrate) {
      try { navigator.vibrate([400, 200, 400]); } catch (e) { /* not allowed before a tap */ }
    }
    if (FINAL[ticket.status] && source) {
      // Nothing more will happen to this ticket: stop listening.
      source.close();
      setConnection("closed", "종료됨");
    }
  }

  function loadHospital(id) {
    hospitalAsked = true;
    fetch("/api/v1/hospitals/" + encodeURIComponent(id))
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (h) {
        if (h && h.name) $("hospital-name").textContent = h.name;
        if (h && Array.isArray(h.doctors)) { doctors = h.doctors; renderRoom(); }
      })
      .catch(function () { hospitalAsked = false; });
  }

  function load() {
    fetch(api, { headers: { accept: "application/json" } })
      .then(function (res) {
        if (res.status === 404 || res.status === 422) throw new Error("접수 정보를 찾을 수 없습니다");
        if (!res.ok) throw new Error("retry");
        return res.json();
      })
      // The stream may have answered first; its news is newer than this reply.
      .then(function (t) { if (!heardLive) update(t); })
      .catch(function (err) {
        if (err.message === "retry" || err instanceof TypeError) setTimeout(load, 5000);
        else fail(err.message);
      });
  }

  function connect() {
    source = new EventSource(api + "/events");
    var es = source;
    es.onopen = function () { setConnection("open", "실시간 연결됨"); };
    es.addEventListener("ticket", function (e) {
      heardLive = true;
      setConnection("open", "실시간 연결됨");
      update(JSON.parse(e.data));
    });
    es.addEventListener("place", function (e) {
      var p = JSON.parse(e.data);
      update({ position: p.position, etaMinutes: p.etaMinutes });
    });
    es.onerror = function () {
      if (gone || (ticket && FINAL[ticket.status])) return;
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        setConnection("closed", "연결 끊김 · 다시 연결하는 중");
        setTimeout(connect, 5000);
      } else setConnection("connecting", "다시 연결하는 중…");
    };
  }

  if (ticketId.length !== 36) {
    fail("주소에 접수 번호가 없습니다");
    return;
  }
  load();
  connect();
})();
</script>
</body>
</html>
`;
