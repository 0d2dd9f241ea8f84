package sandbox

import (
	"sort"
	"strings"
	"time"
)

func meetingRoutes(rs *routes) {
	rs.read("GET", "/v2/meetings", hListMeetings)
	rs.read("GET", "/v2/meetings/{meeting_id}", hGetMeeting)
	rs.read("GET", "/v2/meetings/{meeting_id}/call_recordings", hListRecordings)
	rs.read("GET", "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}", hGetRecording)
	rs.read("GET", "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript", hTranscript)
}

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
	return cursorPage(rc, rc.queryScope("meetings"), list, limit, ws.writeMeeting)
}

func (rc *reqCtx) meetingParam() (*meeting, *apiError) {
	id := rc.param("meeting_id")
	u, _ := parseUUID(id)
	m := rc.ws.meeting(u)
	if m == nil {
		return nil, notFound("Meeting with ID \"%s\" was not found.", id)
	}
	return m, nil
}

func hGetMeeting(rc *reqCtx) ([]byte, *apiError) { return getWith(rc.meetingParam, rc.ws.writeMeeting) }

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
	return cursorPage(rc, "recordings:"+m.id.String(), m.recordings, limit, rc.ws.writeRecording)
}

func (rc *reqCtx) recordingParam() (*recording, *apiError) {
	m, err := rc.meetingParam()
	if err != nil {
		return nil, err
	}
	id := rc.param("call_recording_id")
	u, _ := parseUUID(id)
	for _, r := range m.recordings {
		if r.id == u {
			return r, nil
		}
	}
	return nil, notFound("Call recording with ID \"%s\" was not found.", id)
}

func hGetRecording(rc *reqCtx) ([]byte, *apiError) {
	return getWith(rc.recordingParam, rc.ws.writeRecording)
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
