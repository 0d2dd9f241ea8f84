package sandbox

import (
	"net/http"
	"slices"
	"strings"
)

// Meeting and call recording writes, as Attio's March 2026 document has them (all in alpha at
// Attio): POST /v2/meetings finds the meeting with the body's external_ref or creates it; POST
// .../call_recordings takes a public https .mp4 URL that Attio downloads later (the sandbox keeps
// the recording "processing", with no transcript); DELETE answers 204. New participant addresses
// do not create people or companies here, unlike Attio.

func meetingWriteRoutes(rs *routes) {
	rs.write("POST", "/v2/meetings", hCreateMeeting)
	rs.write("POST", "/v2/meetings/{meeting_id}/call_recordings", hCreateRecording)
	rs.withStatus("DELETE", "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}", http.StatusNoContent, hDeleteRecording)
}

func hCreateMeeting(rc *reqCtx) ([]byte, *apiError) {
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	ref, err := meetingExternalRef(d["external_ref"])
	if err != nil {
		return nil, err
	}
	for _, m := range rc.ws.meetings {
		if m.externalRef == ref {
			return dataOne(func(w *jw) { rc.ws.writeMeeting(w, m) }), nil
		}
	}
	m := &meeting{id: newUUID(), externalRef: ref, createdBy: rc.actor, createdAt: rc.now}
	if m.title, err = reqString(d, "title", "data"); err != nil {
		return nil, err
	}
	if m.description, err = reqString(d, "description", "data"); err != nil {
		return nil, err
	}
	allDay, ok, err := optBool(d, "is_all_day", "data")
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, bodyError([]any{"data", "is_all_day"}, "Required")
	}
	m.allDay = allDay
	for _, k := range []string{"start", "end"} {
		t, err := meetingTimeOf(d[k], allDay, k)
		if err != nil {
			return nil, err
		}
		if k == "start" {
			m.start = t
		} else {
			m.end = t
		}
	}
	parts, ok := d["participants"].([]any)
	if !ok {
		return nil, bodyError([]any{"data", "participants"}, "Required")
	}
	for i, x := range parts {
		p, _ := x.(map[string]any)
		email, _ := p["email_address"].(string)
		status, _ := p["status"].(string)
		if email == "" || !slices.Contains([]string{"accepted", "tentative", "declined", "pending"}, status) {
			return nil, bodyError([]any{"data", "participants", i}, "Expected email_address and a status of accepted, tentative, declined or pending")
		}
		organizer := p["is_organizer"] == true || p["is_organizer"] == "true"
		m.parts = append(m.parts, participant{status: status, organizer: organizer, email: email})
	}
	links, _ := d["linked_records"].([]any)
	for i, x := range links {
		l, _ := x.(map[string]any)
		slug, _ := l["object"].(string)
		o := rc.ws.object(slug)
		if o == nil {
			return nil, notFound("Object with slug/ID \"%s\" not found.", slug)
		}
		id, _ := l["record_id"].(string)
		u, ok := parseUUID(id)
		if !ok || o.byID[u] == nil {
			return nil, bodyError([]any{"data", "linked_records", i, "record_id"}, "Record not found")
		}
		m.linked = append(m.linked, linkedRecord{obj: o.idx, rec: u})
	}
	rc.ws.meetings = append(rc.ws.meetings, m)
	return dataOne(func(w *jw) { rc.ws.writeMeeting(w, m) }), nil
}

// meetingExternalRef is the find-or-create key: the string itself, or the calendar event's
// provider, iCalendar UID and original start.
func meetingExternalRef(v any) (string, *apiError) {
	switch r := v.(type) {
	case string:
		if r != "" {
			return "id:" + r, nil
		}
	case map[string]any:
		uid, _ := r["ical_uid"].(string)
		provider, _ := r["provider"].(string)
		_, recurring := r["is_recurring"].(bool)
		start, _ := r["original_start_time"].(string)
		if uid != "" && (provider == "google" || provider == "microsoft") && recurring {
			return "ical:" + provider + ":" + uid + ":" + start, nil
		}
	}
	return "", bodyError([]any{"data", "external_ref"}, "Expected a non-empty string or {ical_uid, provider, is_recurring}")
}

func meetingTimeOf(v any, allDay bool, key string) (meetingTime, *apiError) {
	m, ok := v.(map[string]any)
	if !ok {
		return meetingTime{}, bodyError([]any{"data", key}, "Required")
	}
	if allDay {
		date, _ := m["date"].(string)
		if _, ok := coerceDate(date); !ok || len(m) != 1 {
			return meetingTime{}, bodyError([]any{"data", key}, "All-day meetings take {date: YYYY-MM-DD}")
		}
		return meetingTime{date: date}, nil
	}
	dt, _ := m["datetime"].(string)
	at, ok := coerceTimestamp(dt)
	if !ok {
		return meetingTime{}, bodyError([]any{"data", key, "datetime"}, "Invalid ISO 8601 datetime")
	}
	tz, _ := m["timezone"].(string)
	return meetingTime{datetime: fmtTS(at), tz: tz, at: at}, nil
}

func hCreateRecording(rc *reqCtx) ([]byte, *apiError) {
	m, err := rc.meetingParam()
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	u, err := reqString(d, "video_url", "data")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(u, "https://") || !strings.HasSuffix(strings.ToLower(strings.SplitN(u, "?", 2)[0]), ".mp4") {
		return nil, bodyError([]any{"data", "video_url"}, "The video URL must use https and point at an .mp4 file")
	}
	r := &recording{id: newUUID(), meeting: m, status: "processing", createdBy: rc.actor, createdAt: rc.now}
	m.recordings = append(m.recordings, r)
	return dataOne(func(w *jw) { rc.ws.writeRecording(w, r) }), nil
}

func hDeleteRecording(rc *reqCtx) ([]byte, *apiError) {
	r, err := rc.recordingParam()
	if err != nil {
		return nil, err
	}
	m := r.meeting
	for i, x := range m.recordings {
		if x == r {
			m.recordings = append(m.recordings[:i], m.recordings[i+1:]...)
			break
		}
	}
	return nil, nil
}
