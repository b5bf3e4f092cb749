/**
 * The waiting-room board (`/board/<hospitalId>`): who is being seen by each
 * doctor, the next numbers and how many wait, readable from across the room.
 * The gateway sends the first board finished — hospital name, doctors on duty,
 * numbers, clock — drawn here from `queue.boardScreen`, with the same data in
 * a JSON block for the script (board.script.ts), which then follows the event
 * stream. Server values are escaped into text nodes and that JSON block only,
 * never into the inline script, whose hash (the page's policy) stays fixed.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { localMoment } from "../../../platform/time";
import { worksAt } from "../../hospitals/doctor-hours";
import type { BoardScreen } from "../../queue/board-screen.action";
import { pageSecurityPolicy } from "../security-headers";
import { BOARD_SCRIPT } from "./board.script";
import { BOARD_STYLE } from "./board.style";
import { writePage } from "./respond";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
/** JSON that cannot end its `<script>` block or open markup, whatever the strings in it. */
const jsonBlock = (data: unknown) =>
  JSON.stringify(data).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

/** The first screen: the board, or why there is none (`gone`), or nothing (the script fetches it). */
export type BoardPageData = { screen: BoardScreen } | { gone: string } | Record<string, never>;

type Doctor = BoardScreen["hospital"]["doctors"][number];

/** The doctors to show, as the script decides it: on duty now, or with someone in or waiting. */
function visibleDoctors(screen: BoardScreen, minute: number): Doctor[] {
  const { board } = screen;
  return screen.hospital.doctors.filter((d) => {
    const rota = board.doctors.find((r) => r.doctorId === d.id);
    const onDuty = !rota || worksAt(rota.sessions, minute);
    const busy =
      board.serving.some((s) => s.doctorId === d.id) ||
      board.waitingByDoctor.some((w) => w.doctorId === d.id && w.count > 0);
    return onDuty || busy;
  });
}

function withUnknown(ids: (number | null)[], listed: { doctorId: number | null }[]): (number | null)[] {
  const all = [...ids];
  for (const x of listed) if (!all.includes(x.doctorId)) all.push(x.doctorId);
  return all;
}

function servingHtml(screen: BoardScreen, visible: Doctor[]): { rooms: string; html: string } {
  const latest = new Map<number | null, { number: number; calledAt: string }>();
  for (const s of screen.board.serving) {
    const seen = latest.get(s.doctorId);
    if (!seen || seen.calledAt < s.calledAt) latest.set(s.doctorId, s);
  }
  const ids = withUnknown(
    visible.map((d) => d.id),
    screen.board.serving,
  );
  const rooms = ids.length > 2 ? "many" : ids.length === 2 ? "few" : "one";
  if (ids.length === 0) return { rooms, html: '<p class="empty-note">지금 진료 중인 의사가 없습니다</p>' };
  const html = ids
    .map((id) => {
      const d = screen.hospital.doctors.find((x) => x.id === id);
      const s = latest.get(id);
      const name = id === null ? "의사 지정 없음" : d ? d.name : `의사 ${id}`;
      return (
        `<div class="room" data-testid="serving-room" data-doctor-id="${esc(id)}">` +
        `<div class="room-doctor">${esc(name)}</div><div class="room-dept">${esc(d?.department || "진료실")}</div>` +
        `<div class="${s ? "num" : "num empty"}" data-testid="serving-number">${s ? esc(s.number) : "—"}</div></div>`
      );
    })
    .join("");
  return { rooms, html };
}

function nextHtml(screen: BoardScreen): string {
  const waiting = screen.board.waiting.slice(0, 8);
  if (waiting.length === 0) return '<p class="empty-note">대기 중인 번호가 없습니다</p>';
  const nameOf = (id: number | null) =>
    id === null ? "" : (screen.hospital.doctors.find((d) => d.id === id)?.name ?? `의사 ${id}`);
  return waiting
    .map(
      (w) =>
        `<div class="next-item"><div class="num" data-testid="next-number">${esc(w.number)}</div>` +
        `<div class="next-doctor">${esc(nameOf(w.doctorId))}</div></div>`,
    )
    .join("");
}

function waitingHtml(screen: BoardScreen, visible: Doctor[]): { rows: string; html: string } {
  const total = screen.board.waiting.length;
  const counts = new Map(screen.board.waitingByDoctor.map((w) => [w.doctorId, w.count]));
  let ids = withUnknown(
    visible.map((d) => d.id),
    screen.board.waitingByDoctor,
  );
  // With one doctor, "any doctor" tickets wait for that doctor too: one row says it plainly.
  if (visible.length === 1 && ids.length <= 2 && (ids.length === 1 || ids[1] === null)) {
    ids = [visible[0].id];
    counts.set(ids[0], total);
  }
  const html = ids
    .map((id) => {
      const name = id === null ? "의사 지정 없음" : (visible.find((d) => d.id === id)?.name ?? `의사 ${id}`);
      return (
        `<li data-testid="waiting-doctor" data-doctor-id="${esc(id)}"><span>${esc(name)}</span>` +
        `<span><span class="num" data-testid="waiting-doctor-count">${esc(counts.get(id) ?? 0)}</span>명</span></li>`
      );
    })
    .join("");
  return { rows: ids.length > 3 ? "many" : "few", html };
}

function clockOf(screen: BoardScreen): { date: string; time: string } {
  const at = new Date(screen.now);
  const zone = { timeZone: screen.hospital.timeZone };
  return {
    date: new Intl.DateTimeFormat("ko-KR", {
      ...zone,
      month: "long",
      day: "numeric",
      weekday: "short",
    }).format(at),
    time: new Intl.DateTimeFormat("ko-KR", {
      ...zone,
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    }).format(at),
  };
}

/** The page for `data`; every variable part is escaped text or the JSON block. */
export function boardHtml(data: BoardPageData): string {
  const screen = "screen" in data ? data.screen : null;
  const title = screen ? `${screen.hospital.name} · 대기 현황` : "대기 현황";
  const heading = screen ? screen.hospital.name : "gone" in data ? data.gone : "대기 현황";
  const minute = screen ? localMoment(new Date(screen.now), screen.hospital.timeZone).minutes : 0;
  const visible = screen ? visibleDoctors(screen, minute) : [];
  const serving = screen ? servingHtml(screen, visible) : { rooms: "one", html: "" };
  const waiting = screen ? waitingHtml(screen, visible) : { rows: "few", html: "" };
  const clock = screen ? clockOf(screen) : { date: "", time: "--:--" };
  const state = "gone" in data ? ["closed", "연결 안 됨"] : ["connecting", "연결 중…"];
  const page = screen ? { hospital: screen.hospital, board: screen.board, now: screen.now } : data;
  return `<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>
${BOARD_STYLE}</style>
</head>
<body>
<header>
  <h1 id="hospital-name" data-testid="hospital-name" title="${esc(heading)}">${esc(heading)}</h1>
  <div id="connection" data-testid="connection" data-state="${state[0]}" role="status">${state[1]}</div>
  <div id="clock" data-testid="clock"><div id="clock-date">${esc(clock.date)}</div><div id="clock-time" class="num">${esc(clock.time)}</div></div>
</header>
<main>
  <section aria-labelledby="serving-title">
    <h2 id="serving-title">지금 진료 중<small>호출 번호</small></h2>
    <div id="serving" data-testid="serving" data-rooms="${serving.rooms}" aria-live="polite">${serving.html}</div>
  </section>
  <aside>
    <section aria-labelledby="next-title">
      <h2 id="next-title">다음 순서</h2>
      <div id="next" data-testid="next">${screen ? nextHtml(screen) : ""}</div>
    </section>
    <section aria-labelledby="waiting-title">
      <h2 id="waiting-title">대기 인원</h2>
      <ul id="waiting-by-doctor" data-rows="${waiting.rows}">${waiting.html}</ul>
      <div class="total">전체 <span><span id="waiting-total" class="num" data-testid="waiting-count">${screen ? screen.board.waiting.length : 0}</span>명</span></div>
    </section>
  </aside>
</main>
<footer>
  <span id="notice">번호가 호출되면 진료실 앞으로 와 주세요.</span>
  <span>최근 업데이트 <span id="updated" data-testid="updated">-</span></span>
</footer>
<script type="application/json" id="board-data">${jsonBlock(page)}</script>
<script>${BOARD_SCRIPT}</script>
</body>
</html>
`;
}

/** The script and style never change with the data, so one policy fits every board page. */
const BOARD_POLICY = pageSecurityPolicy(boardHtml({}));

type PageReq = IncomingMessage & {
  $params: Record<string, string>;
  $ctx: { call(action: string, params: object): Promise<unknown> };
};

/** `GET /board/:hospitalId`: the first board drawn here; if the day cannot answer now, the page fetches it itself. */
export async function boardPage(req: PageReq, res: ServerResponse): Promise<void> {
  const raw = req.$params.hospitalId ?? "";
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) {
    writePage(res, 404, boardHtml({ gone: "주소에 병원 번호가 없습니다" }), BOARD_POLICY);
    return;
  }
  let data: BoardPageData = {};
  let status = 200;
  try {
    data = { screen: (await req.$ctx.call("queue.boardScreen", { hospitalId: Number(raw) })) as BoardScreen };
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) {
      data = { gone: "병원을 찾을 수 없습니다" };
      status = 404;
    }
  }
  writePage(res, status, boardHtml(data), BOARD_POLICY);
}
