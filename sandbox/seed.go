package sandbox

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"time"
)

// Seed layout (see testdata/seed): connections.json lists the connections
// and, for each, the workspace file to load. Workspace files describe
// members, extra attributes on standard objects, custom objects, lists,
// records, entries, notes, tasks, threads, meetings and webhooks. Record and
// entry values use Attio's write format and go through the same coercion as
// API writes; "updates" replay later writes to give values a history.

type seedConnections struct {
	Connections []struct {
		ID        string `json:"connection_id"`
		Status    string `json:"status"`
		Created   string `json:"creation_time"`
		Workspace string `json:"workspace"`
	} `json:"connections"`
}

type seedWorkspace struct {
	Workspace struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Slug      string `json:"slug"`
		LogoURL   string `json:"logo_url"`
		CreatedAt string `json:"created_at"`
	} `json:"workspace"`
	Members []struct {
		ID        string `json:"id"`
		First     string `json:"first_name"`
		Last      string `json:"last_name"`
		Email     string `json:"email_address"`
		Avatar    string `json:"avatar_url"`
		Access    string `json:"access_level"`
		CreatedAt string `json:"created_at"`
	} `json:"members"`
	Objects []struct {
		ID         string    `json:"id"`
		Slug       string    `json:"api_slug"`
		Singular   string    `json:"singular_noun"`
		Plural     string    `json:"plural_noun"`
		CreatedAt  string    `json:"created_at"`
		Attributes []attrDef `json:"attributes"`
	} `json:"objects"`
	Lists []struct {
		ID           string `json:"id"`
		Slug         string `json:"api_slug"`
		Name         string `json:"name"`
		ParentObject string `json:"parent_object"`
		Access       string `json:"workspace_access"`
		MemberAccess []struct {
			Member string `json:"workspace_member_id"`
			Level  string `json:"level"`
		} `json:"workspace_member_access"`
		CreatedAt  string    `json:"created_at"`
		CreatedBy  string    `json:"created_by"`
		Attributes []attrDef `json:"attributes"`
	} `json:"lists"`
	Records []struct {
		Object string       `json:"object"`
		Items  []seedRecord `json:"items"`
	} `json:"records"`
	Entries []struct {
		List  string       `json:"list"`
		Items []seedRecord `json:"items"`
	} `json:"entries"`
	Notes []struct {
		ID           string `json:"id"`
		ParentObject string `json:"parent_object"`
		ParentRecord string `json:"parent_record_id"`
		Title        string `json:"title"`
		Format       string `json:"format"`
		Content      string `json:"content"`
		MeetingID    string `json:"meeting_id"`
		CreatedAt    string `json:"created_at"`
		CreatedBy    string `json:"created_by"`
		Tags         []struct {
			Type     string `json:"type"`
			Member   string `json:"workspace_member_id"`
			Object   string `json:"object"`
			RecordID string `json:"record_id"`
		} `json:"tags"`
	} `json:"notes"`
	Tasks []struct {
		ID        string `json:"id"`
		Content   string `json:"content"`
		Deadline  string `json:"deadline_at"`
		Completed bool   `json:"is_completed"`
		Linked    []struct {
			Object   string `json:"target_object"`
			RecordID string `json:"target_record_id"`
		} `json:"linked_records"`
		Assignees []string `json:"assignees"`
		CreatedAt string   `json:"created_at"`
		CreatedBy string   `json:"created_by"`
	} `json:"tasks"`
	Threads []struct {
		ID     string `json:"id"`
		Record *struct {
			Object   string `json:"object"`
			RecordID string `json:"record_id"`
		} `json:"record"`
		Entry *struct {
			List    string `json:"list"`
			EntryID string `json:"entry_id"`
		} `json:"entry"`
		CreatedAt string `json:"created_at"`
		Comments  []struct {
			ID         string `json:"id"`
			Content    string `json:"content"`
			Author     string `json:"author"`
			CreatedAt  string `json:"created_at"`
			ResolvedAt string `json:"resolved_at"`
			ResolvedBy string `json:"resolved_by"`
		} `json:"comments"`
	} `json:"threads"`
	Meetings []struct {
		ID          string          `json:"id"`
		Title       string          `json:"title"`
		Description string          `json:"description"`
		AllDay      bool            `json:"is_all_day"`
		Start       seedMeetingTime `json:"start"`
		End         seedMeetingTime `json:"end"`
		Parts       []struct {
			Status    string `json:"status"`
			Organizer bool   `json:"is_organizer"`
			Email     string `json:"email_address"`
		} `json:"participants"`
		Linked []struct {
			Object   string `json:"object"`
			RecordID string `json:"record_id"`
		} `json:"linked_records"`
		CreatedAt  string `json:"created_at"`
		CreatedBy  string `json:"created_by"`
		Recordings []struct {
			ID         string `json:"id"`
			Status     string `json:"status"`
			CreatedAt  string `json:"created_at"`
			CreatedBy  string `json:"created_by"`
			Transcript []struct {
				Speaker string  `json:"speaker"`
				Speech  string  `json:"speech"`
				Start   float64 `json:"start_time"`
				End     float64 `json:"end_time"`
			} `json:"transcript"`
		} `json:"call_recordings"`
	} `json:"meetings"`
	// Emails are message metadata only: the sandbox keeps no mailbox, it derives the
	// email interaction attributes from them, as Attio does from synced mailboxes.
	Emails   []seedEmail `json:"emails"`
	Webhooks []struct {
		ID            string          `json:"id"`
		TargetURL     string          `json:"target_url"`
		Subscriptions json.RawMessage `json:"subscriptions"`
		Status        string          `json:"status"`
		Secret        string          `json:"secret"`
		CreatedAt     string          `json:"created_at"`
	} `json:"webhooks"`
}

type seedMeetingTime struct {
	Date     string `json:"date"`
	Datetime string `json:"datetime"`
	Timezone string `json:"timezone"`
}

type seedRecord struct {
	ID           string         `json:"id"`
	ParentObject string         `json:"parent_object"`
	ParentRecord string         `json:"parent_record_id"`
	CreatedAt    string         `json:"created_at"`
	CreatedBy    string         `json:"created_by"`
	Values       map[string]any `json:"values"`
	Updates      []struct {
		At     string         `json:"at"`
		By     string         `json:"by"`
		Mode   string         `json:"mode"` // "patch" (default) or "put"
		Values map[string]any `json:"values"`
	} `json:"updates"`
}

var (
	defaultConnCreated = time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC)
	secondConnCreated  = time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC)
)

func (s *Sandbox) load(fsys fs.FS) error {
	if fsys == nil {
		for _, d := range []struct {
			conn, ws, member, name, slug string
			at                           time.Time
		}{
			{DefaultConnectionID, DefaultWorkspaceID, DefaultMemberID, "Sandbox Workspace", "sandbox", defaultConnCreated},
			{SecondConnectionID, SecondWorkspaceID, SecondMemberID, "Second Workspace", "sandbox-two", secondConnCreated},
		} {
			ws := newWorkspace(mustUUID(d.ws), d.name, d.slug, d.at.UnixNano())
			addMember(ws, mustUUID(d.member), "Ada", "Admin", "admin@"+d.slug+".example.com", "admin", d.at.UnixNano())
			s.addConnection(mustUUID(d.conn), "ACTIVE", d.at, ws)
		}
		return nil
	}
	var conns seedConnections
	if err := readJSON(fsys, "connections.json", &conns); err != nil {
		return err
	}
	for _, c := range conns.Connections {
		id, ok := parseUUID(c.ID)
		if !ok {
			return fmt.Errorf("connections.json: bad connection_id %q", c.ID)
		}
		created, err := time.Parse(time.RFC3339, c.Created)
		if err != nil {
			return fmt.Errorf("connections.json: %w", err)
		}
		var sw seedWorkspace
		if err := readJSON(fsys, c.Workspace, &sw); err != nil {
			return err
		}
		ws, err := buildWorkspace(&sw, s.nowNanos())
		if err != nil {
			return fmt.Errorf("%s: %w", c.Workspace, err)
		}
		status := c.Status
		if status == "" {
			status = "ACTIVE"
		}
		s.addConnection(id, status, created, ws)
	}
	return nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func seedTime(s string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	n, ok := coerceTimestamp(s)
	if !ok {
		return 0, fmt.Errorf("bad timestamp %q", s)
	}
	return n, nil
}

func seedUUID(s string) (uuid, error) {
	if s == "" {
		return newUUID(), nil
	}
	u, ok := parseUUID(s)
	if !ok {
		return u, fmt.Errorf("bad uuid %q", s)
	}
	return u, nil
}

// seedActor resolves "system", "api-token" or a member id ("" = first member).
func seedActor(ws *workspace, s string) (int32, error) {
	switch s {
	case "system":
		return 0, nil
	case "api-token":
		return ws.tokenIdx, nil
	case "":
		if len(ws.members) > 0 {
			return ws.memberActor(ws.members[0].id), nil
		}
		return 0, nil
	}
	m := ws.member(s)
	if m == nil {
		return 0, fmt.Errorf("unknown member %q", s)
	}
	return ws.memberActor(m.id), nil
}

func buildWorkspace(sw *seedWorkspace, now int64) (*workspace, error) {
	wid, ok := parseUUID(sw.Workspace.ID)
	if !ok {
		return nil, fmt.Errorf("bad workspace id %q", sw.Workspace.ID)
	}
	wsCreated, err := seedTime(sw.Workspace.CreatedAt, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	if err != nil {
		return nil, err
	}
	ws := newWorkspace(wid, sw.Workspace.Name, sw.Workspace.Slug, wsCreated)
	ws.logo = sw.Workspace.LogoURL
	for _, m := range sw.Members {
		id, err := seedUUID(m.ID)
		if err != nil {
			return nil, err
		}
		at, err := seedTime(m.CreatedAt, wsCreated)
		if err != nil {
			return nil, err
		}
		mm := addMember(ws, id, m.First, m.Last, m.Email, m.Access, at)
		mm.avatar = m.Avatar
	}
	var pending []pendingRef
	for _, o := range sw.Objects {
		at, err := seedTime(o.CreatedAt, wsCreated)
		if err != nil {
			return nil, err
		}
		c := ws.object(o.Slug)
		if c == nil {
			id, err := seedUUID(o.ID)
			if err != nil {
				return nil, err
			}
			c = newCollection(ws, false, id, o.Slug, at)
			c.singular, c.plural = o.Singular, o.Plural
			for _, a := range customObjectAttrs {
				c.addAttr(a, at)
			}
		}
		for _, d := range o.Attributes {
			if !slugRe.MatchString(d.Slug) {
				return nil, fmt.Errorf("object %s: attribute slug %q is not snake_case", o.Slug, d.Slug)
			}
			if c.attrBySlug[d.Slug] != nil {
				return nil, fmt.Errorf("object %s: duplicate attribute %s", o.Slug, d.Slug)
			}
			a := c.addAttr(d, at)
			if a.typ == tRecordRef {
				pending = append(pending, pendingRef{a, d.Targets, d.Relation})
			}
		}
	}
	ws.resolveRefs(pending)
	pending = nil
	for _, l := range sw.Lists {
		id, err := seedUUID(l.ID)
		if err != nil {
			return nil, err
		}
		at, err := seedTime(l.CreatedAt, wsCreated)
		if err != nil {
			return nil, err
		}
		po := ws.object(l.ParentObject)
		if po == nil {
			return nil, fmt.Errorf("list %s: unknown parent %s", l.Slug, l.ParentObject)
		}
		c := newCollection(ws, true, id, l.Slug, at)
		c.name, c.parents, c.access = l.Name, []uuid{po.id}, l.Access
		if c.createdBy, err = seedActor(ws, l.CreatedBy); err != nil {
			return nil, err
		}
		for _, m := range l.MemberAccess {
			c.members = append(c.members, memberAccess{member: mustUUID(m.Member), level: m.Level})
		}
		for _, d := range listSystemAttrs {
			c.addAttr(d, at)
		}
		for _, d := range l.Attributes {
			if !slugRe.MatchString(d.Slug) {
				return nil, fmt.Errorf("list %s: attribute slug %q is not snake_case", l.Slug, d.Slug)
			}
			a := c.addAttr(d, at)
			if a.typ == tRecordRef {
				pending = append(pending, pendingRef{a, d.Targets, d.Relation})
			}
		}
	}
	ws.resolveRefs(pending)
	for _, g := range sw.Records {
		c := ws.object(g.Object)
		if c == nil {
			return nil, fmt.Errorf("records: unknown object %s", g.Object)
		}
		for _, r := range g.Items {
			if err := seedItem(ws, c, r, "values"); err != nil {
				return nil, fmt.Errorf("record %s %s: %w", g.Object, r.ID, err)
			}
		}
	}
	for _, g := range sw.Entries {
		l := ws.list(g.List)
		if l == nil {
			return nil, fmt.Errorf("entries: unknown list %s", g.List)
		}
		for _, r := range g.Items {
			if err := seedItem(ws, l, r, "entry_values"); err != nil {
				return nil, fmt.Errorf("entry %s %s: %w", g.List, r.ID, err)
			}
		}
	}
	if err := seedActivity(ws, sw); err != nil {
		return nil, err
	}
	if err := seedInteractions(ws, sw.Emails, now); err != nil {
		return nil, err
	}
	return ws, nil
}

func seedItem(ws *workspace, c *collection, r seedRecord, key string) error {
	id, err := seedUUID(r.ID)
	if err != nil {
		return err
	}
	at, err := seedTime(r.CreatedAt, ws.createdAt)
	if err != nil {
		return err
	}
	act, err := seedActor(ws, r.CreatedBy)
	if err != nil {
		return err
	}
	it := &item{id: id, createdAt: at, createdBy: act, parentObj: -1}
	if c.isList {
		po := ws.object(r.ParentObject)
		if po == nil {
			return fmt.Errorf("unknown parent object %q", r.ParentObject)
		}
		pid, _ := parseUUID(r.ParentRecord)
		if po.byID[pid] == nil {
			return fmt.Errorf("unknown parent record %q", r.ParentRecord)
		}
		it.parentObj, it.parentRec = int16(po.idx), pid
	}
	plan, aerr := c.planWrite(nil, r.Values, modeCreate, nil, key)
	if aerr != nil {
		return aerr
	}
	c.insert(it)
	c.applyPlan(it, plan, act, at)
	for _, u := range r.Updates {
		uat, err := seedTime(u.At, at)
		if err != nil {
			return err
		}
		uact, err := seedActor(ws, u.By)
		if err != nil {
			return err
		}
		mode := modeAppend
		if u.Mode == "put" {
			mode = modeOverwrite
		}
		plan, aerr := c.planWrite(it, u.Values, mode, nil, key)
		if aerr != nil {
			return aerr
		}
		c.applyPlan(it, plan, uact, uat)
	}
	return nil
}

func seedActivity(ws *workspace, sw *seedWorkspace) error {
	refObj := func(slug string) (int, error) {
		o := ws.object(slug)
		if o == nil {
			return 0, fmt.Errorf("unknown object %q", slug)
		}
		return o.idx, nil
	}
	for _, m := range sw.Meetings {
		id, err := seedUUID(m.ID)
		if err != nil {
			return err
		}
		mt := &meeting{id: id, title: m.Title, description: m.Description, allDay: m.AllDay}
		if mt.createdAt, err = seedTime(m.CreatedAt, ws.createdAt); err != nil {
			return err
		}
		if mt.createdBy, err = seedActor(ws, m.CreatedBy); err != nil {
			return err
		}
		for i, t := range []seedMeetingTime{m.Start, m.End} {
			x := meetingTime{date: t.Date, datetime: t.Datetime, tz: t.Timezone}
			if t.Datetime != "" {
				n, ok := coerceTimestamp(t.Datetime)
				if !ok {
					return fmt.Errorf("meeting %s: bad datetime", m.ID)
				}
				x.at = n
			}
			if i == 0 {
				mt.start = x
			} else {
				mt.end = x
			}
		}
		for _, p := range m.Parts {
			mt.parts = append(mt.parts, participant{status: p.Status, organizer: p.Organizer, email: p.Email})
		}
		for _, l := range m.Linked {
			oi, err := refObj(l.Object)
			if err != nil {
				return err
			}
			mt.linked = append(mt.linked, linkedRecord{obj: oi, rec: mustUUID(l.RecordID)})
		}
		for _, r := range m.Recordings {
			rid, err := seedUUID(r.ID)
			if err != nil {
				return err
			}
			rec := &recording{id: rid, meeting: mt, status: r.Status}
			if rec.createdAt, err = seedTime(r.CreatedAt, mt.createdAt); err != nil {
				return err
			}
			if rec.createdBy, err = seedActor(ws, r.CreatedBy); err != nil {
				return err
			}
			for _, s := range r.Transcript {
				rec.transcript = append(rec.transcript, segment{speech: s.Speech, start: s.Start, end: s.End, speaker: s.Speaker})
			}
			mt.recordings = append(mt.recordings, rec)
		}
		ws.meetings = append(ws.meetings, mt)
	}
	for _, n := range sw.Notes {
		id, err := seedUUID(n.ID)
		if err != nil {
			return err
		}
		oi, err := refObj(n.ParentObject)
		if err != nil {
			return err
		}
		nt := &note{id: id, parentObj: oi, parentRec: mustUUID(n.ParentRecord), title: n.Title}
		if nt.createdAt, err = seedTime(n.CreatedAt, ws.createdAt); err != nil {
			return err
		}
		if nt.createdBy, err = seedActor(ws, n.CreatedBy); err != nil {
			return err
		}
		nt.markdown, nt.plain = n.Content, n.Content
		if n.Format == "markdown" {
			nt.plain = markdownToPlain(n.Content)
		}
		if n.MeetingID != "" {
			nt.meetingID = mustUUID(n.MeetingID)
		}
		for _, t := range n.Tags {
			if t.Type == "workspace-member" {
				nt.tags = append(nt.tags, noteTag{member: mustUUID(t.Member)})
			} else {
				nt.tags = append(nt.tags, noteTag{obj: t.Object, rec: mustUUID(t.RecordID)})
			}
		}
		ws.notes = append(ws.notes, nt)
	}
	sortNotes(ws.notes)
	for _, t := range sw.Tasks {
		id, err := seedUUID(t.ID)
		if err != nil {
			return err
		}
		tk := &task{id: id, content: t.Content, completed: t.Completed}
		if t.Deadline != "" {
			n, ok := coerceTimestamp(t.Deadline)
			if !ok {
				return fmt.Errorf("task %s: bad deadline", t.ID)
			}
			tk.deadline = fmtTS(n)
		}
		if tk.createdAt, err = seedTime(t.CreatedAt, ws.createdAt); err != nil {
			return err
		}
		if tk.completed {
			tk.completedAt = tk.createdAt // the seed has no completion times: completed when created
		}
		if tk.createdBy, err = seedActor(ws, t.CreatedBy); err != nil {
			return err
		}
		for _, l := range t.Linked {
			oi, err := refObj(l.Object)
			if err != nil {
				return err
			}
			tk.linked = append(tk.linked, linkedRecord{obj: oi, rec: mustUUID(l.RecordID)})
		}
		for _, a := range t.Assignees {
			tk.assignees = append(tk.assignees, mustUUID(a))
		}
		ws.tasks = append(ws.tasks, tk)
	}
	sort.SliceStable(ws.tasks, func(i, j int) bool { return ws.tasks[i].createdAt < ws.tasks[j].createdAt })
	for _, t := range sw.Threads {
		id, err := seedUUID(t.ID)
		if err != nil {
			return err
		}
		th := &thread{id: id, list: -1}
		if th.createdAt, err = seedTime(t.CreatedAt, ws.createdAt); err != nil {
			return err
		}
		switch {
		case t.Record != nil:
			oi, err := refObj(t.Record.Object)
			if err != nil {
				return err
			}
			th.recObj, th.rec = oi, mustUUID(t.Record.RecordID)
		case t.Entry != nil:
			l := ws.list(t.Entry.List)
			if l == nil {
				return fmt.Errorf("thread %s: unknown list", t.ID)
			}
			e := l.byID[mustUUID(t.Entry.EntryID)]
			if e == nil {
				return fmt.Errorf("thread %s: unknown entry", t.ID)
			}
			th.list, th.entry, th.recObj, th.rec = l.idx, e.id, int(e.parentObj), e.parentRec
		default:
			return fmt.Errorf("thread %s: needs record or entry", t.ID)
		}
		for _, c := range t.Comments {
			cid, err := seedUUID(c.ID)
			if err != nil {
				return err
			}
			cm := &comment{id: cid, thread: th, content: c.Content, author: mustUUID(c.Author)}
			if cm.createdAt, err = seedTime(c.CreatedAt, th.createdAt); err != nil {
				return err
			}
			if c.ResolvedAt != "" {
				if cm.resolvedAt, err = seedTime(c.ResolvedAt, 0); err != nil {
					return err
				}
				if cm.resolvedBy, err = seedActor(ws, c.ResolvedBy); err != nil {
					return err
				}
			}
			th.comments = append(th.comments, cm)
			ws.comments[cm.id] = cm
		}
		ws.threads = append(ws.threads, th)
	}
	for _, h := range sw.Webhooks {
		id, err := seedUUID(h.ID)
		if err != nil {
			return err
		}
		wh := &webhook{id: id, target: h.TargetURL, subs: h.Subscriptions, status: h.Status, secret: h.Secret}
		if wh.status == "" {
			wh.status = "active"
		}
		if wh.subs == nil {
			wh.subs = []byte("[]")
		}
		if wh.createdAt, err = seedTime(h.CreatedAt, ws.createdAt); err != nil {
			return err
		}
		ws.webhooks = append(ws.webhooks, wh)
	}
	return nil
}
