package sandbox

func commentRoutes(rs *routes) {
	rs.read("GET", "/v2/threads", hListThreads)
	rs.read("GET", "/v2/threads/{thread_id}", hGetThread)
	rs.write("POST", "/v2/comments", hCreateComment)
	rs.read("GET", "/v2/comments/{comment_id}", hGetComment)
	rs.write("DELETE", "/v2/comments/{comment_id}", hDeleteComment)
}

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

// hCreateComment replies in a thread (thread_id) or starts one on a record
// or a list entry.
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
	rc.emitComment(c, "created")
	return dataOne(func(w *jw) { ws.writeComment(w, c) }), nil
}

func (rc *reqCtx) commentParam(verb string) (*comment, *apiError) {
	id := rc.param("comment_id")
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
			rc.emitComment(x, "deleted")
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
	rc.emitComment(c, "deleted")
	return okEmpty()
}
