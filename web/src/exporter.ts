// Exports from the browser: ExportRecords with progress (items, rate, ETA), cancel, and resume
// after a network drop from the last batch's resume token (each batch is written once, so the file
// holds every record exactly once). Each batch goes to a Sink as it arrives (see download.ts): a
// download streaming to disk, or, without service workers, Blob parts offered at the end.
import { toJsonString } from "@bufbuild/protobuf";
import { h, clear, field, status } from "./dom";
import { exports, on, describe, ConnectError, Code } from "./api";
import { picker, type Picked } from "./picker";
import { cell, csvField } from "./values";
import { openSink, streamingUnavailable, downloadWorker, type Sink } from "./download";
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
  const how = h("p", { class: "how" });
  main.append(h("h2", {}, "Export"), how, form, bar, figures, st, out);
  const streamingNote = "The file downloads as the export streams, straight to disk.";
  const fallbackNote = (why: string) => `This browser cannot stream the download here (${why}): ` +
    "the file is assembled in the browser and offered when the export ends.";
  how.textContent = streamingUnavailable() ? fallbackNote(streamingUnavailable()) : streamingNote;
  void downloadWorker().then((w) => { if (!w && !streamingUnavailable()) how.textContent = fallbackNote("its download worker could not start"); });
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
    const name = `${p.object}.${fmt}`;
    let sink: Sink;
    let why = "";
    try {
      sink = await openSink(name, fmt === "csv" ? "text/csv" : "application/x-ndjson", () => {
        why = "the download was cancelled in the browser";
        c.abort();
      });
    } catch (err) {
      st.textContent = `Could not start the download: ${String(err)}`;
      cancel.disabled = true;
      return;
    }
    let written = 0;
    let token = "";
    let retries = 0;
    let resumed = 0;
    // The bar has a total only while the facade has an estimate: it has none before its first
    // progress message, for much of an export whose records bunch in time, and it may withdraw
    // one. Without it the bar is indeterminate (no value), never full.
    let estimated = false;
    bar.removeAttribute("value");
    // Cancel also wakes a write waiting for room in the download (and may have come already).
    c.signal.addEventListener("abort", () => sink.abort("export cancelled"));
    if (c.signal.aborted) sink.abort("export cancelled");
    const stopped = (): void => {
      st.textContent = why ? `Export stopped after ${written} records: ${why}.`
        : `Export cancelled after ${written} records.` + (sink.streaming ? " The partial download is marked failed." : "");
      cancel.disabled = true;
    };
    try {
      await sink.write(header(fmt, p));
      if (sink.streaming) out.append(h("p", {}, `Downloading ${name} as the export streams.`));
      for (;;) {
        try {
          for await (const m of exports.exportRecords({ object: p.object, pageSize: size, resumeToken: token }, on(p.connection, c.signal))) {
            if (m.message.case === "batch") {
              // The next message is not read until the download has room for this batch.
              await sink.write(lines(fmt, p, m.message.value.records));
              written += m.message.value.records.length;
              token = m.message.value.resumeToken;
              retries = 0;
              if (estimated) bar.value = written;
            } else if (m.message.case === "progress") {
              const g = m.message.value;
              const remaining = Number(g.estimatedRemaining);
              estimated = remaining > 0;
              if (estimated) {
                bar.max = written + remaining;
                bar.value = written;
              } else bar.removeAttribute("value");
              figures.textContent = `${written} records · ${g.itemsPerSecond.toFixed(1)} records/s` +
                (g.done ? "" : ` · ETA ${estimated ? eta(remaining / g.itemsPerSecond) : "unknown"}`);
            }
          }
          break;
        } catch (err) {
          if (c.signal.aborted) return stopped();
          const code = ConnectError.from(err).code;
          if (!RETRYABLE.has(code) || ++retries > MAX_RETRIES) {
            sink.abort("export failed");
            st.textContent = `Export failed: ${describe(err)}`;
            cancel.disabled = true;
            return;
          }
          resumed++;
          st.textContent = `Connection lost (${describe(err)}); resuming from record ${written} (attempt ${retries}).`;
          await new Promise((r) => setTimeout(r, Math.min(10000, 250 * 2 ** retries)));
          if (c.signal.aborted) return stopped();
        }
      }
      cancel.disabled = true;
      await sink.close();
    } catch (err) {
      // A write or close fails when the download was cancelled in the browser or here.
      if (c.signal.aborted) return stopped();
      sink.abort(String(err));
      st.textContent = `Export stopped after ${written} records: ${err instanceof Error ? err.message : String(err)}.`;
      cancel.disabled = true;
      return;
    }
    bar.max = Math.max(1, written);
    bar.value = written;
    const again = resumed ? ` (resumed ${resumed === 1 ? "once" : `${resumed} times`} from the last batch after a dropped connection)` : "";
    clear(out);
    if (sink.link) {
      const a = h("a", { href: sink.link, download: name, class: "download-link" }, `Download ${name} (${written} records)`);
      out.append(a);
      a.focus();
    } else {
      out.append(h("p", { class: "saved", tabindex: "-1" }, `Saved ${name} (${written} records) to your downloads.`));
      (out.firstElementChild as HTMLElement).focus();
    }
    st.textContent = `Export complete: ${written} records${again}.`;
  }
  return () => ctl?.abort();
}
