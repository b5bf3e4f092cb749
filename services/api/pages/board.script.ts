/**
 * The board page's inline script. The server has already drawn the first
 * board into the HTML and put the same data in the `#board-data` JSON block;
 * the script picks that up, redraws identically, then follows the event
 * stream. Doctors off duty with nobody to see are hidden, and that is
 * re-checked every second as sessions start and end. Every value from the
 * server goes in through `textContent`. It avoids backticks and `${`: it
 * lives inside a template literal.
 */
export const BOARD_SCRIPT = `
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
  var shown = "";

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
  function now() { return new Date(Date.now() + skewMs); }
  function format(date, options) {
    try { return new Intl.DateTimeFormat("ko-KR", Object.assign({ timeZone: timeZone }, options)).format(date); }
    catch (e) { return new Intl.DateTimeFormat("ko-KR", options).format(date); }
  }
  /** Minutes since midnight in the hospital's zone. */
  function minuteNow() {
    var hm = format(now(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).match(/[0-9]+/g) || ["0", "0"];
    return Number(hm[0]) * 60 + Number(hm[1]);
  }
  function toMinutes(t) { return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)); }

  /** On duty now by today's sessions; a doctor the board says nothing of is shown. */
  function onDuty(id) {
    var rota = board && board.doctors ? board.doctors : null;
    if (!rota) return true;
    var minute = minuteNow();
    for (var i = 0; i < rota.length; i++) {
      if (rota[i].doctorId !== id) continue;
      return rota[i].sessions.some(function (s) { return toMinutes(s.start) <= minute && minute < toMinutes(s.end); });
    }
    return true;
  }
  /** Someone is in with the doctor or waiting for them: the card stays, on duty or not. */
  function busy(id) {
    if (!board) return false;
    return board.serving.some(function (s) { return s.doctorId === id; }) ||
      board.waitingByDoctor.some(function (w) { return w.doctorId === id && w.count > 0; });
  }
  function visibleDoctors() { return doctors.filter(function (d) { return onDuty(d.id) || busy(d.id); }); }

  function tick() {
    $("clock-date").textContent = format(now(), { month: "long", day: "numeric", weekday: "short" });
    $("clock-time").textContent = format(now(), { hour: "2-digit", minute: "2-digit", hour12: false });
    // A session starting or ending changes who is shown, without any event from the server.
    var ids = visibleDoctors().map(function (d) { return d.id; }).join(",");
    if (ids !== shown) render();
  }

  function setConnection(state, text) {
    $("connection").setAttribute("data-state", state);
    $("connection").textContent = text;
  }

  /** The doctors shown, then any the board lists under key that we do not know (or null). */
  function doctorIds(key) {
    var ids = visibleDoctors().map(function (d) { return d.id; });
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
    if (ids.length === 0) box.appendChild(el("p", "empty-note", "지금 진료 중인 의사가 없습니다"));
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
    var visible = visibleDoctors();
    // With one doctor, "any doctor" tickets wait for that doctor too: one row says it plainly.
    if (visible.length === 1 && ids.length <= 2 && (ids.length === 1 || ids[1] === null)) {
      ids = [visible[0].id];
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
    shown = visibleDoctors().map(function (d) { return d.id; }).join(",");
    renderServing();
    renderNext();
    renderWaiting();
    if (board) $("updated").textContent = format(new Date(board.updatedAt), { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  }

  function useHospital(h) {
    $("hospital-name").textContent = h.name;
    $("hospital-name").title = h.name;
    document.title = h.name + " · 대기 현황";
    doctors = Array.isArray(h.doctors) ? h.doctors : [];
    if (h.timeZone) timeZone = h.timeZone;
  }

  /** Only when the server could not draw the first board (it was busy): fetch what it would have sent. */
  function loadHospital() {
    fetch(api, { headers: { accept: "application/json" } })
      .then(function (res) {
        if (res.status === 404) throw new Error("병원을 찾을 수 없습니다");
        if (!res.ok) throw new Error("retry");
        return res.json();
      })
      .then(function (h) {
        useHospital(h);
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

  var first = null;
  try { first = JSON.parse($("board-data").textContent || "null"); } catch (e) { first = null; }
  if (first && first.gone) {
    setConnection("closed", "연결 안 됨");
    return;
  }
  if (first && first.hospital) {
    useHospital(first.hospital);
    board = first.board;
    skewMs = Date.parse(first.now) - Date.now();
  }
  tick();
  setInterval(tick, 1000);
  window.addEventListener("resize", fitNext);
  render();
  if (!first || !first.hospital) loadHospital();
  connect();
})();
`;
