// The console's download worker (served as /console/sw.js, scope /console/): it answers
// download/<id>/<name> with a ReadableStream fed by the page that opened <id> (see download.ts for
// the backpressure), and leaves every other request alone, so the console's RPCs go to the network
// untouched. Built by esbuild into dist/sw.js as a classic script.
import type { FromWorker, ToWorker } from "./download-protocol";

declare const self: ServiceWorkerGlobalScope;

/** One download: the page's port, and the chunks it sent that the download has not taken yet. */
class Download {
  private queue: Uint8Array[] = [];
  private taken = 0;
  private closing = false;
  private failed = "";
  private wake?: () => void;
  private ctl?: ReadableStreamDefaultController<Uint8Array>;

  constructor(private readonly port: MessagePort, readonly name: string, readonly contentType: string) {
    port.onmessage = (ev: MessageEvent<ToWorker>) => this.receive(ev.data);
    this.send({ type: "ready" });
  }

  private send(m: FromWorker): void {
    this.port.postMessage(m);
  }

  private receive(m: ToWorker): void {
    if (m.type === "chunk") this.queue.push(new Uint8Array(m.data));
    else if (m.type === "close") this.closing = true;
    else if (m.type === "abort") {
      this.failed = m.reason;
      this.queue = [];
      this.ctl?.error(new Error(m.reason));
      this.port.close();
    }
    this.wake?.();
  }

  /**
   * The file as a stream with no queue of its own (highWaterMark 0): pull runs only when the
   * download asks for data, hands it one chunk, and tells the page how much it has taken.
   */
  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      start: (c) => {
        this.ctl = c;
        if (this.failed) c.error(new Error(this.failed));
      },
      pull: async (c) => {
        while (!this.queue.length && !this.closing && !this.failed) {
          await new Promise<void>((r) => { this.wake = r; });
          this.wake = undefined;
        }
        if (this.failed) return;
        const next = this.queue.shift();
        if (next) {
          c.enqueue(next);
          this.taken += next.byteLength;
          this.send({ type: "taken", bytes: this.taken });
          return;
        }
        c.close();
        this.send({ type: "done" });
        this.port.close();
      },
      cancel: () => {
        this.failed = "cancelled";
        this.send({ type: "cancel" });
        this.port.close();
      },
    }, { highWaterMark: 0 });
  }
}

/** Downloads opened by a page and not fetched yet, by id. */
const opened = new Map<string, Download>();

self.addEventListener("install", () => { void self.skipWaiting(); });
self.addEventListener("activate", (ev) => ev.waitUntil(self.clients.claim()));

self.addEventListener("message", (ev) => {
  const m = ev.data as ToWorker;
  // "ping" needs nothing: the event itself keeps the worker running while a download streams.
  if (m?.type === "open" && ev.ports[0]) opened.set(m.id, new Download(ev.ports[0], m.name, m.contentType));
});

/** Content-Disposition for name: an ASCII fallback and the exact name (RFC 6266). */
function disposition(name: string): string {
  return `attachment; filename="${name.replace(/[^\w.-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

self.addEventListener("fetch", (ev) => {
  const prefix = new URL("download/", self.registration.scope).pathname;
  const path = new URL(ev.request.url).pathname;
  if (!path.startsWith(prefix)) return;
  const id = path.slice(prefix.length).split("/")[0];
  const d = opened.get(id);
  opened.delete(id);
  if (!d) {
    ev.respondWith(new Response("This download is not in progress: it has ended, or the console that started it was closed.\n",
      { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } }));
    return;
  }
  ev.respondWith(new Response(d.stream(), {
    headers: {
      "Content-Type": d.contentType,
      "Content-Disposition": disposition(d.name),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  }));
});
