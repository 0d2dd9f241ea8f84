package server

import (
	"context"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

var calendarProviders = wireNames[attiov1.CalendarProvider](snakeCase)

// CreateMeeting finds the meeting with the request's external_ref or creates it.
func (s *MeetingService) CreateMeeting(ctx context.Context, req *attiov1.CreateMeetingRequest) (*attiov1.CreateMeetingResponse, error) {
	start, err := meetingTimeInput("start", req.GetStart(), req.GetIsAllDay())
	if err != nil {
		return nil, err
	}
	end, err := meetingTimeInput("end", req.GetEnd(), req.GetIsAllDay())
	if err != nil {
		return nil, err
	}
	in := attio.MeetingInput{
		Title: req.GetTitle(), Description: req.GetDescription(), Start: start, End: end, IsAllDay: req.GetIsAllDay(),
		Participants: make([]attio.MeetingParticipantInput, 0, len(req.GetParticipants())),
	}
	for _, p := range req.GetParticipants() {
		in.Participants = append(in.Participants, attio.MeetingParticipantInput{
			EmailAddress: p.GetEmailAddress(), IsOrganizer: p.GetIsOrganizer(), Status: enumName(participantStatuses, p.GetStatus()),
		})
	}
	for _, l := range req.GetLinkedRecords() {
		in.LinkedRecords = append(in.LinkedRecords, attio.MeetingLinkInput{Object: l.GetObject(), RecordID: l.GetRecordId()})
	}
	switch ref := req.GetExternalRef().GetRef().(type) {
	case *attiov1.MeetingExternalRef_Id:
		in.ExternalRef = ref.Id
	case *attiov1.MeetingExternalRef_CalendarEvent:
		ev := ref.CalendarEvent
		in.ExternalRef = &attio.MeetingCalendarRef{ICalUID: ev.GetIcalUid(), Provider: enumName(calendarProviders, ev.GetProvider()),
			OriginalStartTime: ev.GetOriginalStartTime(), IsRecurring: ev.GetIsRecurring()}
	}
	m, err := s.client.CreateMeeting(ctx, in)
	return reply(err, func() *attiov1.CreateMeetingResponse { return &attiov1.CreateMeetingResponse{Meeting: toMeeting(&m)} })
}

// meetingTimeInput is a boundary in Attio's form: all-day meetings take dates, others datetimes.
func meetingTimeInput(field string, t *attiov1.MeetingTime, allDay bool) (attio.MeetingTimeInput, error) {
	switch v := t.GetTime().(type) {
	case *attiov1.MeetingTime_Date:
		if !allDay {
			return attio.MeetingTimeInput{}, invalidArgument(field + ": a date is for all-day meetings; set datetime")
		}
		if _, err := time.Parse(time.DateOnly, v.Date); err != nil {
			return attio.MeetingTimeInput{}, invalidArgument(field + ".date: want YYYY-MM-DD")
		}
		return attio.MeetingTimeInput{Date: v.Date}, nil
	case *attiov1.MeetingTime_Datetime:
		if allDay {
			return attio.MeetingTimeInput{}, invalidArgument(field + ": an all-day meeting takes a date, not a datetime")
		}
		return attio.MeetingTimeInput{Datetime: fromTimestamp(v.Datetime), Timezone: t.Timezone}, nil
	}
	return attio.MeetingTimeInput{}, invalidArgument(field + ": one of datetime or date is required")
}

// CreateCallRecording adds a recording to a meeting from a video URL.
func (s *MeetingService) CreateCallRecording(ctx context.Context, req *attiov1.CreateCallRecordingRequest) (*attiov1.CreateCallRecordingResponse, error) {
	r, err := s.client.CreateCallRecording(ctx, req.GetMeetingId(), req.GetVideoUrl())
	return reply(err, func() *attiov1.CreateCallRecordingResponse {
		return &attiov1.CreateCallRecordingResponse{CallRecording: toCallRecording(&r)}
	})
}

// DeleteCallRecording deletes a call recording permanently.
func (s *MeetingService) DeleteCallRecording(ctx context.Context, req *attiov1.DeleteCallRecordingRequest) (*attiov1.DeleteCallRecordingResponse, error) {
	if err := s.client.DeleteCallRecording(ctx, req.GetMeetingId(), req.GetCallRecordingId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteCallRecordingResponse{}, nil
}
