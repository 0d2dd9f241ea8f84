// Where an export's file goes as it streams: a Sink the exporter writes each batch to.
//
// With service workers (HTTPS or localhost, in every current browser) the sink is a download
// that streams to disk while ExportRecords streams: the page hands the worker (sw.ts) one end of
// a MessageChannel, then follows a link to download/<id>/<name>, which the worker answers with a
// ReadableStream fed by the page's messages. The browser's download reads that stream as it saves.
//
// Backpressure: the worker hands a chunk to the stream only when the download asks for one, and
// tells the page how many bytes the download has taken. The page counts the bytes it has sent that
// the download has not taken yet (in the channel or in the worker's queue) and, before sending a
// chunk, waits while that count is at HIGH_WATER_MARK or above. While it waits it does not read
// the Connect stream either (the exporter awaits write), so the facade's send blocks in turn. What
// the page and the worker hold is therefore at most HIGH_WATER_MARK + one CHUNK, whatever the
// export's size; the browser's own download pipe adds its fixed buffer.
//
// Without service workers the sink is the former fallback: Blob parts, one per batch, joined into
// one file offered when the export ends (Blob data lives outside the JavaScript heap; Chromium
// moves large blobs to disk, other browsers may keep them in memory). The export view says which
// one is in use.
import type { FromWorker, ToWorker } from "./download-protocol";

/** The most bytes sent to a streaming download and not yet taken by it before the page waits. */
export const HIGH_WATER_MARK = 256 * 1024;
/** The largest message to the worker: a batch's text is cut into chunks of at most this. */
export const CHUNK = 16 * 1024;
/** How often the page pings the worker while a download streams, so it is not stopped as idle. */
const KEEPALIVE_MS = 10_000;

export interface Sink {
  /** Appends text; resolves once it may be called again (the download has room). */
  write(text: string): Promise<void>;
  /** Ends the file; resolves when the download has taken all of it (streaming) or a link is ready. */
  close(): Promise<void>;
  /** Ends the download as failed (cancel, error): a partial file must not look complete. */
  abort(reason: string): void;
  /** The file's link to offer when done (fallback only). */
  readonly link?: string;
  readonly streaming: boolean;
}

/**
 * Counters of the streaming download in progress, for the export view and for the browser test
 * (web/test/console.test.mjs reads globalThis.attioConsoleDownload): sent and taken in bytes,
 * queued = sent - taken, maxQueued its largest value, waiting while write waits for room.
 */
export const stats = {
  highWaterMark: HIGH_WATER_MARK,
  chunk: CHUNK,
  sent: 0,
  taken: 0,
  queued: 0,
  maxQueued: 0,
  waits: 0,
  waiting: false,
  closed: false,
};
(globalThis as { attioConsoleDownload?: typeof stats }).attioConsoleDownload = stats;

let worker: Promise<ServiceWorker | undefined> | undefined;

/** Why streaming downloads are unavailable here, or "" when they are available. */
export function streamingUnavailable(): string {
  if (!window.isSecureContext) return "service workers need HTTPS or localhost";
  if (!navigator.serviceWorker) return "this browser has no service workers";
  return "";
}

/** Registers the download worker (once) and resolves with it active, or undefined if it cannot be. */
export function downloadWorker(): Promise<ServiceWorker | undefined> {
  worker ??= (async () => {
    if (streamingUnavailable()) return undefined;
    try {
      const reg = await navigator.serviceWorker.register("sw.js", { scope: "./" });
      const w = reg.active ?? reg.waiting ?? reg.installing;
      if (!w) return undefined;
      if (w.state !== "activated") {
        await new Promise<void>((resolve, reject) => {
          w.addEventListener("statechange", () => {
            if (w.state === "activated") resolve();
            else if (w.state === "redundant") reject(new Error("download worker replaced"));
          });
        });
      }
      return w;
    } catch {
      return undefined;
    }
  })();
  return worker;
}

/** A sink for a file called name: streaming when the worker is available, else Blob parts. */
export async function openSink(name: string, type: string, onCancel: () => void): Promise<Sink> {
  const w = await downloadWorker();
  return w ? streamSink(w, name, type, onCancel) : blobSink(type);
}

function blobSink(type: string): Sink {
  const parts: Blob[] = [];
  let url: string | undefined;
  return {
    streaming: false,
    get link() { return url; },
    async write(text) { parts.push(new Blob([text])); },
    async close() { url = URL.createObjectURL(new Blob(parts, { type })); },
    abort() { parts.length = 0; },
  };
}

async function streamSink(w: ServiceWorker, name: string, type: string, onCancel: () => void): Promise<Sink> {
  const id = crypto.randomUUID();
  const ch = new MessageChannel();
  const port = ch.port1;
  let wake: (() => void) | undefined;
  let ended = "";
  let finished: (() => void) | undefined;
  const done = new Promise<void>((r) => { finished = r; });
  const send = (m: ToWorker, transfer: Transferable[] = []) => port.postMessage(m, transfer);
  const ready = new Promise<void>((resolve) => {
    port.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === "ready") resolve();
      else if (m.type === "taken") {
        stats.taken = m.bytes;
        stats.queued = stats.sent - stats.taken;
        if (stats.queued < HIGH_WATER_MARK) wake?.();
      } else if (m.type === "done") {
        finished?.();
      } else if (m.type === "cancel") {
        ended = "the download was cancelled in the browser";
        wake?.();
        finished?.();
        onCancel();
      }
    };
  });
  Object.assign(stats, { sent: 0, taken: 0, queued: 0, maxQueued: 0, waits: 0, waiting: false, closed: false });
  const msg: ToWorker = { type: "open", id, name, contentType: type };
  w.postMessage(msg, [ch.port2]);
  await ready;
  const ping = setInterval(() => w.postMessage({ type: "ping" } satisfies ToWorker), KEEPALIVE_MS);
  const stop = () => { clearInterval(ping); port.close(); };
  // Following the link starts the download (the worker answers with Content-Disposition:
  // attachment, so the page stays). The link is in the document so that it can be found.
  const a = document.createElement("a");
  a.href = `download/${id}/${encodeURIComponent(name)}`;
  a.className = "stream-link";
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();

  const enc = new TextEncoder();
  return {
    streaming: true,
    async write(text) {
      const bytes = enc.encode(text);
      for (let off = 0; off < bytes.length; off += CHUNK) {
        while (!ended && stats.sent - stats.taken >= HIGH_WATER_MARK) {
          stats.waits++;
          stats.waiting = true;
          await new Promise<void>((r) => { wake = r; });
          stats.waiting = false;
        }
        if (ended) throw new Error(ended);
        const piece = bytes.slice(off, off + CHUNK);
        const n = piece.byteLength; // transferring the buffer empties piece
        send({ type: "chunk", data: piece.buffer }, [piece.buffer]);
        stats.sent += n;
        stats.queued = stats.sent - stats.taken;
        stats.maxQueued = Math.max(stats.maxQueued, stats.queued);
      }
    },
    async close() {
      stats.closed = true;
      send({ type: "close" });
      await done;
      stop();
      if (ended) throw new Error(ended);
    },
    abort(reason) {
      if (!ended) send({ type: "abort", reason });
      ended = reason;
      stats.closed = true;
      finished?.();
      wake?.();
      stop();
    },
  };
}
