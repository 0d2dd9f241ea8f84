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

var meetingSorts = map[string]attiov1.MeetingSort{
	"start_asc":  attiov1.MeetingSort_MEETING_SORT_START_ASC,
	"start_desc": attiov1.MeetingSort_MEETING_SORT_START_DESC,
}

var participantStatuses = map[string]attiov1.ParticipantStatus{
	"accepted":  attiov1.ParticipantStatus_PARTICIPANT_STATUS_ACCEPTED,
	"tentative": attiov1.ParticipantStatus_PARTICIPANT_STATUS_TENTATIVE,
	"declined":  attiov1.ParticipantStatus_PARTICIPANT_STATUS_DECLINED,
	"pending":   attiov1.ParticipantStatus_PARTICIPANT_STATUS_PENDING,
}

var callRecordingStatuses = map[string]attiov1.CallRecordingStatus{
	"processing": attiov1.CallRecordingStatus_CALL_RECORDING_STATUS_PROCESSING,
	"completed":  attiov1.CallRecordingStatus_CALL_RECORDING_STATUS_COMPLETED,
	"failed":     attiov1.CallRecordingStatus_CALL_RECORDING_STATUS_FAILED,
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
	p := newPager(ctx, attiov1connect.MeetingServiceListMeetingsProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	q, err := meetingQuery(req.GetFilter(), req.GetSort(), pageSize(req.GetPageSize(), defaultMeetingPage), pos.Cursor)
	if err != nil {
		return nil, err
	}
	page, err := s.client.ListMeetingsPage(ctx, q)
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.ListMeetingsResponse{Meetings: toMeetings(page.Items), NextPageToken: nextPageToken(p, page)}, nil
}

// StreamMeetings walks every matching meeting, one message per upstream page.
func (s *MeetingService) StreamMeetings(ctx context.Context, req *attiov1.StreamMeetingsRequest, stream attiov1connect.MeetingServiceStreamMeetingsServerStream) error {
	p := newPager(ctx, attiov1connect.MeetingServiceStreamMeetingsProcedure, req)
	start, err := p.start(req.GetResumeToken())
	if err != nil {
		return err
	}
	size := pageSize(req.GetPageSize(), defaultMeetingStreamPage)
	if _, err := meetingQuery(req.GetFilter(), req.GetSort(), size, ""); err != nil {
		return err
	}
	return streamPages(bulk(ctx), p, start, size,
		func(ctx context.Context, pos pageToken) (attio.Page[attio.Meeting], error) {
			q, _ := meetingQuery(req.GetFilter(), req.GetSort(), size, pos.Cursor)
			return s.client.ListMeetingsPage(ctx, q)
		},
		func(items []attio.Meeting, resume string) *attiov1.StreamMeetingsResponse {
			return &attiov1.StreamMeetingsResponse{Meetings: toMeetings(items), ResumeToken: resume}
		}, stream.Send)
}

// GetMeeting returns one meeting.
func (s *MeetingService) GetMeeting(ctx context.Context, req *attiov1.GetMeetingRequest) (*attiov1.GetMeetingResponse, error) {
	m, err := s.client.GetMeeting(ctx, req.GetMeetingId())
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.GetMeetingResponse{Meeting: toMeeting(&m)}, nil
}

// ListCallRecordings returns one page of a meeting's recordings.
func (s *MeetingService) ListCallRecordings(ctx context.Context, req *attiov1.ListCallRecordingsRequest) (*attiov1.ListCallRecordingsResponse, error) {
	p := newPager(ctx, attiov1connect.MeetingServiceListCallRecordingsProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	page, err := s.client.ListCallRecordingsPage(ctx, req.GetMeetingId(),
		attio.CursorQuery{Limit: pageSize(req.GetPageSize(), defaultRecordingPage), Cursor: pos.Cursor})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.ListCallRecordingsResponse{CallRecordings: toCallRecordings(page.Items), NextPageToken: nextPageToken(p, page)}, nil
}

// StreamCallRecordings walks all of a meeting's recordings, one message per upstream page.
func (s *MeetingService) StreamCallRecordings(ctx context.Context, req *attiov1.StreamCallRecordingsRequest, stream attiov1connect.MeetingServiceStreamCallRecordingsServerStream) error {
	p := newPager(ctx, attiov1connect.MeetingServiceStreamCallRecordingsProcedure, req)
	start, err := p.start(req.GetResumeToken())
	if err != nil {
		return err
	}
	size := pageSize(req.GetPageSize(), defaultRecordingStreamPage)
	return streamPages(bulk(ctx), p, start, size,
		func(ctx context.Context, pos pageToken) (attio.Page[attio.CallRecording], error) {
			return s.client.ListCallRecordingsPage(ctx, req.GetMeetingId(), attio.CursorQuery{Limit: size, Cursor: pos.Cursor})
		},
		func(items []attio.CallRecording, resume string) *attiov1.StreamCallRecordingsResponse {
			return &attiov1.StreamCallRecordingsResponse{CallRecordings: toCallRecordings(items), ResumeToken: resume}
		}, stream.Send)
}

// GetCallRecording returns one recording.
func (s *MeetingService) GetCallRecording(ctx context.Context, req *attiov1.GetCallRecordingRequest) (*attiov1.GetCallRecordingResponse, error) {
	r, err := s.client.GetCallRecording(ctx, req.GetMeetingId(), req.GetCallRecordingId())
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.GetCallRecordingResponse{CallRecording: toCallRecording(&r)}, nil
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
