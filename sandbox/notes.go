package sandbox

import (
	"regexp"
	"sort"
	"strings"
)

func noteRoutes(rs *routes) {
	rs.read("GET", "/v2/notes", hListNotes)
	rs.write("POST", "/v2/notes", hCreateNote)
	rs.read("GET", "/v2/notes/{note_id}", notes.get)
	rs.write("DELETE", "/v2/notes/{note_id}", notes.delete)
}

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
	rc.emitNote(n, "created")
	return dataOne(func(w *jw) { rc.ws.writeNote(w, n) }), nil
}

func sortNotes(ns []*note) {
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].createdAt < ns[j].createdAt })
}

var notes = &byID[*note]{
	param:   "note_id",
	items:   func(ws *workspace) *[]*note { return &ws.notes },
	id:      func(n *note) uuid { return n.id },
	missing: notFoundID("Note with ID \"%s\" was not found."),
	write:   (*workspace).writeNote,
	deleted: func(rc *reqCtx, n *note) { rc.emitNote(n, "deleted") },
}
