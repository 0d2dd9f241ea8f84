package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

func newMeeting(ref string) *attiov1.CreateMeetingRequest {
	return &attiov1.CreateMeetingRequest{
		Title: "Sync", Description: "Weekly sync",
		Start: &attiov1.MeetingTime{Time: &attiov1.MeetingTime_Datetime{Datetime: timestamppb.New(time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC))}, Timezone: proto.String("Europe/London")},
		End:   &attiov1.MeetingTime{Time: &attiov1.MeetingTime_Datetime{Datetime: timestamppb.New(time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC))}},
		Participants: []*attiov1.MeetingParticipantInput{
			{EmailAddress: "ada@example.com", IsOrganizer: true, Status: attiov1.ParticipantStatus_PARTICIPANT_STATUS_ACCEPTED},
		},
		LinkedRecords: []*attiov1.MeetingLinkedRecordInput{{Object: "people", RecordId: seedAda}},
		ExternalRef:   &attiov1.MeetingExternalRef{Ref: &attiov1.MeetingExternalRef_Id{Id: ref}},
	}
}

func TestMeetingAndCallRecordingWrites(t *testing.T) {
	eachClient(t, attiov1connect.NewMeetingServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.MeetingServiceClient, h *harness, p protocol) {
		created, err := c.CreateMeeting(ctx, newMeeting("sync-1"))
		if err != nil {
			t.Fatal(err)
		}
		m := created.GetMeeting()
		if m.GetTitle() != "Sync" || m.GetIsAllDay() || m.GetStart().GetTimezone() != "Europe/London" || m.GetEnd().Timezone != nil ||
			len(m.GetParticipants()) != 1 || !m.GetParticipants()[0].GetIsOrganizer() ||
			len(m.GetLinkedRecords()) != 1 || m.GetLinkedRecords()[0].GetRecordId() != seedAda {
			t.Fatalf("CreateMeeting = %v", m)
		}
		wantTime(t, "start", m.GetStart().GetDatetime(), "2026-03-02T15:00:00Z")
		// Find or create: the same external_ref finds the meeting.
		again, err := c.CreateMeeting(ctx, newMeeting("sync-1"))
		if err != nil {
			t.Fatal(err)
		}
		if again.GetMeeting().GetId().GetMeetingId() != m.GetId().GetMeetingId() {
			t.Fatalf("same external_ref, new meeting %v", again.GetMeeting().GetId())
		}
		got, err := c.GetMeeting(ctx, &attiov1.GetMeetingRequest{MeetingId: m.GetId().GetMeetingId()})
		if err != nil || !proto.Equal(got.GetMeeting(), m) {
			t.Fatalf("GetMeeting = %v, %v; want %v", got.GetMeeting(), err, m)
		}
		allDay, err := c.CreateMeeting(ctx, &attiov1.CreateMeetingRequest{
			Title: "Offsite", IsAllDay: true,
			Start: &attiov1.MeetingTime{Time: &attiov1.MeetingTime_Date{Date: "2026-04-01"}},
			End:   &attiov1.MeetingTime{Time: &attiov1.MeetingTime_Date{Date: "2026-04-03"}},
			ExternalRef: &attiov1.MeetingExternalRef{Ref: &attiov1.MeetingExternalRef_CalendarEvent{CalendarEvent: &attiov1.CalendarEventRef{
				IcalUid: "offsite@google.com", Provider: attiov1.CalendarProvider_CALENDAR_PROVIDER_GOOGLE}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if a := allDay.GetMeeting(); !a.GetIsAllDay() || a.GetStart().GetDate() != "2026-04-01" || a.GetId().GetMeetingId() == m.GetId().GetMeetingId() {
			t.Fatalf("all-day meeting = %v", a)
		}
		for name, req := range map[string]*attiov1.CreateMeetingRequest{
			"date on a timed meeting": func() *attiov1.CreateMeetingRequest {
				r := newMeeting("x")
				r.Start = &attiov1.MeetingTime{Time: &attiov1.MeetingTime_Date{Date: "2026-04-01"}}
				return r
			}(),
			"no external_ref": func() *attiov1.CreateMeetingRequest { r := newMeeting("x"); r.ExternalRef = nil; return r }(),
			"no status": func() *attiov1.CreateMeetingRequest {
				r := newMeeting("x")
				r.Participants[0].Status = attiov1.ParticipantStatus_PARTICIPANT_STATUS_UNSPECIFIED
				return r
			}(),
		} {
			t.Run(name, func(t *testing.T) {
				wantLocalInvalid(t, h, func() error { _, err := c.CreateMeeting(ctx, req); return err })
			})
		}

		rec, err := c.CreateCallRecording(ctx, &attiov1.CreateCallRecordingRequest{MeetingId: m.GetId().GetMeetingId(), VideoUrl: "https://cdn.example.com/sync.mp4"})
		if err != nil {
			t.Fatal(err)
		}
		r := rec.GetCallRecording()
		if r.GetStatus() != attiov1.CallRecordingStatus_CALL_RECORDING_STATUS_PROCESSING || r.GetId().GetMeetingId() != m.GetId().GetMeetingId() || r.GetWebUrl() == "" {
			t.Fatalf("CreateCallRecording = %v", r)
		}
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateCallRecording(ctx, &attiov1.CreateCallRecordingRequest{MeetingId: m.GetId().GetMeetingId(), VideoUrl: "http://cdn.example.com/sync.mp4"})
			return err
		})
		// Attio refuses what is not an .mp4 (the facade cannot know a URL's content).
		_, err = c.CreateCallRecording(ctx, &attiov1.CreateCallRecordingRequest{MeetingId: m.GetId().GetMeetingId(), VideoUrl: "https://cdn.example.com/sync.mov"})
		wantCode(t, err, connect.CodeInvalidArgument)
		_, err = c.CreateCallRecording(ctx, &attiov1.CreateCallRecordingRequest{MeetingId: unknownID, VideoUrl: "https://cdn.example.com/sync.mp4"})
		wantCode(t, err, connect.CodeNotFound)

		del := &attiov1.DeleteCallRecordingRequest{MeetingId: m.GetId().GetMeetingId(), CallRecordingId: r.GetId().GetCallRecordingId()}
		if _, err := c.DeleteCallRecording(ctx, del); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetCallRecording(ctx, &attiov1.GetCallRecordingRequest{MeetingId: del.GetMeetingId(), CallRecordingId: del.GetCallRecordingId()})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.DeleteCallRecording(ctx, del)
		wantCode(t, err, connect.CodeNotFound)
	})
}

// The new writes go through the approval flow like every other: a writer needs an approval, a
// delete's summary names what exists now, and auto-approval never covers deletes.
func TestMeetingWritesNeedApproval(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	c := attiov1connect.NewMeetingServiceClient(g.rpc(protocols[0]))
	_, err := c.CreateMeeting(caller(writerKey), newMeeting("approved-1"))
	if need := approvalRequired(t, err); !strings.Contains(need.GetSummary(), "CreateMeeting") {
		t.Fatalf("summary %q", need.GetSummary())
	}
	_, err = c.CreateMeeting(caller(readerKey), newMeeting("approved-1"))
	wantCode(t, err, connect.CodePermissionDenied)
	created, err := c.CreateMeeting(caller(batchKey), newMeeting("approved-1"))
	if err != nil {
		t.Fatalf("auto-approved create: %v", err)
	}
	rec, err := c.CreateCallRecording(caller(batchKey), &attiov1.CreateCallRecordingRequest{
		MeetingId: created.GetMeeting().GetId().GetMeetingId(), VideoUrl: "https://cdn.example.com/a.mp4"})
	if err != nil {
		t.Fatalf("auto-approved recording: %v", err)
	}
	del := &attiov1.DeleteCallRecordingRequest{MeetingId: created.GetMeeting().GetId().GetMeetingId(), CallRecordingId: rec.GetCallRecording().GetId().GetCallRecordingId()}
	_, err = c.DeleteCallRecording(caller(batchKey), del)
	need := approvalRequired(t, err)
	current := map[string]string{}
	for _, c := range need.GetChanges() {
		current[c.GetField()] = c.GetBefore()
	}
	if !strings.Contains(need.GetSummary(), "permanently deletes") || !strings.Contains(current["status"], "PROCESSING") || current["web_url"] == "" {
		t.Fatalf("delete approval does not show the recording as it is now: %q %v", need.GetSummary(), current)
	}
	if _, err := c.GetCallRecording(caller(readerKey), &attiov1.GetCallRecordingRequest{MeetingId: del.GetMeetingId(), CallRecordingId: del.GetCallRecordingId()}); err != nil {
		t.Fatalf("the recording is gone without an approval: %v", err)
	}
}
