/** Placeholder until the board page is written: see services/api/pages/index.ts. */
export const BOARD_HTML = `<!doctype html><html lang="ko"><meta charset="utf-8"><title>대기 현황</title><body><h1>대기 현황</h1></body></html>`;
