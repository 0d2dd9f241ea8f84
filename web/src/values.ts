// Every rendering of an Attio value lives here, so a change to the Value message (attio.v1.Value)
// touches this file only. Values render as plain text (never markup).
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { Value, ValueList } from "@attio-facade/client/gen/attio/v1/values_pb.js";
import type { Record as AttioRecord } from "@attio-facade/client/gen/attio/v1/record_service_pb.js";

function ts(t: Timestamp | undefined): string {
  return t ? timestampDate(t).toISOString() : "";
}

/** One value as display text. */
export function valueText(v: Value): string {
  const x = v.value;
  switch (x.case) {
    case "text": return x.value;
    case "number": return x.value.value;
    case "checkbox": return x.value ? "yes" : "no";
    case "currency": return [x.value.currencyValue?.value ?? "", x.value.currencyCode ?? ""].join(" ").trim();
    case "date": return x.value;
    case "timestamp": return ts(x.value);
    case "rating": return `${x.value}/5`;
    case "status": return x.value.title;
    case "select": return x.value.title;
    case "recordReference": {
      const t = x.value.target;
      return `${x.value.targetObject}/${t.case === "targetRecordId" ? t.value : t.case === "match" ? t.value.attribute : ""}`;
    }
    case "actorReference": {
      const a = x.value.actor;
      return `${x.value.rawReferencedActorType}:${a.case ? a.value : ""}`;
    }
    case "location": {
      const l = x.value;
      return [l.line1, l.line2, l.line3, l.line4, l.locality, l.region, l.postcode, l.countryCode].filter((s) => s).join(", ");
    }
    case "domain": return x.value.domain;
    case "emailAddress": return x.value.emailAddress || x.value.originalEmailAddress;
    case "phoneNumber": return x.value.phoneNumber || x.value.originalPhoneNumber;
    case "personalName": return x.value.fullName || [x.value.firstName, x.value.lastName].filter((s) => s).join(" ");
    case "interaction": return `${x.value.rawInteractionType} ${ts(x.value.interactedAt)}`.trim();
    case "unknownJson": return x.value;
    default: return "";
  }
}

/** A value list (an attribute's current values) as display text, multiple values joined. */
export function listText(l: ValueList | undefined): string {
  return (l?.values ?? []).map(valueText).filter((s) => s !== "").join("; ");
}

/** The record's attribute as display text. */
export function cell(r: AttioRecord, attribute: string): string {
  return listText(r.values[attribute]);
}

/** When a historic value was active, as display text. */
export function activeSpan(v: Value): string {
  const from = ts(v.activeFrom);
  const until = ts(v.activeUntil);
  return until ? `${from} → ${until}` : `${from} → now`;
}

/** The value type's CSS class for alignment (numbers right-aligned). */
export function typeClass(attributeType: string): string {
  return ["number", "currency", "rating"].includes(attributeType) ? "num" : "";
}

/** Quotes a CSV field (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
