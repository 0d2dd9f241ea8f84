package sandbox

// Threads and their comment paging. Attio's 2026 API pages a thread's comments
// (https://docs.attio.com/rest-api/endpoint-reference/threads/get-a-thread-and-its-comments):
// oldest first, at most 250 a request, "keep paginating for as long as a next_cursor is
// returned", and created_after keeps only later comments (the opening one too). The page's
// cursor and has_more_comments travel on the thread object; list endpoints return whole threads
// (no cursor, has_more_comments false).

const maxThreadComments = 250

func (ws *workspace) writeThread(w *jw, t *thread, comments []*comment, next string) {
	w.objOpen()
	w.key("id")
	w.objOpen()
	w.kid("workspace_id", ws.id)
	w.kid("thread_id", t.id)
	w.objClose()
	w.key("comments")
	w.arrOpen()
	for _, c := range comments {
		ws.writeComment(w, c)
	}
	w.arrClose()
	w.key("created_at")
	w.ts(t.createdAt)
	w.key("next_cursor")
	if next != "" {
		w.str(next)
	} else {
		w.null()
	}
	w.key("has_more_comments")
	w.boolean(next != "")
	w.objClose()
}

func hGetThread(rc *reqCtx) ([]byte, *apiError) {
	id := rc.param("thread_id")
	u, _ := parseUUID(id)
	var t *thread
	for _, x := range rc.ws.threads {
		if x.id == u {
			t = x
			break
		}
	}
	if t == nil {
		return nil, notFound("Thread with ID \"%s\" was not found.", id)
	}
	limit, err := rc.cursorLimit(maxThreadComments, maxThreadComments)
	if err != nil {
		return nil, err
	}
	after := rc.q.Get("created_after")
	comments := t.comments
	if after != "" {
		at, ok := coerceTimestamp(after)
		if !ok {
			return nil, validation("Invalid query parameter created_after.").with([]any{"created_after"}, "invalid_string", "Invalid ISO 8601 timestamp")
		}
		comments = nil
		for _, c := range t.comments {
			if c.createdAt > at {
				comments = append(comments, c)
			}
		}
	}
	scope := "thread:" + t.id.String() + ":" + after
	offset, err := decodeCursor(rc.q.Get("cursor"), scope)
	if err != nil {
		return nil, err
	}
	lo, hi := window(len(comments), limit, offset)
	next := ""
	if hi < len(comments) {
		next = encodeCursor(hi, scope)
	}
	return dataOne(func(w *jw) { rc.ws.writeThread(w, t, comments[lo:hi], next) }), nil
}
