// The connection and object pickers, and the object's attributes, shared by the records browser
// and exports.
import { h, field } from "./dom";
import { connections, objects, attributes, on, describe } from "./api";
import { principal } from "./session";
import { AttributeTarget, type Attribute } from "@attio-facade/client/gen/attio/v1/attribute_service_pb.js";

export interface Picked {
  connection: string;
  object: string;
  attributes: Attribute[];
}

/** Builds the pickers into form; onChange runs when an object's attributes are loaded. */
export function picker(form: HTMLElement, st: HTMLElement, onChange: (p: Picked | undefined) => void): () => Picked | undefined {
  // Listing connections needs the admin scope; other callers type one (empty: the default).
  const conn = h("input", { type: "text", list: "connection-ids", placeholder: "default", autocomplete: "off" });
  const ids = h("datalist", { id: "connection-ids" });
  const obj = h("select", { required: true }, h("option", { value: "" }, "Choose an object"));
  form.append(field("Connection", conn), ids, field("Object", obj));
  let picked: Picked | undefined;

  if (principal()?.scopes.includes("admin")) {
    connections.listConnections({}).then((r) => {
      ids.append(...r.connections.map((c) => h("option", { value: c.connectionId })));
    }, () => { /* free text */ });
  }

  async function loadObjects(): Promise<void> {
    try {
      const r = await objects.listObjects({ pageSize: 1000 }, on(conn.value.trim()));
      while (obj.options.length > 1) obj.remove(1);
      for (const o of r.objects) {
        const slug = o.apiSlug ?? o.id?.objectId ?? "";
        obj.append(h("option", { value: slug }, o.pluralNoun ? `${o.pluralNoun} (${slug})` : slug));
      }
    } catch (err) {
      st.textContent = describe(err);
    }
  }

  async function loadAttributes(): Promise<void> {
    picked = undefined;
    onChange(undefined);
    if (!obj.value) return;
    try {
      const connection = conn.value.trim();
      const r = await attributes.listAttributes({ target: AttributeTarget.OBJECT, identifier: obj.value, pageSize: 1000 }, on(connection));
      picked = { connection, object: obj.value, attributes: r.attributes.filter((a) => !a.isArchived) };
      onChange(picked);
    } catch (err) {
      st.textContent = describe(err);
    }
  }

  conn.addEventListener("change", () => void loadObjects());
  obj.addEventListener("change", () => void loadAttributes());
  void loadObjects();
  return () => picked;
}
