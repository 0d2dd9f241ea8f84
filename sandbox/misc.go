package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

func init() {
	addRoute("GET", "/v2/workspace_members", false, hListMembers)
	addRoute("GET", "/v2/workspace_members/{workspace_member_id}", false, hGetMember)
	addRoute("GET", "/v2/notes", false, hListNotes)
	addRoute("POST", "/v2/notes", true, hCreateNote)
	addRoute("GET", "/v2/notes/{note_id}", false, hGetNote)
	addRoute("DELETE", "/v2/notes/{note_id}", true, hDeleteNote)
	addRoute("GET", "/v2/tasks", false, hListTasks)
	addRoute("POST", "/v2/tasks", true, hCreateTask)
	addRoute("GET", "/v2/tasks/{task_id}", false, hGetTask)
	addRoute("PATCH", "/v2/tasks/{task_id}", true, hPatchTask)
	addRoute("DELETE", "/v2/tasks/{task_id}", true, hDeleteTask)
	addRoute("GET", "/v2/threads", false, hListThreads)
	addRoute("GET", "/v2/threads/{thread_id}", false, hGetThread)
	addRoute("POST", "/v2/comments", true, hCreateComment)
	addRoute("GET", "/v2/comments/{comment_id}", false, hGetComment)
	addRoute("DELETE", "/v2/comments/{comment_id}", true, hDeleteComment)
	addRoute("GET", "/v2/meetings", false, hListMeetings)
	addRoute("GET", "/v2/meetings/{meeting_id}", false, hGetMeeting)
	addRoute("GET", "/v2/meetings/{meeting_id}/call_recordings", false, hListRecordings)
	addRoute("GET", "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}", false, hGetRecording)
	addRoute("GET", "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript", false, hTranscript)
	addRoute("GET", "/v2/webhooks", false, hListWebhooks)
	addRoute("POST", "/v2/webhooks", true, hCreateWebhook)
	addRoute("GET", "/v2/webhooks/{webhook_id}", false, hGetWebhook)
	addRoute("PATCH", "/v2/webhooks/{webhook_id}", true, hPatchWebhook)
	addRoute("DELETE", "/v2/webhooks/{webhook_id}", true, hDeleteWebhook)
	addRoute("GET", "/v2/self", false, hSelf)
}

func (rc *reqCtx) pathUUID(name string) (uuid, bool) {
	return parseUUID(rc.p[name])
}

// members ---------------------------------------------------------------------

func (ws *workspace) writeMember(w *jw, m *member) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("workspace_member_id", m.id)
	w.objClose()
	w.kv("first_name", m.first)
	w.kv("last_name", m.last)
	w.key("avatar_url")
	w.strOrNull(m.avatar)
	w.kv("email_address", m.email)
	w.key("created_at")
	w.ts(m.createdAt)
	w.kv("access_level", m.access)
	w.objClose()
}

func hListMembers(rc *reqCtx) ([]byte, *apiError) {
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, m := range rc.ws.members {
			rc.ws.writeMember(w, m)
		}
		w.arrClose()
	}), nil
}

func hGetMember(rc *reqCtx) ([]byte, *apiError) {
	id := rc.p["workspace_member_id"]
	u, _ := parseUUID(id)
	for _, m := range rc.ws.members {
		if m.id == u {
			return dataOne(func(w *jw) { rc.ws.writeMember(w, m) }), nil
		}
	}
	return nil, notFound("Workspace member with ID \"%s\" not found.", id)
}

// notes -------------------------------------------------------------------------

func (ws *workspace) writeNote(w *jw, n *note) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("note_id", n.id)
	w.objClose()
	w.kv("parent_object", ws.objects[n.parentObj].slug)
	w.kid("parent_record_id", n.parentRec)
	w.kv("title", n.title)
	w.key("meeting_id")
	if n.meetingID.isZero() {
		w.null()
	} else {
		w.id(n.meetingID)
	}
	w.kv("content_plaintext", n.plain)
	w.kv("content_markdown", n.markdown)
	w.key("tags")
	w.arrOpen()
	for _, t := range n.tags {
		w.objOpen()
		if !t.member.isZero() {
			w.kv("type", "workspace-member")
			w.kid("workspace_member_id", t.member)
		} else {
			w.kv("type", "record")
			w.kv("object", t.obj)
			w.kid("record_id", t.rec)
		}
		w.objClose()
	}
	w.arrClose()
	w.key("created_by_actor")
	ws.writeActor(w, n.createdBy)
	w.key("created_at")
	w.ts(n.createdAt)
	w.objClose()
}

func hListNotes(rc *reqCtx) ([]byte, *apiError) {
	limit, offset, err := rc.pageParams(10, 50)
	if err != nil {
		return nil, err
	}
	objIdx := -1
	if s := rc.q.Get("parent_object"); s != "" {
		o := rc.ws.object(s)
		if o == nil {
			return nil, notFound("Object with slug/ID \"%s\" not found.", s)
		}
		objIdx = o.idx
	}
	rec, hasRec := parseUUID(rc.q.Get("parent_record_id"))
	var list []*note
	for _, n := range rc.ws.notes {
		if (objIdx < 0 || n.parentObj == objIdx) && (!hasRec || n.parentRec == rec) {
			list = append(list, n)
		}
	}
	lo, hi := window(len(list), limit, offset)
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, n := range list[lo:hi] {
			rc.ws.writeNote(w, n)
		}
		w.arrClose()
	}), nil
}

var mdStrip = regexp.MustCompile(`(?m)^\s{0,3}(#{1,6}\s+|[-*+]\s+|\d+\.\s+|>\s?)`)
var mdInline = regexp.MustCompile(`(\*\*|__|\*|_|~~|` + "`" + `)`)

// markdownToPlain approximates Attio's plaintext rendering of markdown.
func markdownToPlain(md string) string {
	s := mdStrip.ReplaceAllString(md, "")
	s = mdInline.ReplaceAllString(s, "")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func hCreateNote(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	var fields [5]string
	for i, k := range []string{"parent_object", "parent_record_id", "title", "format", "content"} {
		if fields[i], err = reqString(d, k, "data"); err != nil {
			return nil, err
		}
	}
	format := fields[3]
	if format != "plaintext" && format != "markdown" {
		return nil, bodyError([]any{"data", "format"}, "Invalid enum value. Expected 'plaintext' | 'markdown'")
	}
	o := rc.ws.object(fields[0])
	if o == nil {
		return nil, notFound("Object with slug/ID \"%s\" not found.", fields[0])
	}
	rid, _ := parseUUID(fields[1])
	if o.byID[rid] == nil {
		return nil, notFound("Record with ID \"%s\" not found.", fields[1])
	}
	n := &note{id: newUUID(), parentObj: o.idx, parentRec: rid, title: fields[2], createdBy: rc.actor, createdAt: rc.now}
	if format == "markdown" {
		n.markdown, n.plain = fields[4], markdownToPlain(fields[4])
	} else {
		n.markdown, n.plain = fields[4], fields[4]
	}
	if s, ok, err := optString(d, "created_at", "data"); err != nil {
		return nil, err
	} else if ok {
		ts, ok := coerceTimestamp(s)
		if !ok {
			return nil, bodyError([]any{"data", "created_at"}, "Invalid timestamp")
		}
		n.createdAt = ts
	}
	if s, ok, err := optString(d, "meeting_id", "data"); err != nil {
		return nil, err
	} else if ok {
		mid, _ := parseUUID(s)
		if rc.ws.meeting(mid) == nil {
			return nil, notFound("Meeting with ID \"%s\" was not found.", s)
		}
		n.meetingID = mid
	}
	rc.ws.notes = append(rc.ws.notes, n)
	sortNotes(rc.ws.notes)
	return dataOne(func(w *jw) { rc.ws.writeNote(w, n) }), nil
}

func sortNotes(ns []*note) {
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].createdAt < ns[j].createdAt })
}

func (rc *reqCtx) noteIndex() (int, *apiError) {
	id := rc.p["note_id"]
	u, _ := parseUUID(id)
	for i, n := range rc.ws.notes {
		if n.id == u {
			return i, nil
		}
	}
	return -1, notFound("Note with ID \"%s\" was not found.", id)
}

func hGetNote(rc *reqCtx) ([]byte, *apiError) {
	i, err := rc.noteIndex()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeNote(w, rc.ws.notes[i]) }), nil
}

func hDeleteNote(rc *reqCtx) ([]byte, *apiError) {
	i, err := rc.noteIndex()
	if err != nil {
		return nil, err
	}
	rc.ws.notes = append(rc.ws.notes[:i], rc.ws.notes[i+1:]...)
	return okEmpty()
}

// tasks -------------------------------------------------------------------------

func (ws *workspace) writeTask(w *jw, t *task) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("task_id", t.id)
	w.objClose()
	w.kv("content_plaintext", t.content)
	w.key("deadline_at")
	w.strOrNull(t.deadline)
	w.key("is_completed")
	w.boolean(t.completed)
	w.key("linked_records")
	w.arrOpen()
	for _, l := range t.linked {
		w.objOpen()
		w.kid("target_object_id", ws.objects[l.obj].id)
		w.kid("target_record_id", l.rec)
		w.objClose()
	}
	w.arrClose()
	w.key("assignees")
	w.arrOpen()
	for _, a := range t.assignees {
		w.objOpen()
		w.kv("referenced_actor_type", "workspace-member")
		w.kid("referenced_actor_id", a)
		w.objClose()
	}
	w.arrClose()
	w.key("created_by_actor")
	ws.writeActor(w, t.createdBy)
	w.key("created_at")
	w.ts(t.createdAt)
	w.key("completed_at")
	if t.completedAt == 0 {
		w.null()
	} else {
		w.ts(t.completedAt)
	}
	w.objClose()
}

func hListTasks(rc *reqCtx) ([]byte, *apiError) {
	limit, offset, err := rc.pageParams(500, 0)
	if err != nil {
		return nil, err
	}
	sortDir := rc.q.Get("sort")
	if sortDir != "" && sortDir != "created_at:asc" && sortDir != "created_at:desc" {
		return nil, validation("Invalid query parameter sort.").with([]any{"sort"}, "invalid_enum_value", "Expected 'created_at:asc' | 'created_at:desc'")
	}
	// The spec: "If provided, linked_record_id must also be provided" (and the reverse).
	if (rc.q.Get("linked_object") == "") != (rc.q.Get("linked_record_id") == "") {
		missing := "linked_record_id"
		if rc.q.Get("linked_object") == "" {
			missing = "linked_object"
		}
		return nil, validation("Query parameters linked_object and linked_record_id must be provided together.").
			with([]any{missing}, "invalid_type", "Required")
	}
	objIdx := -1
	if s := rc.q.Get("linked_object"); s != "" {
		o := rc.ws.object(s)
		if o == nil {
			return nil, notFound("Object with slug/ID \"%s\" not found.", s)
		}
		objIdx = o.idx
	}
	rec, hasRec := parseUUID(rc.q.Get("linked_record_id"))
	if !hasRec && rc.q.Get("linked_record_id") != "" {
		return nil, validation("Invalid query parameter linked_record_id.").with([]any{"linked_record_id"}, "invalid_string", "Invalid uuid")
	}
	_, filterAssignee := rc.q["assignee"]
	var assignee *member
	noAssignee := false
	if filterAssignee {
		a := rc.q.Get("assignee")
		if a == "" || a == "null" {
			noAssignee = true
		} else if assignee = rc.ws.member(a); assignee == nil {
			return dataOne(func(w *jw) { w.arrOpen(); w.arrClose() }), nil
		}
	}
	completed, err := rc.boolParam("is_completed")
	if err != nil {
		return nil, err
	}
	_, filterCompleted := rc.q["is_completed"]
	var list []*task
	for _, t := range rc.ws.tasks {
		if filterCompleted && t.completed != completed {
			continue
		}
		if noAssignee && len(t.assignees) > 0 {
			continue
		}
		if assignee != nil && !containsUUID(t.assignees, assignee.id) {
			continue
		}
		if objIdx >= 0 || hasRec {
			ok := false
			for _, l := range t.linked {
				if (objIdx < 0 || l.obj == objIdx) && (!hasRec || l.rec == rec) {
					ok = true
				}
			}
			if !ok {
				continue
			}
		}
		list = append(list, t)
	}
	if sortDir == "created_at:desc" {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	lo, hi := window(len(list), limit, offset)
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, t := range list[lo:hi] {
			rc.ws.writeTask(w, t)
		}
		w.arrClose()
	}), nil
}

func containsUUID(list []uuid, u uuid) bool {
	for _, x := range list {
		if x == u {
			return true
		}
	}
	return false
}

func (rc *reqCtx) taskFields(t *task, d map[string]any, create bool) *apiError {
	if v, ok := d["deadline_at"]; ok {
		if v == nil {
			t.deadline = ""
		} else {
			s, ok := v.(string)
			ts, ok2 := coerceTimestamp(s)
			if !ok || !ok2 {
				return bodyError([]any{"data", "deadline_at"}, "Invalid ISO 8601 timestamp")
			}
			t.deadline = fmtTS(ts)
		}
	} else if create {
		return bodyError([]any{"data", "deadline_at"}, "Required")
	}
	if b, ok, err := optBool(d, "is_completed", "data"); err != nil {
		return err
	} else if ok {
		// completed_at is when the task last became completed; reopening clears it.
		switch {
		case b && !t.completed:
			t.completedAt = rc.now
		case !b:
			t.completedAt = 0
		}
		t.completed = b
	} else if create {
		return bodyError([]any{"data", "is_completed"}, "Required")
	}
	if v, ok := d["linked_records"]; ok {
		arr, ok := v.([]any)
		if !ok {
			return bodyError([]any{"data", "linked_records"}, "Expected array")
		}
		var out []linkedRecord
		for i, x := range arr {
			m, ok := x.(map[string]any)
			if !ok {
				return bodyError([]any{"data", "linked_records", i}, "Expected object")
			}
			tobj, _ := m["target_object"].(string)
			o := rc.ws.object(tobj)
			if o == nil {
				return notFound("Object with slug/ID \"%s\" not found.", tobj)
			}
			a := &attribute{typ: tRecordRef, slug: "linked_records", allowed: []uuid{o.id}, multi: true}
			v, err := coerceCtx{ws: rc.ws, a: a, path: []any{"data", "linked_records"}}.coerceRef(i, m)
			if err != nil {
				return err
			}
			out = append(out, linkedRecord{obj: o.idx, rec: v.ref})
		}
		t.linked = out
	} else if create {
		return bodyError([]any{"data", "linked_records"}, "Required")
	}
	if v, ok := d["assignees"]; ok {
		arr, ok := v.([]any)
		if !ok {
			return bodyError([]any{"data", "assignees"}, "Expected array")
		}
		var out []uuid
		for i, x := range arr {
			m, ok := x.(map[string]any)
			if !ok {
				return bodyError([]any{"data", "assignees", i}, "Expected object")
			}
			id, _ := m["referenced_actor_id"].(string)
			if e, ok := m["workspace_member_email_address"].(string); ok {
				id = e
			}
			mem := rc.ws.member(id)
			if mem == nil {
				return notFound("Workspace member \"%s\" not found.", id)
			}
			out = append(out, mem.id)
		}
		t.assignees = out
	} else if create {
		return bodyError([]any{"data", "assignees"}, "Required")
	}
	return nil
}

func hCreateTask(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	content, err := reqString(d, "content", "data")
	if err != nil {
		return nil, err
	}
	format, err := reqString(d, "format", "data")
	if err != nil {
		return nil, err
	}
	if format != "plaintext" {
		return nil, bodyError([]any{"data", "format"}, "Invalid enum value. Expected 'plaintext'")
	}
	t := &task{id: newUUID(), content: content, createdBy: rc.actor, createdAt: rc.now}
	if err := rc.taskFields(t, d, true); err != nil {
		return nil, err
	}
	rc.ws.tasks = append(rc.ws.tasks, t)
	return dataOne(func(w *jw) { rc.ws.writeTask(w, t) }), nil
}

func (rc *reqCtx) taskIndex() (int, *apiError) {
	id := rc.p["task_id"]
	u, _ := parseUUID(id)
	for i, t := range rc.ws.tasks {
		if t.id == u {
			return i, nil
		}
	}
	return -1, notFound("Could not find Task with ID \"%s\".", id)
}

func hGetTask(rc *reqCtx) ([]byte, *apiError) {
	i, err := rc.taskIndex()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeTask(w, rc.ws.tasks[i]) }), nil
}

func hPatchTask(rc *reqCtx) ([]byte, *apiError) {
	i, err := rc.taskIndex()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	for k := range d {
		switch k {
		case "deadline_at", "is_completed", "linked_records", "assignees":
		default:
			return nil, bodyError([]any{"data", k}, "Unrecognized key(s) in object: '"+k+"'")
		}
	}
	cp := *rc.ws.tasks[i]
	if err := rc.taskFields(&cp, d, false); err != nil {
		return nil, err
	}
	*rc.ws.tasks[i] = cp
	return dataOne(func(w *jw) { rc.ws.writeTask(w, rc.ws.tasks[i]) }), nil
}

func hDeleteTask(rc *reqCtx) ([]byte, *apiError) {
	i, err := rc.taskIndex()
	if err != nil {
		return nil, err
	}
	rc.ws.tasks = append(rc.ws.tasks[:i], rc.ws.tasks[i+1:]...)
	return okEmpty()
}

// threads & comments ------------------------------------------------------------

func (ws *workspace) writeComment(w *jw, c *comment) {
	t := c.thread
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("comment_id", c.id)
	w.objClose()
	w.kid("thread_id", t.id)
	w.kv("content_plaintext", c.content)
	w.key("entry")
	if t.list >= 0 {
		w.objOpen()
		w.kid("entry_id", t.entry)
		w.kid("list_id", ws.lists[t.list].id)
		w.objClose()
	} else {
		w.null()
	}
	w.key("record")
	w.objOpen()
	w.kid("record_id", t.rec)
	w.kid("object_id", ws.objects[t.recObj].id)
	w.objClose()
	w.key("resolved_at")
	if c.resolvedAt == 0 {
		w.null()
	} else {
		w.ts(c.resolvedAt)
	}
	w.key("resolved_by")
	if c.resolvedAt == 0 {
		w.objOpen()
		w.key("type")
		w.null()
		w.key("id")
		w.null()
		w.objClose()
	} else {
		ws.writeActor(w, c.resolvedBy)
	}
	w.key("created_at")
	w.ts(c.createdAt)
	w.key("author")
	w.objOpen()
	w.kv("type", "workspace-member")
	w.kid("id", c.author)
	w.objClose()
	w.objClose()
}

func hListThreads(rc *reqCtx) ([]byte, *apiError) {
	limit, offset, err := rc.pageParams(10, 50)
	if err != nil {
		return nil, err
	}
	ws := rc.ws
	rec, hasRec := parseUUID(rc.q.Get("record_id"))
	entry, hasEntry := parseUUID(rc.q.Get("entry_id"))
	objIdx, listIdx := -1, -1
	if s := rc.q.Get("object"); s != "" {
		o := ws.object(s)
		if o == nil {
			return nil, notFound("Object with slug/ID \"%s\" not found.", s)
		}
		objIdx = o.idx
	}
	if s := rc.q.Get("list"); s != "" {
		l := ws.list(s)
		if l == nil {
			return nil, notFound("List with slug/ID \"%s\" not found.", s)
		}
		listIdx = l.idx
	}
	var list []*thread
	for _, t := range ws.threads {
		if hasRec && (t.rec != rec || t.list >= 0) {
			continue
		}
		if objIdx >= 0 && t.recObj != objIdx {
			continue
		}
		if hasEntry && t.entry != entry {
			continue
		}
		if listIdx >= 0 && t.list != listIdx {
			continue
		}
		list = append(list, t)
	}
	lo, hi := window(len(list), limit, offset)
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, t := range list[lo:hi] {
			ws.writeThread(w, t, t.comments, "")
		}
		w.arrClose()
	}), nil
}

// commentError is the create-comment 400: the spec documents it with
// statusCode instead of status_code, but Attio's live body uses status_code.
func hCreateComment(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	format, err := reqString(d, "format", "data")
	if err != nil {
		return nil, err
	}
	if format != "plaintext" {
		return nil, bodyError([]any{"data", "format"}, "Invalid enum value. Expected 'plaintext'")
	}
	content, err := reqString(d, "content", "data")
	if err != nil {
		return nil, err
	}
	author, ok := d["author"].(map[string]any)
	if !ok {
		return nil, bodyError([]any{"data", "author"}, "Required")
	}
	aid, _ := author["id"].(string)
	if t, _ := author["type"].(string); t != "workspace-member" {
		return nil, bodyError([]any{"data", "author", "type"}, "Invalid enum value. Expected 'workspace-member'")
	}
	ws := rc.ws
	mem := ws.member(aid)
	if mem == nil {
		return nil, valueNotFound("Workspace member with ID \"%s\" not found.", aid)
	}
	created := rc.now
	if s, ok, err := optString(d, "created_at", "data"); err != nil {
		return nil, err
	} else if ok {
		ts, ok := coerceTimestamp(s)
		if !ok {
			return nil, bodyError([]any{"data", "created_at"}, "Invalid timestamp")
		}
		created = ts
	}
	c := &comment{id: newUUID(), content: content, author: mem.id, createdAt: created}
	switch {
	case d["thread_id"] != nil:
		tid, _ := d["thread_id"].(string)
		u, _ := parseUUID(tid)
		for _, t := range ws.threads {
			if t.id == u {
				c.thread = t
			}
		}
		if c.thread == nil {
			return nil, valueNotFound("The referenced Thread could not be found, it might have been deleted.")
		}
	case d["record"] != nil:
		r, _ := d["record"].(map[string]any)
		os, _ := r["object"].(string)
		rs, _ := r["record_id"].(string)
		o := ws.object(os)
		if o == nil {
			return nil, valueNotFound("Object with slug/ID \"%s\" not found.", os)
		}
		u, _ := parseUUID(rs)
		if o.byID[u] == nil {
			return nil, valueNotFound("Record with ID \"%s\" not found.", rs)
		}
		c.thread = &thread{id: newUUID(), recObj: o.idx, rec: u, list: -1, createdAt: created}
		ws.threads = append(ws.threads, c.thread)
	case d["entry"] != nil:
		e, _ := d["entry"].(map[string]any)
		ls, _ := e["list"].(string)
		es, _ := e["entry_id"].(string)
		l := ws.list(ls)
		if l == nil {
			return nil, valueNotFound("List with slug/ID \"%s\" not found.", ls)
		}
		u, _ := parseUUID(es)
		en := l.byID[u]
		if en == nil {
			return nil, valueNotFound("Entry with ID \"%s\" not found.", es)
		}
		c.thread = &thread{id: newUUID(), recObj: int(en.parentObj), rec: en.parentRec, list: l.idx, entry: u, createdAt: created}
		ws.threads = append(ws.threads, c.thread)
	default:
		return nil, bodyError([]any{"data"}, "One of thread_id, record or entry is required")
	}
	c.thread.comments = append(c.thread.comments, c)
	ws.comments[c.id] = c
	return dataOne(func(w *jw) { ws.writeComment(w, c) }), nil
}

func (rc *reqCtx) commentParam(verb string) (*comment, *apiError) {
	id := rc.p["comment_id"]
	u, _ := parseUUID(id)
	c := rc.ws.comments[u]
	if c == nil {
		if verb == "delete" {
			return nil, notFound("Could not find Comment with ID \"%s\".", id)
		}
		return nil, notFound("Comment with ID \"%s\" was not found.", id)
	}
	return c, nil
}

func hGetComment(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.commentParam("get")
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeComment(w, c) }), nil
}

// hDeleteComment removes a comment; deleting a thread's first comment deletes
// the whole thread, as in Attio.
func hDeleteComment(rc *reqCtx) ([]byte, *apiError) {
	c, err := rc.commentParam("delete")
	if err != nil {
		return nil, err
	}
	ws := rc.ws
	t := c.thread
	if t.comments[0] == c {
		for _, x := range t.comments {
			delete(ws.comments, x.id)
		}
		for i, x := range ws.threads {
			if x == t {
				ws.threads = append(ws.threads[:i], ws.threads[i+1:]...)
				break
			}
		}
		return okEmpty()
	}
	for i, x := range t.comments {
		if x == c {
			t.comments = append(t.comments[:i], t.comments[i+1:]...)
			break
		}
	}
	delete(ws.comments, c.id)
	return okEmpty()
}

// meetings ------------------------------------------------------------------------

func (ws *workspace) meeting(id uuid) *meeting {
	for _, m := range ws.meetings {
		if m.id == id {
			return m
		}
	}
	return nil
}

func writeMeetingTime(w *jw, t meetingTime) {
	w.objOpen()
	if t.date != "" {
		w.kv("date", t.date)
	} else {
		w.kv("datetime", t.datetime)
		w.key("timezone")
		w.strOrNull(t.tz)
	}
	w.objClose()
}

func (ws *workspace) writeMeeting(w *jw, m *meeting) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("meeting_id", m.id)
	w.objClose()
	w.kv("title", m.title)
	w.kv("description", m.description)
	w.key("is_all_day")
	w.boolean(m.allDay)
	w.key("start")
	writeMeetingTime(w, m.start)
	w.key("end")
	writeMeetingTime(w, m.end)
	w.key("participants")
	w.arrOpen()
	for _, p := range m.parts {
		w.objOpen()
		w.kv("status", p.status)
		w.key("is_organizer")
		w.boolean(p.organizer)
		w.key("email_address")
		w.strOrNull(p.email)
		w.objClose()
	}
	w.arrClose()
	w.key("linked_records")
	w.arrOpen()
	for _, l := range m.linked {
		w.objOpen()
		w.kv("object_slug", ws.objects[l.obj].slug)
		w.kid("object_id", ws.objects[l.obj].id)
		w.kid("record_id", l.rec)
		w.objClose()
	}
	w.arrClose()
	w.key("created_at")
	w.ts(m.createdAt)
	w.key("created_by_actor")
	ws.writeActor(w, m.createdBy)
	w.objClose()
}

// cursor pagination: the cursor encodes the offset; Attio's cursors are
// opaque, so clients must only pass back what they received.
type cursorState struct {
	Offset int    `json:"o"`
	Scope  string `json:"s"`
}

func encodeCursor(offset int, scope string) string {
	b, _ := json.Marshal(cursorState{Offset: offset, Scope: scope})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, scope string) (int, *apiError) {
	if s == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	var st cursorState
	if err != nil || json.Unmarshal(raw, &st) != nil || st.Scope != scope || st.Offset < 0 {
		return 0, validation("Invalid cursor.").with([]any{"cursor"}, "invalid_string", "The cursor is malformed or belongs to another query")
	}
	return st.Offset, nil
}

func writeCursorPage(w *jw, total, end int, scope string) {
	w.key("pagination")
	w.objOpen()
	w.key("next_cursor")
	if end < total {
		w.str(encodeCursor(end, scope))
	} else {
		w.null()
	}
	w.objClose()
}

func (rc *reqCtx) cursorLimit(def, max int) (int, *apiError) {
	s := rc.q.Get("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, validation("Invalid query parameter limit.").with([]any{"limit"}, "invalid_type", "Expected number, received string")
	case n < 1:
		return 0, validation("Invalid query parameter limit.").with([]any{"limit"}, "too_small", "Number must be greater than or equal to 1")
	case n > max:
		return 0, validation("Invalid query parameter limit.").with([]any{"limit"}, "too_big", "Number must be less than or equal to "+strconv.Itoa(max))
	}
	return n, nil
}

func hListMeetings(rc *reqCtx) ([]byte, *apiError) {
	ws := rc.ws
	limit, err := rc.cursorLimit(50, 200)
	if err != nil {
		return nil, err
	}
	sortDir := rc.q.Get("sort")
	if sortDir == "" {
		sortDir = "start_asc"
	}
	if sortDir != "start_asc" && sortDir != "start_desc" {
		return nil, validation("Invalid query parameter sort.").with([]any{"sort"}, "invalid_enum_value", "Expected 'start_asc' | 'start_desc'")
	}
	tz := time.UTC
	if s := rc.q.Get("timezone"); s != "" {
		l, e := time.LoadLocation(s)
		if e != nil {
			return nil, validation("Invalid query parameter timezone.")
		}
		tz = l
	}
	var endsFrom, startsBefore int64
	hasEF, hasSB := false, false
	if s := rc.q.Get("ends_from"); s != "" {
		n, ok := coerceTimestamp(s)
		if !ok {
			return nil, validation("Invalid query parameter ends_from.")
		}
		endsFrom, hasEF = n, true
	}
	if s := rc.q.Get("starts_before"); s != "" {
		n, ok := coerceTimestamp(s)
		if !ok {
			return nil, validation("Invalid query parameter starts_before.")
		}
		startsBefore, hasSB = n, true
	}
	objIdx := -1
	if s := rc.q.Get("linked_object"); s != "" {
		o := ws.object(s)
		if o == nil {
			return nil, notFound("Object with slug/ID \"%s\" not found.", s)
		}
		objIdx = o.idx
	}
	rec, hasRec := parseUUID(rc.q.Get("linked_record_id"))
	var emails []string
	if s := rc.q.Get("participants"); s != "" {
		for _, e := range strings.Split(s, ",") {
			if e = strings.TrimSpace(e); e != "" {
				emails = append(emails, strings.ToLower(e))
			}
		}
	}
	at := func(t meetingTime) int64 {
		if t.date != "" {
			d, _ := time.ParseInLocation("2006-01-02", t.date, tz)
			return d.UnixNano()
		}
		return t.at
	}
	var list []*meeting
	for _, m := range ws.meetings {
		if hasEF && at(m.end) < endsFrom {
			continue
		}
		if hasSB && at(m.start) >= startsBefore {
			continue
		}
		if objIdx >= 0 || hasRec {
			ok := false
			for _, l := range m.linked {
				ok = ok || ((objIdx < 0 || l.obj == objIdx) && (!hasRec || l.rec == rec))
			}
			if !ok {
				continue
			}
		}
		if len(emails) > 0 {
			ok := false
			for _, p := range m.parts {
				for _, e := range emails {
					ok = ok || strings.EqualFold(p.email, e)
				}
			}
			if !ok {
				continue
			}
		}
		list = append(list, m)
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := at(list[i].start), at(list[j].start)
		if a == b {
			return string(list[i].id[:]) < string(list[j].id[:])
		}
		if sortDir == "start_desc" {
			return a > b
		}
		return a < b
	})
	scope := "meetings:" + rc.r.URL.Query().Encode()
	q := rc.r.URL.Query()
	q.Del("cursor")
	q.Del("limit")
	scope = "meetings:" + q.Encode()
	offset, err := decodeCursor(rc.q.Get("cursor"), scope)
	if err != nil {
		return nil, err
	}
	lo, hi := window(len(list), limit, offset)
	w := &jw{}
	w.objOpen()
	w.key("data")
	w.arrOpen()
	for _, m := range list[lo:hi] {
		ws.writeMeeting(w, m)
	}
	w.arrClose()
	writeCursorPage(w, len(list), hi, scope)
	w.objClose()
	return w.b, nil
}

func (rc *reqCtx) meetingParam() (*meeting, *apiError) {
	id := rc.p["meeting_id"]
	u, _ := parseUUID(id)
	m := rc.ws.meeting(u)
	if m == nil {
		return nil, notFound("Meeting with ID \"%s\" was not found.", id)
	}
	return m, nil
}

func hGetMeeting(rc *reqCtx) ([]byte, *apiError) {
	m, err := rc.meetingParam()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeMeeting(w, m) }), nil
}

func (ws *workspace) recordingURL(r *recording) string {
	return "https://app.attio.com/" + ws.slug + "/calls/" + r.meeting.id.String() + "/" + r.id.String()
}

func (ws *workspace) writeRecording(w *jw, r *recording) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("meeting_id", r.meeting.id)
	w.kid("call_recording_id", r.id)
	w.objClose()
	w.kv("status", r.status)
	w.kv("web_url", ws.recordingURL(r))
	w.key("created_by_actor")
	ws.writeActor(w, r.createdBy)
	w.key("created_at")
	w.ts(r.createdAt)
	w.objClose()
}

func hListRecordings(rc *reqCtx) ([]byte, *apiError) {
	m, err := rc.meetingParam()
	if err != nil {
		return nil, err
	}
	limit, err := rc.cursorLimit(50, 200)
	if err != nil {
		return nil, err
	}
	scope := "recordings:" + m.id.String()
	offset, err := decodeCursor(rc.q.Get("cursor"), scope)
	if err != nil {
		return nil, err
	}
	lo, hi := window(len(m.recordings), limit, offset)
	w := &jw{}
	w.objOpen()
	w.key("data")
	w.arrOpen()
	for _, r := range m.recordings[lo:hi] {
		rc.ws.writeRecording(w, r)
	}
	w.arrClose()
	writeCursorPage(w, len(m.recordings), hi, scope)
	w.objClose()
	return w.b, nil
}

func (rc *reqCtx) recordingParam() (*recording, *apiError) {
	m, err := rc.meetingParam()
	if err != nil {
		return nil, err
	}
	id := rc.p["call_recording_id"]
	u, _ := parseUUID(id)
	for _, r := range m.recordings {
		if r.id == u {
			return r, nil
		}
	}
	return nil, notFound("Call recording with ID \"%s\" was not found.", id)
}

func hGetRecording(rc *reqCtx) ([]byte, *apiError) {
	r, err := rc.recordingParam()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeRecording(w, r) }), nil
}

// TranscriptPageSize is how many speech segments one transcript page holds.
const TranscriptPageSize = 50

func hTranscript(rc *reqCtx) ([]byte, *apiError) {
	r, err := rc.recordingParam()
	if err != nil {
		return nil, err
	}
	scope := "transcript:" + r.id.String()
	offset, err := decodeCursor(rc.q.Get("cursor"), scope)
	if err != nil {
		return nil, err
	}
	lo, hi := window(len(r.transcript), TranscriptPageSize, offset)
	var raw strings.Builder
	for i, s := range r.transcript {
		if i > 0 {
			raw.WriteString("\n")
		}
		raw.WriteString(s.speaker + ": " + s.speech)
	}
	w := &jw{}
	w.objOpen()
	w.key("data")
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", rc.ws.id)
	w.kid("meeting_id", r.meeting.id)
	w.kid("call_recording_id", r.id)
	w.objClose()
	w.key("transcript")
	w.arrOpen()
	for _, s := range r.transcript[lo:hi] {
		w.objOpen()
		w.kv("speech", s.speech)
		w.key("start_time")
		w.num(s.start)
		w.key("end_time")
		w.num(s.end)
		w.key("speaker")
		w.objOpen()
		w.kv("name", s.speaker)
		w.objClose()
		w.objClose()
	}
	w.arrClose()
	w.kv("raw_transcript", raw.String())
	w.kv("web_url", rc.ws.recordingURL(r))
	w.objClose()
	writeCursorPage(w, len(r.transcript), hi, scope)
	w.objClose()
	return w.b, nil
}

// webhooks ------------------------------------------------------------------------

var webhookEvents = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`call-recording.created comment.created comment.resolved comment.unresolved
		comment.deleted list.created list.updated list.deleted list-attribute.created list-attribute.updated
		list-entry.created list-entry.updated list-entry.deleted object-attribute.created object-attribute.updated
		note.created note-content.updated note.updated note.deleted record.created record.merged record.updated
		record.deleted task.created task.updated task.deleted workspace-member.created`) {
		webhookEvents[e] = true
	}
}

func (ws *workspace) writeWebhook(w *jw, h *webhook, secret bool) {
	w.objOpen()
	w.kv("target_url", h.target)
	w.key("subscriptions")
	w.raw(h.subs)
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("webhook_id", h.id)
	w.objClose()
	w.kv("status", h.status)
	w.key("created_at")
	w.ts(h.createdAt)
	if secret {
		w.kv("secret", h.secret)
	}
	w.objClose()
}

func hListWebhooks(rc *reqCtx) ([]byte, *apiError) {
	limit, offset, err := rc.pageParams(10, 100)
	if err != nil {
		return nil, err
	}
	if limit < 10 {
		// The spec: "between 10 and 100, defaults to 10".
		return nil, validation("Invalid query parameter limit.").with([]any{"limit"}, "too_small", "Number must be greater than or equal to 10")
	}
	lo, hi := window(len(rc.ws.webhooks), limit, offset)
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, h := range rc.ws.webhooks[lo:hi] {
			rc.ws.writeWebhook(w, h, false)
		}
		w.arrClose()
	}), nil
}

func parseSubscriptions(v any) ([]byte, *apiError) {
	arr, ok := v.([]any)
	if !ok {
		return nil, bodyError([]any{"data", "subscriptions"}, "Expected array")
	}
	out := make([]any, 0, len(arr))
	for i, x := range arr {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, bodyError([]any{"data", "subscriptions", i}, "Expected object")
		}
		et, _ := m["event_type"].(string)
		if !webhookEvents[et] {
			return nil, bodyError([]any{"data", "subscriptions", i, "event_type"}, "Invalid enum value")
		}
		f, ok := m["filter"]
		if !ok {
			return nil, bodyError([]any{"data", "subscriptions", i, "filter"}, "Required")
		}
		if msg := webhookFilterProblem(f); msg != "" {
			return nil, validation("Body payload validation error.").with([]any{"data", "subscriptions", i, "filter"}, "invalid_union", msg)
		}
		out = append(out, map[string]any{"event_type": et, "filter": f})
	}
	return mustJSON(out), nil
}

func validTarget(s string) bool {
	return strings.HasPrefix(s, "https://") && len(s) > len("https://") && !strings.ContainsAny(s, " \n")
}

func hCreateWebhook(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	target, err := reqString(d, "target_url", "data")
	if err != nil {
		return nil, err
	}
	if !validTarget(target) {
		return nil, bodyError([]any{"data", "target_url"}, "target_url must be an https URL")
	}
	sv, ok := d["subscriptions"]
	if !ok {
		return nil, bodyError([]any{"data", "subscriptions"}, "Required")
	}
	subs, err := parseSubscriptions(sv)
	if err != nil {
		return nil, err
	}
	sec := newUUID()
	h := &webhook{id: newUUID(), target: target, subs: subs, status: "active", createdAt: rc.now,
		secret: base64.RawURLEncoding.EncodeToString(sec[:])}
	rc.ws.webhooks = append(rc.ws.webhooks, h)
	return dataOne(func(w *jw) { rc.ws.writeWebhook(w, h, true) }), nil
}

func (rc *reqCtx) webhookIndex(verb string) (int, *apiError) {
	id := rc.p["webhook_id"]
	u, _ := parseUUID(id)
	for i, h := range rc.ws.webhooks {
		if h.id == u {
			return i, nil
		}
	}
	if verb == "delete" {
		return -1, notFound("Webhook not found")
	}
	return -1, notFound("Webhook with ID \"%s\" was not found.", id)
}

func hGetWebhook(rc *reqCtx) ([]byte, *apiError) {
	i, err := rc.webhookIndex("get")
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { rc.ws.writeWebhook(w, rc.ws.webhooks[i], false) }), nil
}

func hPatchWebhook(rc *reqCtx) ([]byte, *apiError) {
	i, err := rc.webhookIndex("patch")
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	h := rc.ws.webhooks[i]
	if t, ok, err := optString(d, "target_url", "data"); err != nil {
		return nil, err
	} else if ok {
		if !validTarget(t) {
			return nil, bodyError([]any{"data", "target_url"}, "target_url must be an https URL")
		}
		h.target = t
	}
	if sv, ok := d["subscriptions"]; ok {
		subs, err := parseSubscriptions(sv)
		if err != nil {
			return nil, err
		}
		h.subs = subs
	}
	return dataOne(func(w *jw) { rc.ws.writeWebhook(w, h, false) }), nil
}

func hDeleteWebhook(rc *reqCtx) ([]byte, *apiError) {
	i, err := rc.webhookIndex("delete")
	if err != nil {
		return nil, err
	}
	rc.ws.webhooks = append(rc.ws.webhooks[:i], rc.ws.webhooks[i+1:]...)
	return okEmpty()
}

// self: the token introspection answer, not wrapped in data.
func hSelf(rc *reqCtx) ([]byte, *apiError) {
	ws := rc.ws
	w := &jw{}
	w.objOpen()
	w.key("active")
	w.boolean(true)
	w.kv("scope", "record_permission:read-write object_configuration:read-write list_entry:read-write list_configuration:read-write note:read-write task:read-write comment:read-write user_management:read webhook:read-write public_collection:read-write meeting:read call_recording:read")
	w.kid("client_id", nameUUID(ws.id, "oauth-client"))
	w.kv("token_type", "Bearer")
	w.key("exp")
	w.null()
	w.key("iat")
	w.int(ws.createdAt / int64(time.Second))
	w.kid("sub", ws.id)
	w.kid("aud", nameUUID(ws.id, "oauth-client"))
	w.kv("iss", "attio.com")
	w.key("authorized_by_workspace_member_id")
	if len(ws.members) > 0 {
		w.id(ws.members[0].id)
	} else {
		w.null()
	}
	w.kid("workspace_id", ws.id)
	w.kv("workspace_name", ws.name)
	w.kv("workspace_slug", ws.slug)
	w.key("workspace_logo_url")
	w.strOrNull(ws.logo)
	w.objClose()
	return w.b, nil
}

var _ = http.StatusOK
