// The records browser: typed columns, a filter builder producing the typed Filter, paging through
// one StreamRecords stream (the next page is the stream's next message, so the facade fetches
// no further than the reader), and a record's detail with each attribute's value history.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { h, clear, field, status } from "./dom";
import { records, on, describe } from "./api";
import { picker, type Picked } from "./picker";
import { operators, toFilter, type Row } from "./filter";
import { cell, typeClass, valueText, activeSpan } from "./values";
import type { Record as AttioRecord, StreamRecordsResponse } from "@attio-facade/client/gen/attio/v1/record_service_pb.js";
import { FilterOperator } from "@attio-facade/client/gen/attio/v1/filter_pb.js";

const PAGE = 25;

export function recordsView(main: HTMLElement): () => void {
  let ctl = new AbortController();
  const st = status();
  const form = h("form", { class: "query", "aria-label": "Record query" });
  const rowsBox = h("fieldset", {}, h("legend", {}, "Filter (all conditions must hold)"));
  const table = h("div", { class: "table-wrap" });
  const pager = h("div", { class: "pager" });
  const detail = h("section", { class: "detail", "aria-label": "Record detail" });
  main.append(h("h2", {}, "Records"), form, st, table, pager, detail);
  let rows: Row[] = [];
  let current: Picked | undefined;
  // Conditions and queries need the object's attributes: their buttons wait for them.
  const add = h("button", { type: "button", class: "add-condition", disabled: true }, "Add condition");
  add.addEventListener("click", () => { rows.push({ attribute: "", attributeType: "", op: FilterOperator.EQ, operand: "" }); renderRows(); });
  const query = h("button", { type: "submit", disabled: true }, "Query");
  const pick = picker(form, st, (p) => {
    current = p;
    rows = [];
    renderRows();
    add.disabled = query.disabled = !p;
  });
  form.append(rowsBox, add, query);

  function renderRows(): void {
    while (rowsBox.children.length > 1) rowsBox.lastChild!.remove();
    rows.forEach((r, i) => {
      const attr = h("select", {}, h("option", { value: "" }, "attribute"),
        ...(current?.attributes ?? []).map((a) => h("option", { value: a.apiSlug, selected: a.apiSlug === r.attribute }, `${a.title} (${a.type})`)));
      attr.addEventListener("change", () => {
        r.attribute = attr.value;
        r.attributeType = current?.attributes.find((a) => a.apiSlug === attr.value)?.type ?? "";
      });
      const op = h("select", {}, ...operators.map(([v, label]) => h("option", { value: String(v), selected: v === r.op }, label)));
      op.addEventListener("change", () => { r.op = Number(op.value); });
      const val = h("input", { type: "text", value: r.operand });
      val.addEventListener("input", () => { r.operand = val.value; });
      const rm = h("button", { type: "button", "aria-label": `Remove condition ${i + 1}` }, "Remove");
      rm.addEventListener("click", () => { rows.splice(i, 1); renderRows(); });
      rowsBox.append(h("div", { class: "condition" },
        field(`Condition ${i + 1} attribute`, attr), field(`Condition ${i + 1} operator`, op), field(`Condition ${i + 1} value`, val), rm));
    });
  }

  let iter: AsyncIterator<StreamRecordsResponse> | undefined;
  let shown = 0;

  async function nextPage(): Promise<void> {
    if (!iter || !current) return;
    const p = current;
    let res: IteratorResult<StreamRecordsResponse>;
    try {
      res = await iter.next();
    } catch (err) {
      st.textContent = describe(err);
      return;
    }
    clear(pager);
    if (res.done) { st.textContent = `${shown} records, no more.`; return; }
    render(p, res.value.records);
    shown += res.value.records.length;
    st.textContent = `${shown} records shown.`;
    if (res.value.resumeToken) pager.append(h("button", { type: "button", class: "next", onclick: (() => void nextPage()) as EventListener }, "Next page"));
  }

  function render(p: Picked, list: AttioRecord[]): void {
    const cols = p.attributes.slice(0, 8);
    clear(table);
    table.append(h("table", { class: "records" },
      h("caption", {}, `${p.object}: page of ${list.length}`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Record"), ...cols.map((a) => h("th", { scope: "col", class: typeClass(a.type) }, a.title)))),
      h("tbody", {}, ...list.map((r) => h("tr", { "data-id": r.id?.recordId ?? "" },
        h("th", { scope: "row" }, h("button", { type: "button", class: "link", onclick: (() => void showDetail(p, r)) as EventListener }, r.id?.recordId.slice(0, 8) ?? "")),
        ...cols.map((a) => h("td", { class: typeClass(a.type) }, cell(r, a.apiSlug))))))));
  }

  async function showDetail(p: Picked, r: AttioRecord): Promise<void> {
    clear(detail);
    const id = r.id?.recordId ?? "";
    detail.append(h("h3", { tabindex: "-1", id: "detail-title" }, `Record ${id}`),
      h("p", {}, `Created ${r.createdAt ? timestampDate(r.createdAt).toISOString() : ""}`));
    const dl = h("dl", {});
    for (const a of p.attributes) {
      const hist = h("ul", { class: "history", "aria-label": `${a.title} history` });
      const btn = h("button", { type: "button", class: "link" }, "History");
      btn.addEventListener("click", async () => {
        try {
          const res = await records.listRecordAttributeValues({ object: p.object, recordId: id, attribute: a.apiSlug, showHistoric: true, pageSize: 100 }, on(p.connection));
          clear(hist);
          hist.append(...res.values.map((v) => h("li", {}, `${valueText(v)} (${activeSpan(v)})`)));
          if (res.values.length === 0) hist.append(h("li", {}, "no values"));
        } catch (err) {
          hist.textContent = describe(err);
        }
      });
      dl.append(h("dt", {}, a.title), h("dd", {}, cell(r, a.apiSlug), " ", btn, hist));
    }
    detail.append(dl);
    document.getElementById("detail-title")?.focus();
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = pick();
    if (!p) { st.textContent = "Choose an object first."; return; }
    let filter;
    try {
      filter = toFilter(rows);
    } catch (err) {
      st.textContent = String((err as Error).message);
      return;
    }
    ctl.abort();
    ctl = new AbortController();
    shown = 0;
    clear(detail);
    iter = records.streamRecords({ object: p.object, filter, pageSize: PAGE }, on(p.connection, ctl.signal))[Symbol.asyncIterator]();
    void nextPage();
  });
  return () => ctl.abort();
}
