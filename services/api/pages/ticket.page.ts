/** Placeholder until the ticket page is written: see services/api/pages/index.ts. */
export const TICKET_HTML = `<!doctype html><html lang="ko"><meta charset="utf-8"><title>내 접수</title><body><h1>내 접수</h1></body></html>`;
