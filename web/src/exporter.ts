// Exports from the browser: ExportRecords with progress (items, rate, ETA), cancel, and resume
// after a network drop from the last batch's resume token (each batch is kept once, so the file
// holds every record exactly once).
//
// The file is assembled from Blob parts, one per batch: the JavaScript heap holds one batch at a
// time, and the browser keeps Blob data outside it (Chromium spills large blob storage to disk).
// The download is one Blob made of those parts, which copies nothing. We chose this over the File
// System Access API (Chromium only, and it needs a native save dialog per export) and over a
// Service Worker streaming a synthetic download (a second script with its own lifecycle, and a
// stream the browser may cut when the worker is stopped): Blob parts work in every browser and
// under test.
import { toJsonString } from "@bufbuild/protobuf";
import { h, clear, field, status } from "./dom";
import { exports, on, describe, ConnectError, Code } from "./api";
import { picker, type Picked } from "./picker";
import { cell, csvField } from "./values";
import { RecordSchema, type Record as AttioRecord } from "@attio-facade/client/gen/attio/v1/record_service_pb.js";

const RETRYABLE = new Set([Code.Unavailable, Code.Unknown, Code.Internal, Code.DeadlineExceeded, Code.Aborted, Code.ResourceExhausted]);
const MAX_RETRIES = 10;

type Format = "jsonl" | "csv";

function lines(format: Format, p: Picked, recs: AttioRecord[]): string {
  if (format === "jsonl") return recs.map((r) => toJsonString(RecordSchema, r) + "\n").join("");
  return recs.map((r) => [r.id?.recordId ?? "", r.createdAt ? new Date(Number(r.createdAt.seconds) * 1000).toISOString() : "",
    ...p.attributes.map((a) => cell(r, a.apiSlug))].map(csvField).join(",") + "\r\n").join("");
}

function header(format: Format, p: Picked): string {
  return format === "csv" ? ["record_id", "created_at", ...p.attributes.map((a) => a.apiSlug)].map(csvField).join(",") + "\r\n" : "";
}

function eta(seconds: number): string {
  if (!isFinite(seconds) || seconds < 0) return "unknown";
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

export function exportView(main: HTMLElement): () => void {
  let ctl: AbortController | undefined;
  const st = status();
  const form = h("form", { class: "export", "aria-label": "Export" });
  const format = h("select", {}, h("option", { value: "jsonl" }, "JSON Lines (typed records)"), h("option", { value: "csv" }, "CSV (display text)"));
  const pageSize = h("input", { type: "number", min: "1", max: "500", value: "100" });
  const bar = h("progress", { max: "1", value: "0", "aria-label": "Export progress" });
  const figures = h("p", { class: "figures", "aria-live": "off" });
  const cancel = h("button", { type: "button", class: "cancel", disabled: true }, "Cancel");
  const out = h("div", { class: "download" });
  main.append(h("h2", {}, "Export"), form, bar, figures, st, out);
  const start = h("button", { type: "submit", class: "start", disabled: true }, "Start export");
  const pick = picker(form, st, (p) => { start.disabled = !p; });
  form.append(field("Format", format), field("Records per page", pageSize), start, cancel);

  cancel.addEventListener("click", () => ctl?.abort());
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = pick();
    if (!p) { st.textContent = "Choose an object first."; return; }
    void run(p, format.value as Format, Number(pageSize.value) || 100);
  });

  async function run(p: Picked, fmt: Format, size: number): Promise<void> {
    ctl?.abort();
    const c = new AbortController();
    ctl = c;
    clear(out);
    cancel.disabled = false;
    const parts: Blob[] = [new Blob([header(fmt, p)])];
    let written = 0;
    let token = "";
    let retries = 0;
    let resumed = 0;
    bar.value = 0;
    for (;;) {
      try {
        for await (const m of exports.exportRecords({ object: p.object, pageSize: size, resumeToken: token }, on(p.connection, c.signal))) {
          if (m.message.case === "batch") {
            parts.push(new Blob([lines(fmt, p, m.message.value.records)]));
            written += m.message.value.records.length;
            token = m.message.value.resumeToken;
            retries = 0;
          } else if (m.message.case === "progress") {
            const g = m.message.value;
            const remaining = Number(g.estimatedRemaining);
            bar.max = Math.max(1, written + remaining);
            bar.value = written;
            figures.textContent = `${written} records · ${g.itemsPerSecond.toFixed(1)} records/s · ETA ${eta(remaining / g.itemsPerSecond)}`;
          }
        }
        break;
      } catch (err) {
        if (c.signal.aborted) {
          st.textContent = `Export cancelled after ${written} records.`;
          cancel.disabled = true;
          return;
        }
        const code = ConnectError.from(err).code;
        if (!RETRYABLE.has(code) || ++retries > MAX_RETRIES) {
          st.textContent = `Export failed: ${describe(err)}`;
          cancel.disabled = true;
          return;
        }
        resumed++;
        st.textContent = `Connection lost (${describe(err)}); resuming from record ${written} (attempt ${retries}).`;
        await new Promise((r) => setTimeout(r, Math.min(10000, 250 * 2 ** retries)));
        if (c.signal.aborted) { st.textContent = `Export cancelled after ${written} records.`; return; }
      }
    }
    cancel.disabled = true;
    bar.max = Math.max(1, written);
    bar.value = written;
    const blob = new Blob(parts, { type: fmt === "csv" ? "text/csv" : "application/x-ndjson" });
    const name = `${p.object}.${fmt}`;
    const a = h("a", { href: URL.createObjectURL(blob), download: name, class: "download-link" }, `Download ${name} (${written} records)`);
    out.append(a);
    st.textContent = `Export complete: ${written} records` +
      (resumed ? ` (resumed ${resumed === 1 ? "once" : `${resumed} times`} from the last batch after a dropped connection).` : ".");
    a.focus();
  }
  return () => ctl?.abort();
}
