// The console in a real browser: playwright-core driving the system's Chromium against the facade
// on the sandbox (started by web/browser_ext_test.go, which passes FACADE_URL and the tokens).
// CONSOLE_SCREENSHOTS=dir (relative to web/) saves the screenshots of docs/console.md there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, mkdir } from "node:fs/promises";
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const base = process.env.FACADE_URL;
const tok = { reader: process.env.TOKEN_READER, writer: process.env.TOKEN_WRITER, approver: process.env.TOKEN_APPROVER };
const shots = process.env.CONSOLE_SCREENSHOTS;
let browser;
// Playwright's 30 s default is for a developer's idle machine; CI shares 2 cores with compilers and
// other suites, and a page that loads in 0.3 s idle has taken over 30 s there. A hang still fails.
const stepTimeout = Number(process.env.CONSOLE_STEP_TIMEOUT_MS || 120_000);

/** A browser context whose every step waits up to stepTimeout. */
async function newContext(opts) {
  const ctx = await browser.newContext(opts);
  ctx.setDefaultTimeout(stepTimeout);
  ctx.setDefaultNavigationTimeout(stepTimeout);
  return ctx;
}

before(async () => {
  assert.ok(base, "FACADE_URL is set by web/browser_ext_test.go");
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
  if (shots) await mkdir(shots, { recursive: true });
});
after(async () => { await browser?.close(); });

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png` });
}

/** Connect JSON unary call from node, as a script would make it. */
async function rpc(method, body, token, headers = {}) {
  const res = await fetch(`${base}/attio.v1.${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function axe(page, what) {
  const r = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], `axe violations on ${what}`);
}

/** A new browser context signed in with token through the sign-in form, keyboard only. */
async function signedIn(token, expectPrincipal, setup) {
  const ctx = await newContext({ acceptDownloads: true });
  await setup?.(ctx);
  const page = await ctx.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/console/`);
  await page.getByLabel("Bearer token").focus();
  await page.keyboard.type(token);
  await page.keyboard.press("Enter");
  await page.locator("#principal").filter({ hasText: expectPrincipal }).waitFor();
  assert.ok(!page.url().includes(token), "the token never appears in the URL");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("attio-facade.token")), token);
  return { ctx, page, errors };
}

test("sign-in: a bad token is refused, a good one shows principal and scopes; no CSP violations", async () => {
  const ctx = await newContext();
  const page = await ctx.newPage();
  const csp = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await page.goto(`${base}/console/`);
  await axe(page, "sign-in");
  await shot(page, "signin");
  await page.getByLabel("Bearer token").fill("not-a-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("status").filter({ hasText: "Unauthenticated" }).waitFor();
  await page.getByLabel("Bearer token").fill(tok.approver);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#principal").filter({ hasText: "apikey:approver" }).waitFor();
  assert.equal(await page.locator("#scopes").textContent(), "read, approve");
  assert.deepEqual(csp, []);
  await ctx.close();
});

test("approval flow with two principals in two browser contexts", async () => {
  const writer = await signedIn(tok.writer, "apikey:writer");
  const approver = await signedIn(tok.approver, "apikey:approver");
  await writer.page.getByText("No pending approvals.").waitFor();
  await approver.page.getByText("No pending approvals.").waitFor();

  // The writer's script makes a write; it needs an approval.
  const create = { object: "people", values: { email_addresses: { values: [{ emailAddress: { emailAddress: "console-flow@example.com" } }] } } };
  const refused = await rpc("RecordService/CreateRecord", create, tok.writer);
  assert.equal(refused.body.code, "failed_precondition");

  // Both inboxes show it live, with the summary, the diff, requester, expiry and connection.
  const item = approver.page.locator("li.approval[data-state=pending]");
  await item.waitFor();
  await writer.page.locator("li.approval[data-state=pending]").waitFor();
  assert.match(await item.locator("h3").textContent(), /people/);
  assert.equal(await item.locator("dd").nth(1).textContent(), "apikey:writer");
  assert.equal(await item.locator("dd").nth(3).textContent(), "default");
  assert.ok((await item.locator("dd").nth(4).textContent()).length > 0, "expiry shown");
  const row = item.locator("table.diff tbody tr").filter({ hasText: "email_addresses" });
  assert.match(await row.locator("td.after").textContent(), /console-flow@example.com/);
  assert.equal(await writer.page.locator("li.approval button.approve").count(), 0, "the requester cannot approve");
  await axe(approver.page, "approvals inbox");
  await shot(approver.page, "approvals");

  await item.getByRole("button", { name: "Approve" }).click();
  // The requester sees the state change and fetches the token.
  const mine = writer.page.locator("li.approval[data-state=approved]");
  await mine.waitFor();
  await mine.getByRole("button", { name: "Fetch token" }).click();
  const token = await mine.locator("textarea.token").inputValue();
  assert.ok(token.split(".").length === 3, "a signed token");
  await shot(writer.page, "approved");
  const done = await rpc("RecordService/CreateRecord", create, tok.writer, { "Attio-Approval": token });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  // Used: it leaves the live list and shows as used under Decided.
  await writer.page.locator("ul.decided li.approval[data-state=used]").waitFor();
  await approver.page.getByText("No pending approvals.").waitFor();

  // A delete asks the approver to confirm; dismissing leaves it pending, accepting approves it.
  const id = done.body.record.id.recordId;
  const del = await rpc("RecordService/DeleteRecord", { object: "people", recordId: id }, tok.writer);
  assert.equal(del.body.code, "failed_precondition");
  const delItem = approver.page.locator("li.approval[data-state=pending]");
  await delItem.waitFor();
  const dialogs = [];
  approver.page.once("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await delItem.getByRole("button", { name: "Approve delete" }).click();
  assert.match(dialogs[0], /permanent delete/);
  assert.equal(await approver.page.locator("li.approval[data-state=pending]").count(), 1);
  approver.page.once("dialog", (d) => void d.accept());
  await delItem.getByRole("button", { name: "Approve delete" }).click();
  await writer.page.locator("ul.approvals:not(.decided) li.approval[data-state=approved]").waitFor();
  assert.deepEqual([...writer.errors, ...approver.errors], []);
  await writer.ctx.close();
  await approver.ctx.close();
});

test("records browser: a filtered query, typed columns, a record's value history", async () => {
  const { ctx, page, errors } = await signedIn(tok.reader, "apikey:reader");
  await page.getByRole("link", { name: "Records" }).click();
  await page.getByLabel("Object").selectOption("companies");
  await page.getByRole("button", { name: "Add condition" }).click();
  const attr = page.getByLabel("Condition 1 attribute");
  await attr.locator("option[value=name]").waitFor({ state: "attached" });
  await attr.selectOption("name");
  await page.getByLabel("Condition 1 operator").selectOption({ label: "equals" });
  await page.getByLabel("Condition 1 value").fill("Acme Analytics");
  await page.getByRole("button", { name: "Query" }).click();
  const rows = page.locator("table.records tbody tr");
  await rows.first().waitFor();
  const names = await page.locator("table.records").evaluate((t) => {
    const col = [...t.querySelectorAll("thead th")].findIndex((th) => th.textContent === "Name");
    return [...t.querySelectorAll("tbody tr")].map((r) => r.children[col].textContent);
  });
  assert.ok(names.length >= 1 && names.every((n) => n === "Acme Analytics"), `names: ${names}`);
  // The same filter straight through the API finds the same records.
  const api = await rpc("RecordService/QueryRecords", { object: "companies", filter: { condition: { attribute: "name", op: "FILTER_OPERATOR_EQ", stringValue: "Acme Analytics" } } }, tok.reader);
  assert.equal(names.length, api.body.records.length);
  await rows.first().getByRole("button").click();
  const detail = page.locator("section.detail");
  await detail.locator("h3").waitFor();
  await detail.locator("dd").filter({ hasText: "Acme Analytics" }).getByRole("button", { name: "History" }).click();
  await detail.locator("ul.history li").filter({ hasText: "Acme Analytics" }).first().waitFor();
  await axe(page, "records browser");
  await shot(page, "records");
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** Every person, through the API, keyed by record id. */
async function allPeople() {
  const out = new Map();
  let pageToken = "";
  do {
    const r = await rpc("RecordService/QueryRecords", { object: "people", pageSize: 500, pageToken }, tok.reader);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const rec of r.body.records) out.set(rec.id.recordId, rec);
    pageToken = r.body.nextPageToken ?? "";
  } while (pageToken);
  return out;
}

/** Checks JSONL text against the sandbox: every person exactly once, each equal to QueryRecords'. */
async function checkPeople(text) {
  const lines = text.split("\n").filter((l) => l);
  const want = await allPeople();
  assert.equal(lines.length, want.size, "every person exactly once");
  const seen = new Set();
  for (const line of lines) {
    const rec = JSON.parse(line);
    const id = rec.id.recordId;
    assert.ok(!seen.has(id), `duplicate ${id}`);
    seen.add(id);
    assert.deepEqual(rec, want.get(id), `record ${id}`);
  }
  return want.size;
}

/** The export form, filled in for people. */
async function exportForm(page, format, perPage) {
  await page.getByRole("link", { name: "Export" }).click();
  await page.getByLabel("Object").selectOption("people");
  await page.getByLabel("Format").selectOption(format);
  await page.getByLabel("Records per page").fill(String(perPage));
}

/** The download counters the page keeps (web/src/download.ts: stats). */
const downloadStats = (page) => page.evaluate(() => ({ ...globalThis.attioConsoleDownload }));

test("export streamed to the download across a dropped connection, checked record by record", async () => {
  const { ctx, page, errors } = await signedIn(tok.reader, "apikey:reader");
  // The first export call's connection drops after its first batch: the facade's whole answer is
  // fetched, and only its first messages (Connect envelopes) reach the page, with no end of stream.
  const requests = [];
  await page.route("**/attio.v1.ExportService/ExportRecords", async (route) => {
    requests.push(route.request().postDataBuffer());
    if (requests.length > 1) return route.continue();
    const res = await route.fetch();
    const body = await res.body();
    let off = 0;
    let batches = 0;
    while (off + 5 <= body.length && batches < 1) {
      const len = body.readUInt32BE(off + 1);
      const flags = body[off];
      off += 5 + len;
      if (flags === 0 && len > 1000) batches++;
    }
    await route.fulfill({ status: 200, headers: res.headers(), body: body.subarray(0, off) });
  });
  await exportForm(page, "jsonl", 40);
  await page.getByText("The file downloads as the export streams").waitFor();
  await axe(page, "export form");
  // The download starts with the export, before any record has arrived, and the resumed call
  // appends to that same download.
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Start export" }).click();
  assert.equal((await download).suggestedFilename(), "people.jsonl");
  await page.getByRole("status").filter({ hasText: /Connection lost/ }).waitFor();
  await page.getByRole("status").filter({ hasText: "resumed once from the last batch" }).waitFor();
  assert.equal(requests.length, 2, "one resumed call");
  assert.ok(requests[1].length > requests[0].length + 10, "the resumed call carries the last batch's resume token");
  await page.getByText("Saved people.jsonl (").waitFor();
  await shot(page, "export");
  const n = await checkPeople(await readFile(await (await download).path(), "utf8"));
  assert.match(await page.locator("p.figures").textContent(), /records\/s/);
  assert.deepEqual(await page.locator("progress").evaluate((p) => [p.value, p.max]), [n, n]);
  assert.equal(await page.locator("a.download-link").count(), 0, "no Blob link: the file was streamed");
  const st = await downloadStats(page);
  assert.ok(st.maxQueued <= st.highWaterMark + st.chunk, `queued ${st.maxQueued} within the high-water mark`);
  assert.deepEqual(errors.filter((e) => !/ExportRecords/.test(e)), []);
  await ctx.close();
});

test("streamed download: the page's buffering stays bounded while the download is read slowly", async () => {
  const { ctx, page, errors } = await signedIn(tok.reader, "apikey:reader");
  await exportForm(page, "jsonl", 10);
  await page.getByText("The file downloads as the export streams").waitFor();
  // Take the download link the page follows and read it here instead, one chunk at a time, from
  // this page (which the worker controls, so the fetch goes through it like the download would).
  await page.waitForFunction(() => navigator.serviceWorker.controller);
  await page.evaluate(() => {
    globalThis.testChunks = [];
    document.addEventListener("click", (ev) => {
      const a = ev.target.closest?.("a.stream-link");
      if (!a) return;
      ev.preventDefault();
      globalThis.testReader = fetch(a.href).then((r) => r.body.getReader());
    }, true);
  });
  await page.getByRole("button", { name: "Start export" }).click();
  await page.waitForFunction(() => globalThis.testReader);
  let paused = 0;
  let firstPause;
  for (;;) {
    // Read the next chunk only once the page waits for room (or has sent everything).
    await page.waitForFunction(() => globalThis.attioConsoleDownload.waiting || globalThis.attioConsoleDownload.closed);
    const st = await downloadStats(page);
    assert.ok(st.maxQueued <= st.highWaterMark + st.chunk, `queued ${st.maxQueued} > high-water mark ${st.highWaterMark} + one chunk ${st.chunk}`);
    if (st.waiting && !paused++) firstPause = { sent: st.sent, status: await page.getByRole("status").textContent() };
    const done = await page.evaluate(async () => {
      const { done, value } = await (await globalThis.testReader).read();
      if (value) globalThis.testChunks.push(value);
      return done;
    });
    if (done) break;
  }
  const text = await page.evaluate(() => new TextDecoder().decode(new Uint8Array(globalThis.testChunks.flatMap((c) => [...c]))));
  const n = await checkPeople(text);
  const st = await downloadStats(page);
  assert.ok(paused > 1, `the export waited for the download (${paused} times)`);
  assert.ok(firstPause.sent < st.sent && !/complete/.test(firstPause.status),
    `the export paused part way (${firstPause.sent} of ${st.sent} bytes, "${firstPause.status}") until the download read on`);
  await page.getByRole("status").filter({ hasText: `Export complete: ${n} records` }).waitFor();
  assert.equal(st.sent, new TextEncoder().encode(text).length, "the download got every byte sent");
  assert.ok(st.sent > 2 * st.highWaterMark, `the file (${st.sent} bytes) is well over the high-water mark`);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** A Connect envelope of ExportRecordsResponse{progress: {items, items_per_second: 100,
 * estimated_remaining}}, encoded by hand (protobuf fields 2; 1, 5 and 8), as the facade sends it. */
function progressEnvelope(items, remaining) {
  const varint = (n) => {
    const b = [];
    do {
      b.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      n = Math.floor(n / 0x80);
    } while (n > 0);
    return b;
  };
  const rate = Buffer.alloc(8);
  rate.writeDoubleLE(100);
  const p = [0x08, ...varint(items), 0x29, ...rate, ...(remaining > 0 ? [0x40, ...varint(remaining)] : [])];
  const msg = Buffer.from([0x12, ...varint(p.length), ...p]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

test("an export without an estimate shows an indeterminate bar and no ETA, also once one is withdrawn", async () => {
  const { ctx, page, errors } = await signedIn(tok.reader, "apikey:reader");
  // The first call's answer is cut after its first batch and two progress messages: an estimate,
  // then none (the facade withdraws estimates it can no longer stand by). The resumed call waits
  // until the page has been looked at.
  let release;
  const held = new Promise((r) => { release = r; });
  let calls = 0;
  await page.route("**/attio.v1.ExportService/ExportRecords", async (route) => {
    if (++calls > 1) {
      await held;
      return route.continue();
    }
    const res = await route.fetch();
    const body = await res.body();
    let off = 0;
    while (off + 5 <= body.length) {
      const len = body.readUInt32BE(off + 1);
      const flags = body[off];
      off += 5 + len;
      if (flags === 0 && len > 1000) break;
    }
    const cut = Buffer.concat([body.subarray(0, off), progressEnvelope(40, 1000), progressEnvelope(40, 0)]);
    await route.fulfill({ status: 200, headers: res.headers(), body: cut });
  });
  await exportForm(page, "jsonl", 40);
  await page.getByRole("button", { name: "Start export" }).click();
  await page.getByRole("status").filter({ hasText: /Connection lost/ }).waitFor();
  const figures = await page.locator("p.figures").textContent();
  assert.match(figures, /ETA unknown/);
  assert.equal(await page.locator("progress").evaluate((p) => p.position), -1, "the bar is indeterminate");
  release();
  await page.getByText("Saved people.jsonl (").waitFor();
  const [value, max] = await page.locator("progress").evaluate((p) => [p.value, p.max]);
  assert.ok(value > 0 && value === max, `the finished bar is full (${value}/${max})`);
  assert.doesNotMatch(await page.locator("p.figures").textContent(), /ETA/);
  assert.deepEqual(errors.filter((e) => !/ExportRecords/.test(e)), []);
  await ctx.close();
});

test("without service workers the export says so and offers the file at the end", async () => {
  const { ctx, page } = await signedIn(tok.reader, "apikey:reader", (c) =>
    c.addInitScript(() => Object.defineProperty(Navigator.prototype, "serviceWorker", { get: () => undefined })));
  await exportForm(page, "jsonl", 100);
  await page.getByText("cannot stream the download here (this browser has no service workers)").waitFor();
  await page.getByRole("button", { name: "Start export" }).click();
  const link = page.locator("a.download-link");
  await link.waitFor();
  const download = page.waitForEvent("download");
  await link.click();
  await checkPeople(await readFile(await (await download).path(), "utf8"));
  await ctx.close();
});

test("export cancel stops the stream and fails the partial download", async () => {
  const { ctx, page } = await signedIn(tok.reader, "apikey:reader");
  // Hold the export's answer until the page has cancelled, so cancel is what ends it.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route("**/attio.v1.ExportService/ExportRecords", async (route) => { await held; await route.abort(); });
  await exportForm(page, "jsonl", 100);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Start export" }).click();
  const dl = await download;
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("status").filter({ hasText: "Export cancelled after 0 records. The partial download is marked failed." }).waitFor();
  assert.ok(await dl.failure(), "the partial download failed rather than looking complete");
  release();
  assert.equal(await page.locator("a.download-link").count(), 0);
  await ctx.close();
});

test("cancelling the download in the browser stops the export", async () => {
  const { ctx, page } = await signedIn(tok.reader, "apikey:reader");
  let release;
  const held = new Promise((r) => { release = r; });
  // The export's answer is held, so the download is open and waiting when it is cancelled.
  await page.route("**/attio.v1.ExportService/ExportRecords", async (route) => { await held; await route.abort().catch(() => {}); });
  await exportForm(page, "csv", 100);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Start export" }).click();
  await (await download).cancel();
  await page.getByRole("status").filter({ hasText: "Export stopped after 0 records: the download was cancelled in the browser." }).waitFor();
  assert.ok(await page.getByRole("button", { name: "Cancel" }).isDisabled());
  release();
  await ctx.close();
});
