// The messages between the console page (download.ts) and its download worker (sw.ts).

/** Page to worker. "open" goes to the worker itself with the channel's port; the rest on the port. */
export type ToWorker =
  | { type: "open"; id: string; name: string; contentType: string }
  | { type: "ping" }
  | { type: "chunk"; data: ArrayBuffer }
  | { type: "close" }
  | { type: "abort"; reason: string };

/** Worker to page, on the port. */
export type FromWorker =
  | { type: "ready" } // download/<id>/ may be fetched now
  | { type: "taken"; bytes: number } // the download has taken this many bytes in all
  | { type: "done" } // the download has taken the whole file
  | { type: "cancel" }; // the download was cancelled (by the user, or it failed)
