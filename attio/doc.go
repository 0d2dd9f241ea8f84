// Package attio is a REST client for Attio's v2 API, reached through the
// Maton gateway (https://api.maton.ai/attio/v2) or directly
// (https://api.attio.com/v2), plus Maton's connection control plane.
//
// The package speaks plain Go types and has no dependency on Connect or
// generated code, so the server layer can map it however it wants.
//
// Behaviour worth knowing before calling it:
//
//   - Every call takes a context. [WithConnection] picks the Maton connection
//     (Attio workspace) for that call; [WithPriority] marks bulk traffic.
//   - Outbound traffic is paced by a shared scheduler that keeps below Maton's
//     and Attio's limits (see [Limits]) and pauses everyone after a 429.
//   - Reads and naturally idempotent writes are retried with capped,
//     fully-jittered exponential backoff; creates and PATCHes are retried only
//     when the request provably never left the process, or after a 429.
//   - Every failure is an [*Error]; use errors.As or the Is* helpers.
//   - List endpoints come in two flavours: a page-level call (XxxPage) that
//     does exactly one upstream request and tells how to resume, and an item
//     iterator (iter.Seq2) that walks all pages lazily.
//   - Decoding is lossless: unknown fields land in [Extra], values keep their
//     raw JSON ([Value.Raw]), money and numbers stay json.Number, timestamps
//     stay strings with their nanoseconds.
package attio
