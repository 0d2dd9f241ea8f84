package sandbox

import (
	"fmt"
	"sort"
	"time"
)

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
	if err := seedEmails(ws, sw.Emails); err != nil {
		return nil, err
	}
	if err := seedViews(ws, sw.Views); err != nil {
		return nil, err
	}
	if err := seedFiles(ws, sw.Files); err != nil {
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
