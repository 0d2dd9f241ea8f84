package server

import (
	"context"
	"strings"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// MeetingService serves attio.v1.MeetingService. Meetings, recordings and transcripts are cursor
// listings upstream; their page tokens carry Attio's cursor.
type MeetingService struct {
	client *attio.Client
}

var _ attiov1connect.MeetingServiceHandler = (*MeetingService)(nil)

const (
	defaultMeetingPage         = 50
	defaultMeetingStreamPage   = 200
	defaultRecordingPage       = 50
	defaultRecordingStreamPage = 200
)

var meetingSorts = wireNames[attiov1.MeetingSort](snakeCase)

var participantStatuses = wireNames[attiov1.ParticipantStatus](snakeCase)

var callRecordingStatuses = wireNames[attiov1.CallRecordingStatus](snakeCase)

// meetings is the meetings the filter selects, in upstream pages.
func (s *MeetingService) meetings(f *attiov1.MeetingFilter, sort attiov1.MeetingSort) filtered[attio.MeetingQuery, attio.Meeting] {
	return filtered[attio.MeetingQuery, attio.Meeting]{
		query: func(size int, pos pageToken) (attio.MeetingQuery, error) {
			return meetingQuery(f, sort, size, pos.Cursor)
		},
		fetch: s.client.ListMeetingsPage,
	}
}

func meetingQuery(f *attiov1.MeetingFilter, sort attiov1.MeetingSort, limit int, cursor string) (attio.MeetingQuery, error) {
	if err := requirePair("linked_object", f.GetLinkedObject(), "linked_record_id", f.GetLinkedRecordId()); err != nil {
		return attio.MeetingQuery{}, err
	}
	return attio.MeetingQuery{
		Limit:          limit,
		Cursor:         cursor,
		LinkedObject:   f.GetLinkedObject(),
		LinkedRecordID: f.GetLinkedRecordId(),
		Participants:   strings.Join(f.GetParticipants(), ","),
		Sort:           enumName(meetingSorts, sort),
		EndsFrom:       fromTimestamp(f.GetEndsFrom()),
		StartsBefore:   fromTimestamp(f.GetStartsBefore()),
		Timezone:       f.GetTimezone(),
	}, nil
}

// ListMeetings returns one page of meetings.
func (s *MeetingService) ListMeetings(ctx context.Context, req *attiov1.ListMeetingsRequest) (*attiov1.ListMeetingsResponse, error) {
	meetings, next, err := s.meetings(req.GetFilter(), req.GetSort()).page(ctx, attiov1connect.MeetingServiceListMeetingsProcedure, req, defaultMeetingPage)
	return reply(err, func() *attiov1.ListMeetingsResponse {
		return &attiov1.ListMeetingsResponse{Meetings: toMeetings(meetings), NextPageToken: next}
	})
}

// StreamMeetings walks every matching meeting, one message per upstream page.
func (s *MeetingService) StreamMeetings(ctx context.Context, req *attiov1.StreamMeetingsRequest, stream attiov1connect.MeetingServiceStreamMeetingsServerStream) error {
	return streamFiltered(ctx, s.meetings(req.GetFilter(), req.GetSort()), attiov1connect.MeetingServiceStreamMeetingsProcedure, req, defaultMeetingStreamPage, stream.Send,
		func(items []attio.Meeting, resume string) *attiov1.StreamMeetingsResponse {
			return &attiov1.StreamMeetingsResponse{Meetings: toMeetings(items), ResumeToken: resume}
		})
}

// GetMeeting returns one meeting.
func (s *MeetingService) GetMeeting(ctx context.Context, req *attiov1.GetMeetingRequest) (*attiov1.GetMeetingResponse, error) {
	m, err := s.client.GetMeeting(ctx, req.GetMeetingId())
	return reply(err, func() *attiov1.GetMeetingResponse { return &attiov1.GetMeetingResponse{Meeting: toMeeting(&m)} })
}

// recordings is a meeting's call recordings, in upstream pages.
func (s *MeetingService) recordings(meetingID string) filtered[attio.CursorQuery, attio.CallRecording] {
	return filtered[attio.CursorQuery, attio.CallRecording]{
		query: func(size int, pos pageToken) (attio.CursorQuery, error) {
			return attio.CursorQuery{Limit: size, Cursor: pos.Cursor}, nil
		},
		fetch: func(ctx context.Context, q attio.CursorQuery) (attio.Page[attio.CallRecording], error) {
			return s.client.ListCallRecordingsPage(ctx, meetingID, q)
		},
	}
}

// ListCallRecordings returns one page of a meeting's recordings.
func (s *MeetingService) ListCallRecordings(ctx context.Context, req *attiov1.ListCallRecordingsRequest) (*attiov1.ListCallRecordingsResponse, error) {
	recordings, next, err := s.recordings(req.GetMeetingId()).page(ctx, attiov1connect.MeetingServiceListCallRecordingsProcedure, req, defaultRecordingPage)
	return reply(err, func() *attiov1.ListCallRecordingsResponse {
		return &attiov1.ListCallRecordingsResponse{CallRecordings: toCallRecordings(recordings), NextPageToken: next}
	})
}

// StreamCallRecordings walks all of a meeting's recordings, one message per upstream page.
func (s *MeetingService) StreamCallRecordings(ctx context.Context, req *attiov1.StreamCallRecordingsRequest, stream attiov1connect.MeetingServiceStreamCallRecordingsServerStream) error {
	return streamFiltered(ctx, s.recordings(req.GetMeetingId()), attiov1connect.MeetingServiceStreamCallRecordingsProcedure, req, defaultRecordingStreamPage, stream.Send,
		func(items []attio.CallRecording, resume string) *attiov1.StreamCallRecordingsResponse {
			return &attiov1.StreamCallRecordingsResponse{CallRecordings: toCallRecordings(items), ResumeToken: resume}
		})
}

// GetCallRecording returns one recording.
func (s *MeetingService) GetCallRecording(ctx context.Context, req *attiov1.GetCallRecordingRequest) (*attiov1.GetCallRecordingResponse, error) {
	r, err := s.client.GetCallRecording(ctx, req.GetMeetingId(), req.GetCallRecordingId())
	return reply(err, func() *attiov1.GetCallRecordingResponse {
		return &attiov1.GetCallRecordingResponse{CallRecording: toCallRecording(&r)}
	})
}

// GetCallTranscript returns one page of a transcript (Attio fixes the page size).
func (s *MeetingService) GetCallTranscript(ctx context.Context, req *attiov1.GetCallTranscriptRequest) (*attiov1.GetCallTranscriptResponse, error) {
	p := newPager(ctx, attiov1connect.MeetingServiceGetCallTranscriptProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	tp, err := s.client.GetTranscriptPage(ctx, req.GetMeetingId(), req.GetCallRecordingId(), pos.Cursor)
	if err != nil {
		return nil, upstreamError(err)
	}
	tr := &tp.Transcript
	out := &attiov1.GetCallTranscriptResponse{
		Id:            toCallRecordingID(tr.ID),
		Transcript:    make([]*attiov1.TranscriptSegment, 0, len(tr.Transcript)),
		RawTranscript: tr.RawTranscript,
		WebUrl:        tr.WebURL,
		NextPageToken: nextPageToken(p, attio.Page[attio.TranscriptSegment]{More: tp.NextCursor != "", NextCursor: tp.NextCursor}),
	}
	for _, seg := range tr.Transcript {
		out.Transcript = append(out.Transcript, &attiov1.TranscriptSegment{
			Speech: seg.Speech, StartTime: toDecimal(seg.StartTime), EndTime: toDecimal(seg.EndTime), SpeakerName: seg.Speaker.Name,
		})
	}
	return out, nil
}

// toMeetingTime keeps the form Attio sent: a date for all-day meetings, else a point in time.
func toMeetingTime(t attio.MeetingTime) *attiov1.MeetingTime {
	out := &attiov1.MeetingTime{Timezone: t.Timezone}
	switch {
	case t.Date != "":
		out.Time = &attiov1.MeetingTime_Date{Date: t.Date}
	case t.Datetime != "":
		out.Time = &attiov1.MeetingTime_Datetime{Datetime: toTimestamp(t.Datetime)}
	}
	return out
}

func toMeeting(m *attio.Meeting) *attiov1.Meeting {
	x := extrasOf(m.Extra)
	out := &attiov1.Meeting{
		Id:             &attiov1.MeetingId{WorkspaceId: m.ID.WorkspaceID, MeetingId: m.ID.MeetingID},
		Title:          m.Title,
		Description:    m.Description,
		IsAllDay:       m.IsAllDay,
		Start:          toMeetingTime(m.Start),
		End:            toMeetingTime(m.End),
		Participants:   make([]*attiov1.Participant, 0, len(m.Participants)),
		LinkedRecords:  make([]*attiov1.MeetingLinkedRecord, 0, len(m.LinkedRecords)),
		CreatedAt:      x.time("created_at", m.CreatedAt),
		CreatedByActor: toActor(&m.CreatedByActor),
	}
	for _, p := range m.Participants {
		out.Participants = append(out.Participants, &attiov1.Participant{
			EmailAddress: p.EmailAddress, IsOrganizer: p.IsOrganizer, Status: enumOf(participantStatuses, p.Status),
		})
	}
	for _, l := range m.LinkedRecords {
		out.LinkedRecords = append(out.LinkedRecords, &attiov1.MeetingLinkedRecord{ObjectSlug: l.ObjectSlug, ObjectId: l.ObjectID, RecordId: l.RecordID})
	}
	out.ExtraJson = x.json()
	return out
}

func toMeetings(ms []attio.Meeting) []*attiov1.Meeting {
	out := make([]*attiov1.Meeting, 0, len(ms))
	for i := range ms {
		out = append(out, toMeeting(&ms[i]))
	}
	return out
}

func toCallRecordingID(id attio.CallRecordingID) *attiov1.CallRecordingId {
	return &attiov1.CallRecordingId{WorkspaceId: id.WorkspaceID, MeetingId: id.MeetingID, CallRecordingId: id.CallRecordingID}
}

func toCallRecording(r *attio.CallRecording) *attiov1.CallRecording {
	x := extrasOf(r.Extra)
	return &attiov1.CallRecording{
		Id:             toCallRecordingID(r.ID),
		Status:         enumOf(callRecordingStatuses, r.Status),
		WebUrl:         r.WebURL,
		CreatedByActor: toActor(&r.CreatedByActor),
		CreatedAt:      x.time("created_at", r.CreatedAt),
		ExtraJson:      x.json(),
	}
}

func toCallRecordings(rs []attio.CallRecording) []*attiov1.CallRecording {
	out := make([]*attiov1.CallRecording, 0, len(rs))
	for i := range rs {
		out = append(out, toCallRecording(&rs[i]))
	}
	return out
}
