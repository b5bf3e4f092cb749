/**
 * The board page's stylesheet: a TV in landscape by default (sizes in vh so
 * the board reads from across the room), one scrolling column on a phone.
 * A long hospital name ends in an ellipsis; the clock and columns keep their place.
 */
export const BOARD_STYLE = `  * { box-sizing: border-box; margin: 0; padding: 0; }
  html, body { height: 100%; }
  body {
    background: #05070d; color: #f5f7fa; overflow: hidden;
    font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
    display: grid; grid-template-rows: auto minmax(0, 1fr) auto; grid-template-columns: minmax(0, 1fr); gap: 1.6vh; padding: 2vh 2vw;
  }
  .num { font-variant-numeric: tabular-nums; font-weight: 800; line-height: 1; }
  header { display: flex; align-items: center; gap: 2vw; border-bottom: 0.4vh solid #1f2a44; padding-bottom: 1.4vh; }
  /* min-width: 0 lets a long name shrink to the space left and end in an ellipsis instead of pushing the clock off. */
  #hospital-name { font-size: 5vh; font-weight: 800; flex: 1 1 auto; min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  #connection, #clock { flex: none; }
  #clock { text-align: right; }
  #clock-date { font-size: 2.6vh; color: #aab4c8; }
  #clock-time { font-size: 6vh; }
  #connection { display: flex; align-items: center; gap: 0.8vw; font-size: 2.4vh; color: #aab4c8; white-space: nowrap; }
  #connection::before { content: ""; width: 2vh; height: 2vh; border-radius: 50%; background: #f5b400; }
  #connection[data-state="open"]::before { background: #22c55e; }
  #connection[data-state="closed"]::before { background: #ef4444; }
  #connection[data-state="closed"] { color: #fca5a5; }
  main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 2vw; min-height: 0; }
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
  /* A phone held upright: one column that scrolls, sizes in pixels (vh-sized text would be tiny or huge). */
  @media (max-width: 700px) {
    html, body { height: auto; }
    body { overflow: visible; min-height: 100vh; padding: 12px; gap: 12px; grid-template-rows: auto auto auto; }
    header { flex-wrap: wrap; gap: 6px 12px; padding-bottom: 10px; border-bottom-width: 2px; }
    #hospital-name { flex: 1 0 100%; font-size: 22px; }
    #connection { font-size: 13px; gap: 6px; }
    #connection::before { width: 10px; height: 10px; }
    #clock { margin-left: auto; display: flex; align-items: baseline; gap: 8px; }
    #clock-date { font-size: 13px; }
    #clock-time { font-size: 28px; }
    main { grid-template-columns: minmax(0, 1fr); gap: 12px; }
    section { padding: 14px; border-radius: 14px; }
    h2 { font-size: 20px; margin-bottom: 10px; }
    h2 small { font-size: 13px; margin-left: 8px; }
    #serving { grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); grid-auto-rows: auto; gap: 10px; }
    .room { padding: 12px; border-radius: 12px; }
    .room-doctor { font-size: 20px; }
    .room-dept { font-size: 13px; margin-bottom: 4px; }
    #serving[data-rooms] .room .num { font-size: 64px; }
    aside { grid-template-rows: auto auto; gap: 12px; }
    #next { min-height: 84px; gap: 8px; }
    .next-item { min-width: 64px; padding: 8px 10px; border-radius: 10px; }
    .next-item .num { font-size: 40px; }
    .next-doctor { font-size: 12px; min-height: 14px; }
    #waiting-by-doctor li, .total, #waiting-by-doctor[data-rows="many"] li { font-size: 17px; }
    #waiting-by-doctor .num { font-size: 24px; }
    .total { padding-top: 8px; margin-top: 8px; border-top-width: 2px; }
    .total .num { font-size: 28px; }
    .empty-note { font-size: 16px; }
    footer { font-size: 13px; gap: 4px 12px; flex-wrap: wrap; word-break: keep-all; }
  }
`;
