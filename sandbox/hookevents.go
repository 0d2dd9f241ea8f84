package sandbox

// The webhook events a write fires, in the shapes of Attio's webhook reference
// (docs.attio.com/rest-api/webhook-reference: record, list-entry, note, task,
// comment, list, list-attribute and object-attribute events). A handler names
// the events of its write with rc.emit; run hands them to the delivery queue
// (hookdeliver.go) once the write has succeeded, under the workspace lock, so
// deliveries are queued in the order the writes happened.

// hookField is one string field of an event; an empty value is written as null
// (comment events' list_id and entry_id on a record's thread).
type hookField struct{ k, v string }

// hookEvent is one Attio webhook event.
type hookEvent struct {
	typ   string
	ids   []hookField // the "id" object
	extra []hookField // top-level fields besides event_type, id and actor
	actor actor
}

// emit records an event of this write.
func (rc *reqCtx) emit(typ string, ids []hookField, extra ...hookField) {
	ids = append([]hookField{{"workspace_id", rc.ws.id.String()}}, ids...)
	rc.events = append(rc.events, hookEvent{typ: typ, ids: ids, extra: extra, actor: rc.ws.actors[rc.actor]})
}

// emitItem records a record's or a list entry's event; verb is created,
// updated or deleted. An update fires one event per attribute written, as
// Attio's record.updated and list-entry.updated carry the attribute_id.
func (rc *reqCtx) emitItem(c *collection, it *item, verb string, attrs ...*attribute) {
	if c.activity {
		return // activity record events are not emulated (no subscription can name them here)
	}
	var ids []hookField
	var extra []hookField
	typ := "record." + verb
	if c.isList {
		typ = "list-entry." + verb
		ids = []hookField{{"list_id", c.id.String()}, {"entry_id", it.id.String()}}
		extra = []hookField{{"parent_object_id", rc.ws.objects[it.parentObj].id.String()}, {"parent_record_id", it.parentRec.String()}}
	} else {
		ids = []hookField{{"object_id", c.id.String()}, {"record_id", it.id.String()}}
	}
	if len(attrs) == 0 {
		rc.emit(typ, ids, extra...)
		return
	}
	for _, a := range attrs {
		rc.emit(typ, append(append([]hookField(nil), ids...), hookField{"attribute_id", a.id.String()}), extra...)
	}
}

// emitPlan fires the updated events of a write plan (nothing when it changed nothing).
func (rc *reqCtx) emitPlan(c *collection, it *item, plan []plannedChange) {
	if len(plan) == 0 {
		return
	}
	attrs := make([]*attribute, len(plan))
	for i, p := range plan {
		attrs[i] = p.a
	}
	rc.emitItem(c, it, "updated", attrs...)
}

// emitAttribute fires object-attribute.* or list-attribute.* for a.
func (rc *reqCtx) emitAttribute(c *collection, a *attribute, verb string) {
	if c.activity {
		return // activity attribute events are not emulated (no subscription can name them here)
	}
	if c.isList {
		rc.emit("list-attribute."+verb, []hookField{{"list_id", c.id.String()}, {"attribute_id", a.id.String()}})
		return
	}
	rc.emit("object-attribute."+verb, []hookField{{"object_id", c.id.String()}, {"attribute_id", a.id.String()}})
}

func (rc *reqCtx) emitNote(n *note, verb string) {
	rc.emit("note."+verb, []hookField{{"note_id", n.id.String()}},
		hookField{"parent_object_id", rc.ws.objects[n.parentObj].id.String()}, hookField{"parent_record_id", n.parentRec.String()})
}

func (rc *reqCtx) emitComment(c *comment, verb string) {
	t := c.thread
	list, entry := "", ""
	if t.list >= 0 {
		list, entry = rc.ws.lists[t.list].id.String(), t.entry.String()
	}
	rc.emit("comment."+verb, []hookField{{"comment_id", c.id.String()}},
		hookField{"thread_id", t.id.String()}, hookField{"object_id", rc.ws.objects[t.recObj].id.String()},
		hookField{"record_id", t.rec.String()}, hookField{"list_id", list}, hookField{"entry_id", entry})
}

// body is the delivery of e by webhook id: Attio's envelope, one event per
// delivery ("Currently, each delivery contains exactly one event").
func (e *hookEvent) body(webhookID string) []byte {
	w := &jw{}
	w.objOpen()
	w.kv("webhook_id", webhookID)
	w.key("events")
	w.arrOpen()
	w.objOpen()
	w.kv("event_type", e.typ)
	w.key("id")
	w.objOpen()
	for _, f := range e.ids {
		w.kv(f.k, f.v)
	}
	w.objClose()
	for _, f := range e.extra {
		if f.v == "" {
			w.key(f.k)
			w.null()
		} else {
			w.kv(f.k, f.v)
		}
	}
	w.key("actor")
	w.objOpen()
	w.kv("type", e.actor.typ)
	w.key("id")
	if e.actor.typ == "system" {
		w.null()
	} else {
		w.id(e.actor.id)
	}
	w.objClose()
	w.objClose()
	w.arrClose()
	w.objClose()
	return w.b
}

// get is the value of a subscription filter's hookField in e: "id.<key>" for the
// id object, "actor.type" / "actor.id", or a top-level hookField.
func (e *hookEvent) get(name string) string {
	look := func(fs []hookField, k string) string {
		for _, f := range fs {
			if f.k == k {
				return f.v
			}
		}
		return ""
	}
	switch {
	case len(name) > 3 && name[:3] == "id.":
		return look(e.ids, name[3:])
	case name == "actor.type":
		return e.actor.typ
	case name == "actor.id":
		if e.actor.typ == "system" {
			return ""
		}
		return e.actor.id.String()
	}
	return look(e.extra, name)
}

func (rc *reqCtx) emitTask(t *task, verb string) {
	rc.emit("task."+verb, []hookField{{"task_id", t.id.String()}})
}
