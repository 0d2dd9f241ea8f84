// The filter builder's model: rows of (attribute, operator, operand), all required to hold,
// turned into the typed attio.v1.Filter (all of conditions; a single row is its condition).
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { FilterSchema, FilterOperator, type Filter } from "@attio-facade/client/gen/attio/v1/filter_pb.js";
import { DecimalSchema, StringListSchema } from "@attio-facade/client/gen/attio/v1/common_pb.js";

export interface Row {
  attribute: string;
  attributeType: string;
  op: FilterOperator;
  operand: string;
}

/** The operators offered, with their labels. */
export const operators: [FilterOperator, string][] = [
  [FilterOperator.EQ, "equals"],
  [FilterOperator.CONTAINS, "contains"],
  [FilterOperator.STARTS_WITH, "starts with"],
  [FilterOperator.ENDS_WITH, "ends with"],
  [FilterOperator.IN, "is one of (comma-separated)"],
  [FilterOperator.LT, "<"],
  [FilterOperator.LTE, "≤"],
  [FilterOperator.GT, ">"],
  [FilterOperator.GTE, "≥"],
  [FilterOperator.NOT_EMPTY, "is not empty"],
];

function condition(r: Row): Filter {
  const c = { attribute: r.attribute, op: r.op } as Record<string, unknown>;
  if (r.op === FilterOperator.NOT_EMPTY) {
    // no operand
  } else if (r.op === FilterOperator.IN) {
    c.operand = { case: "stringList", value: create(StringListSchema, { values: r.operand.split(",").map((s) => s.trim()).filter((s) => s) }) };
  } else if (["number", "currency", "rating"].includes(r.attributeType)) {
    if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(r.operand.trim())) throw new Error(`${r.attribute}: "${r.operand}" is not a number`);
    c.operand = { case: "numberValue", value: create(DecimalSchema, { value: r.operand.trim() }) };
  } else if (r.attributeType === "checkbox") {
    c.operand = { case: "boolValue", value: /^(true|yes|1)$/i.test(r.operand.trim()) };
  } else if (r.attributeType === "timestamp") {
    const d = new Date(r.operand);
    if (isNaN(d.getTime())) throw new Error(`${r.attribute}: "${r.operand}" is not a date and time`);
    c.operand = { case: "timestampValue", value: timestampFromDate(d) };
  } else {
    c.operand = { case: "stringValue", value: r.operand };
  }
  return create(FilterSchema, { node: { case: "condition", value: c as never } });
}

/** The typed Filter of rows; undefined when there are none. Throws on a bad operand. */
export function toFilter(rows: Row[]): Filter | undefined {
  const used = rows.filter((r) => r.attribute);
  if (used.length === 0) return undefined;
  if (used.length === 1) return condition(used[0]);
  return create(FilterSchema, { node: { case: "all", value: { filters: used.map(condition) } } });
}
