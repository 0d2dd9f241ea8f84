package sandbox

func taskRoutes(rs *routes) {
	rs.read("GET", "/v2/tasks", hListTasks)
	rs.write("POST", "/v2/tasks", hCreateTask)
	rs.read("GET", "/v2/tasks/{task_id}", tasks.get)
	rs.write("PATCH", "/v2/tasks/{task_id}", hPatchTask)
	rs.write("DELETE", "/v2/tasks/{task_id}", tasks.delete)
}

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
	var linked []linkedRecord
	if ok, err := eachObject(d, "linked_records", create, func(i int, m map[string]any) *apiError {
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
		linked = append(linked, linkedRecord{obj: o.idx, rec: v.ref})
		return nil
	}); err != nil {
		return err
	} else if ok {
		t.linked = linked
	}
	var assignees []uuid
	if ok, err := eachObject(d, "assignees", create, func(_ int, m map[string]any) *apiError {
		id, _ := m["referenced_actor_id"].(string)
		if e, ok := m["workspace_member_email_address"].(string); ok {
			id = e
		}
		mem := rc.ws.member(id)
		if mem == nil {
			return notFound("Workspace member \"%s\" not found.", id)
		}
		assignees = append(assignees, mem.id)
		return nil
	}); err != nil {
		return err
	} else if ok {
		t.assignees = assignees
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
	rc.emitTask(t, "created")
	return dataOne(func(w *jw) { rc.ws.writeTask(w, t) }), nil
}

var tasks = &byID[*task]{
	param:   "task_id",
	items:   func(ws *workspace) *[]*task { return &ws.tasks },
	id:      func(t *task) uuid { return t.id },
	missing: notFoundID("Could not find Task with ID \"%s\"."),
	write:   (*workspace).writeTask,
	deleted: func(rc *reqCtx, t *task) { rc.emitTask(t, "deleted") },
}

func hPatchTask(rc *reqCtx) ([]byte, *apiError) {
	i, err := tasks.find(rc)
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
	rc.emitTask(&cp, "updated")
	return dataOne(func(w *jw) { rc.ws.writeTask(w, rc.ws.tasks[i]) }), nil
}
