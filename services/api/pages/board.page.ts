/**
 * The waiting-room board (`/board/<hospitalId>`): who is being seen by each
 * doctor, the next numbers and how many wait, readable from across the room.
 * It uses only the public API and the hospital's event stream; every value
 * from the server goes in through `textContent`. The inline script avoids
 * backticks and `${`, since the page lives inside a template literal.
 */
export const BOARD_HTML = `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>대기 현황</title>
<style>
  * { box-sizing: border-box; margin: 0; padding: 0; }
  html, body { height: 100%; }
  body {
    background: #05070d; color: #f5f7fa; overflow: hidden;
    font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
    display: grid; grid-template-rows: auto 1fr auto; gap: 1.6vh; padding: 2vh 2vw;
  }
  .num { font-variant-numeric: tabular-nums; font-weight: 800; line-height: 1; }
  header { display: flex; align-items: center; gap: 2vw; border-bottom: 0.4vh solid #1f2a44; padding-bottom: 1.4vh; }
  #hospital-name { font-size: 5vh; font-weight: 800; flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  #clock { text-align: right; }
  #clock-date { font-size: 2.6vh; color: #aab4c8; }
  #clock-time { font-size: 6vh; }
  #connection { display: flex; align-items: center; gap: 0.8vw; font-size: 2.4vh; color: #aab4c8; white-space: nowrap; }
  #connection::before { content: ""; width: 2vh; height: 2vh; border-radius: 50%; background: #f5b400; }
  #connection[data-state="open"]::before { background: #22c55e; }
  #connection[data-state="closed"]::before { background: #ef4444; }
  #connection[data-state="closed"] { color: #fca5a5; }
  main { display: grid; grid-template-columns: 3fr 2fr; gap: 2vw; min-height: 0; }
  section { background: #0d1424; border-radius: 2vh; padding: 2.4vh 2vw; display: flex; flex-direction: column; min-height: 0; }
  h2 { font-size: 4vh; font-weight: 700; color: #ffd54a; margin-bottom: 2vh; }
  h2 small { font-size: 2.6vh; color: #aab4c8; font-weight: 500; margin-left: 1vw; }
  #serving { flex: 1; display: grid; gap: 2vh 2vw; grid-template-columns: repeat(auto-fit, minmax(24vw, 1fr)); grid-auto-rows: 1fr; min-height: 0; }
  .room { background: #16213a; border-radius: 1.6vh; padding: 2vh 1.6vw; text-align: center; display: flex; flex-direction: column; justify-content: center; }
  .room-doctor { font-size: 4vh; font-weight: 700; }
  .room-dept { font-size: 2.4vh; color: #aab4c8; margin-bottom: 1vh; }
  .room .num { font-size: 24vh; color: #fff; }
  #serving[data-rooms="one"] .room .num { font-size: 36vh; }
  #serving[data-rooms="many"] .room .num { font-size: 13vh; }
  .room .num.empty { color: #4b5873; }
  .room.fresh { animation: flash 1s ease-in-out 4; }
  @keyframes flash { 50% { background: #ffd54a; color: #05070d; } }
  .room.fresh .num, .room.fresh .room-dept { color: inherit; }
  aside { display: grid; grid-template-rows: minmax(30vh, 1fr) auto; gap: 2vh; min-height: 0; }
  #next { flex: 1; position: relative; display: flex; flex-wrap: wrap; gap: 1.6vh 1.4vw; align-content: flex-start; overflow: hidden; }
  #next .next-item.clipped { visibility: hidden; }
  .next-item { background: #16213a; border-radius: 1.4vh; padding: 1.2vh 1.4vw; text-align: center; min-width: 9vw; }
  .next-item .num { font-size: 11vh; }
  .next-item:first-child { background: #1e3a8a; }
  .next-doctor { font-size: 2vh; color: #aab4c8; min-height: 2.4vh; }
  #waiting-by-doctor { list-style: none; display: grid; gap: 0.8vh 2.4vw; overflow: hidden; }
  #waiting-by-doctor[data-rows="many"] { grid-template-columns: 1fr 1fr; }
  #waiting-by-doctor[data-rows="many"] li { font-size: 2.8vh; }
  #waiting-by-doctor li, .total { display: flex; justify-content: space-between; align-items: baseline; font-size: 3.4vh; gap: 1vw; }
  #waiting-by-doctor .num { font-size: 4.6vh; }
  .total .num { font-size: 5.4vh; }
  .total { border-top: 0.3vh solid #1f2a44; padding-top: 1.2vh; margin-top: 1.2vh; color: #ffd54a; }
  .empty-note { font-size: 3.4vh; color: #4b5873; }
  footer { display: flex; justify-content: space-between; font-size: 2.6vh; color: #aab4c8; }
  #notice { color: #f5f7fa; }
</style>
</head>
<body>
<header>
  <h1 id="hospital-name" data-testid="hospital-name">대기 현황</h1>
  <div id="connection" data-testid="connection" data-state="connecting" role="status">연결 중…</div>
  <div id="clock" data-testid="clock"><div id="clock-date"></div><div id="clock-time" class="num">--:--</div></div>
</header>
<main>
  <section aria-labelledby="serving-title">
    <h2 id="serving-title">지금 진료 중<small>호출 번호</small></h2>
    <div id="serving" data-testid="serving" aria-live="polite"></div>
  </section>
  <aside>
    <section aria-labelledby="next-title">
      <h2 id="next-title">다음 순서</h2>
      <div id="next" data-testid="next"></div>
    </section>
    <section aria-labelledby="waiting-title">
      <h2 id="waiting-title">대기 인원</h2>
      <ul id="waiting-by-doctor"></ul>
      <div class="total">전체 <span><span id="waiting-total" class="num" data-testid="waiting-count">0</span>명</span></div>
    </section>
  </aside>
</main>
<footer>
  <span id="notice">번호가 호출되면 진료실 앞으로 와 주세요.</span>
  <span>최근 업데이트 <span id="updated" data-testid="updated">-</span></span>
</footer>
<script>
(function () {
  "use strict";
  var parts = location.pathname.split("/").filter(Boolean);
  var hospitalId = parts[parts.length - 1];
  var api = "/api/v1/hospitals/" + encodeURIComponent(hospitalId);
  var doctors = [];
  var timeZone = "Asia/Seoul";
  var board = null;
  var lastCalled = {};
  var skewMs = 0;
  var gone = false;

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function doctorOf(id) {
    for (var i = 0; i < doctors.length; i++) if (doctors[i].id === id) return doctors[i];
    return null;
  }
  function doctorName(id) {
    if (id === null) return "의사 지정 없음";
    var d = doctorOf(id);
    return d ? d.name : "의사 " + id;
  }
  function format(date, options) {
    try { return new Intl.DateTimeFormat("ko-KR", Object.assign({ timeZone: timeZone }, options)).format(date); }
    catch (e) { return new Intl.DateTimeFormat("ko-KR", options).format(date); }
  }

  function tick() {
    var now = new Date(Date.now() + skewMs);
    $("clock-date").textContent = format(now, { month: "long", day: "numeric", weekday: "short" });
    $("clock-time").textContent = format(now, { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function setConnection(state, text) {
    $("connection").setAttribute("data-state", state);
    $("connection").textContent = text;
  }

  /** Every doctor of the hospital, then any the board lists under key that we do not know (or null). */
  function doctorIds(key) {
    var ids = doctors.map(function (d) { return d.id; });
    (board ? board[key] : []).forEach(function (x) { if (ids.indexOf(x.doctorId) < 0) ids.push(x.doctorId); });
    return ids;
  }

  function renderServing() {
    var latest = {};
    (board ? board.serving : []).forEach(function (s) {
      var key = String(s.doctorId);
      if (!latest[key] || latest[key].calledAt < s.calledAt) latest[key] = s;
    });
    var ids = doctorIds("serving");
    var box = $("serving");
    box.replaceChildren();
    box.setAttribute("data-rooms", ids.length > 2 ? "many" : ids.length === 2 ? "few" : "one");
    ids.forEach(function (id) {
      var s = latest[String(id)];
      var d = id === null ? null : doctorOf(id);
      var room = el("div", "room");
      room.setAttribute("data-testid", "serving-room");
      room.setAttribute("data-doctor-id", String(id));
      room.appendChild(el("div", "room-doctor", doctorName(id)));
      room.appendChild(el("div", "room-dept", d && d.department ? d.department : "진료실"));
      var num = el("div", s ? "num" : "num empty", s ? s.number : "—");
      num.setAttribute("data-testid", "serving-number");
      room.appendChild(num);
      // A new call (or a recall, which moves calledAt) flashes the room so heads turn.
      var mark = s ? s.number + "@" + s.calledAt : "";
      if (s && lastCalled[String(id)] !== undefined && lastCalled[String(id)] !== mark) room.classList.add("fresh");
      lastCalled[String(id)] = mark;
      box.appendChild(room);
    });
    if (ids.length === 0) box.appendChild(el("p", "empty-note", "진료 중인 번호가 없습니다"));
  }

  function renderNext() {
    var box = $("next");
    box.replaceChildren();
    var waiting = board ? board.waiting.slice(0, 8) : [];
    waiting.forEach(function (w) {
      var item = el("div", "next-item");
      var num = el("div", "num", w.number);
      num.setAttribute("data-testid", "next-number");
      item.appendChild(num);
      item.appendChild(el("div", "next-doctor", w.doctorId === null ? "" : doctorName(w.doctorId)));
      box.appendChild(item);
    });
    if (waiting.length === 0) box.appendChild(el("p", "empty-note", "대기 중인 번호가 없습니다"));
    fitNext();
  }

  /** Hides the numbers that only half fit, so no number is shown cut off. */
  function fitNext() {
    var box = $("next");
    Array.prototype.forEach.call(box.children, function (item) {
      item.classList.toggle("clipped", item.offsetTop + item.offsetHeight > box.clientHeight);
    });
  }

  function renderWaiting() {
    var counts = {};
    var total = board ? board.waiting.length : 0;
    (board ? board.waitingByDoctor : []).forEach(function (w) { counts[String(w.doctorId)] = w.count; });
    var ids = doctorIds("waitingByDoctor");
    // With one doctor, "any doctor" tickets wait for that doctor too: one row says it plainly.
    if (doctors.length === 1 && ids.length <= 2 && (ids.length === 1 || ids[1] === null)) {
      ids = [doctors[0].id];
      counts[String(ids[0])] = total;
    }
    var list = $("waiting-by-doctor");
    list.replaceChildren();
    list.setAttribute("data-rows", ids.length > 3 ? "many" : "few");
    ids.forEach(function (id) {
      var li = el("li");
      li.setAttribute("data-testid", "waiting-doctor");
      li.setAttribute("data-doctor-id", String(id));
      li.appendChild(el("span", "", doctorName(id)));
      var count = el("span");
      var num = el("span", "num", counts[String(id)] || 0);
      num.setAttribute("data-testid", "waiting-doctor-count");
      count.appendChild(num);
      count.appendChild(document.createTextNode("명"));
      li.appendChild(count);
      list.appendChild(li);
    });
    $("waiting-total").textContent = String(total);
  }

  function render() {
    renderServing();
    renderNext();
    renderWaiting();
    if (board) $("updated").textContent = format(new Date(board.updatedAt), { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  }

  function loadHospital() {
    fetch(api, { headers: { accept: "application/json" } })
      .then(function (res) {
        if (res.status === 404) throw new Error("병원을 찾을 수 없습니다");
        if (!res.ok) throw new Error("retry");
        return res.json();
      })
      .then(function (h) {
        $("hospital-name").textContent = h.name;
        document.title = h.name + " · 대기 현황";
        doctors = Array.isArray(h.doctors) ? h.doctors : [];
        if (h.timeZone) timeZone = h.timeZone;
        tick();
        render();
      })
      .catch(function (err) {
        if (err.message === "retry" || err instanceof TypeError) setTimeout(loadHospital, 5000);
        else {
          gone = true;
          $("hospital-name").textContent = err.message;
          setConnection("closed", "연결 안 됨");
        }
      });
  }

  function connect() {
    if (gone) return;
    var source = new EventSource(api + "/queue/events");
    var fresh = true;
    source.onopen = function () { setConnection("open", "실시간 연결됨"); };
    source.addEventListener("board", function (e) {
      board = JSON.parse(e.data);
      // The first board after connecting was made just now: it tells the server's time for the clock.
      if (fresh) { skewMs = Date.parse(board.updatedAt) - Date.now(); fresh = false; tick(); }
      setConnection("open", "실시간 연결됨");
      render();
    });
    source.onerror = function () {
      if (gone) {
        source.close();
        setConnection("closed", "연결 안 됨");
      } else if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (e.g. it was restarting): EventSource gives up then, so we do not.
        source.close();
        setConnection("closed", "연결 끊김 · 다시 연결하는 중");
        setTimeout(connect, 5000);
      } else setConnection("connecting", "다시 연결하는 중…");
    };
  }

  if (!/^[0-9]+$/.test(hospitalId || "")) {
    $("hospital-name").textContent = "주소에 병원 번호가 없습니다";
    setConnection("closed", "연결 안 됨");
    return;
  }
  tick();
  setInterval(tick, 1000);
  window.addEventListener("resize", fitNext);
  render();
  loadHospital();
  connect();
})();
</script>
</body>
</html>
`;
