import type { Channel } from "./index";

const TIMEOUT_MS = 3000;

/** POSTs each notice as JSON to a URL (a messaging gateway of the hospital's choice). */
export const webhookChannel = (url: string): Channel => ({
  name: "webhook",
  async send(notice) {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`Webhook answered ${res.status}`);
  },
});
