/** A minimal Server-Sent Events reader for tests: `next(event)` resolves with the next such event's data. */
export function readEvents(url: string) {
  const controller = new AbortController();
  const queue: { event: string; data: any }[] = [];
  const waiters: { event: string; resolve(data: any): void }[] = [];
  const deliver = () => {
    for (const w of [...waiters]) {
      const i = queue.findIndex((e) => e.event === w.event);
      if (i >= 0) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(queue.splice(i, 1)[0].data);
      }
    }
  };
  const done = (async () => {
    const res = await fetch(url, { signal: controller.signal, headers: { accept: "text/event-stream" } });
    if (!res.ok || !res.body) throw new Error(`SSE ${url} answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) queue.push({ event, data: JSON.parse(data) });
      }
      deliver();
    }
  })().catch((err: unknown) => {
    if ((err as { name?: string }).name !== "AbortError") throw err;
  });
  return {
    next(event: string, timeoutMs = 5000): Promise<any> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`No '${event}' event within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({ event, resolve: (d) => (clearTimeout(timer), resolve(d)) });
        deliver();
      });
    },
    close() {
      controller.abort();
      return done;
    },
  };
}
