package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestMeetingServiceMeetings(t *testing.T) {
	eachClient(t, attiov1connect.NewMeetingServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.MeetingServiceClient, h *harness, p protocol) {
		all, err := c.ListMeetings(ctx, &attiov1.ListMeetingsRequest{})
		wantListed(t, all, err, idsOf(all.GetMeetings(), meetingID), seedMeetings)
		d := all.GetMeetings()[1]
		if d.GetTitle() != "Acme Analytics discovery call" || d.GetDescription() != "Scoping the expansion." || d.GetIsAllDay() ||
			d.GetId().GetWorkspaceId() != sandbox.DefaultWorkspaceID || d.GetStart().GetTimezone() != "Europe/London" ||
			len(d.GetParticipants()) != 2 || d.GetParticipants()[0].GetEmailAddress() != "alice@sandbox.example.com" || !d.GetParticipants()[0].GetIsOrganizer() ||
			d.GetParticipants()[0].GetStatus() != attiov1.ParticipantStatus_PARTICIPANT_STATUS_ACCEPTED ||
			len(d.GetLinkedRecords()) != 2 || d.GetLinkedRecords()[0].GetObjectSlug() != "companies" || d.GetLinkedRecords()[0].GetObjectId() != objectIDs(t, h, p)["companies"] ||
			d.GetLinkedRecords()[0].GetRecordId() != seedAcme || d.GetCreatedByActor().GetId() != sandbox.DefaultMemberID {
			t.Fatalf("discovery meeting = %v", d)
		}
		wantTime(t, "start", d.GetStart().GetDatetime(), "2025-06-10T14:00:00Z")
		wantTime(t, "end", d.GetEnd().GetDatetime(), "2025-06-10T15:00:00Z")
		wantTime(t, "created_at", d.GetCreatedAt(), "2025-06-01T12:00:00Z")
		off := all.GetMeetings()[2]
		if !off.GetIsAllDay() || off.GetStart().GetDate() != "2025-07-01" || off.GetEnd().GetDate() != "2025-07-02" || off.GetStart().GetDatetime() != nil ||
			off.GetParticipants()[0].GetStatus() != attiov1.ParticipantStatus_PARTICIPANT_STATUS_TENTATIVE {
			t.Fatalf("offsite = %v", off)
		}
		if qbr := all.GetMeetings()[0]; qbr.GetParticipants()[0].GetStatus() != attiov1.ParticipantStatus_PARTICIPANT_STATUS_DECLINED {
			t.Fatalf("qbr = %v", qbr)
		}

		got, err := c.GetMeeting(ctx, &attiov1.GetMeetingRequest{MeetingId: seedMeetingOffsite})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "GetMeeting", got.GetMeeting(), off)
		_, err = c.GetMeeting(ctx, &attiov1.GetMeetingRequest{MeetingId: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		for _, tc := range []struct {
			name string
			req  *attiov1.ListMeetingsRequest
			want []string
		}{
			{"latest first", &attiov1.ListMeetingsRequest{Sort: attiov1.MeetingSort_MEETING_SORT_START_DESC}, []string{seedMeetingOffsite, seedMeetingDiscovery, seedMeetingQBR}},
			{"linked record", &attiov1.ListMeetingsRequest{Filter: &attiov1.MeetingFilter{LinkedObject: "companies", LinkedRecordId: seedGlobex}}, []string{seedMeetingQBR}},
			{"participant", &attiov1.ListMeetingsRequest{Filter: &attiov1.MeetingFilter{Participants: []string{"bob@sandbox.example.com"}}}, []string{seedMeetingOffsite}},
			{"time window", &attiov1.ListMeetingsRequest{Filter: &attiov1.MeetingFilter{
				EndsFrom: mustTime(t, "2025-06-01T00:00:00Z"), StartsBefore: mustTime(t, "2025-06-30T00:00:00Z")}}, []string{seedMeetingDiscovery}},
		} {
			res, err := c.ListMeetings(ctx, tc.req)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := idsOf(res.GetMeetings(), meetingID); !slices.Equal(got, tc.want) {
				t.Fatalf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}

		// Cursor pages: the token carries Attio's cursor and is bound to the query.
		wantWalk(t, h, func(ctx context.Context, size int32, token string) ([]string, string, error) {
			res, err := c.ListMeetings(ctx, &attiov1.ListMeetingsRequest{PageSize: size, PageToken: token})
			return idsOf(res.GetMeetings(), meetingID), res.GetNextPageToken(), err
		}, seedMeetings, func(token string) error {
			_, err := c.ListMeetings(ctx, &attiov1.ListMeetingsRequest{PageToken: token, Sort: attiov1.MeetingSort_MEETING_SORT_START_DESC})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListMeetings(ctx, &attiov1.ListMeetingsRequest{Filter: &attiov1.MeetingFilter{LinkedRecordId: seedAcme}})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListMeetings(ctx, &attiov1.ListMeetingsRequest{Filter: &attiov1.MeetingFilter{Participants: []string{"not an email"}}})
			return err
		})

		st, err := c.StreamMeetings(ctx, &attiov1.StreamMeetingsRequest{PageSize: 2})
		msgs, streamed := streamedIDs(t, st, err, func(m *attiov1.StreamMeetingsResponse) []string { return idsOf(m.GetMeetings(), meetingID) })
		if !slices.Equal(streamed, seedMeetings) || len(msgs) != 2 {
			t.Fatalf("streamed %v in %d messages, want %v in 2", streamed, len(msgs), seedMeetings)
		}
		st, err = c.StreamMeetings(ctx, &attiov1.StreamMeetingsRequest{PageSize: 2, ResumeToken: msgs[0].GetResumeToken()})
		_, rest := streamedIDs(t, st, err, func(m *attiov1.StreamMeetingsResponse) []string { return idsOf(m.GetMeetings(), meetingID) })
		if !slices.Equal(rest, seedMeetings[2:]) {
			t.Fatalf("resumed = %v, want %v", rest, seedMeetings[2:])
		}
		// The last page's token says the listing is complete.
		st, err = c.StreamMeetings(ctx, &attiov1.StreamMeetingsRequest{PageSize: 2, ResumeToken: msgs[1].GetResumeToken()})
		if err != nil {
			t.Fatal(err)
		}
		if m := drain(t, st.Receive); len(m) != 0 {
			t.Fatalf("resume after the end = %v", m)
		}
		wantLocalInvalid(t, h, func() error {
			st, err := c.StreamMeetings(ctx, &attiov1.StreamMeetingsRequest{Sort: attiov1.MeetingSort_MEETING_SORT_START_DESC, ResumeToken: msgs[0].GetResumeToken()})
			if err != nil {
				return err
			}
			return streamErr(st.Receive)
		})
	})
}

func TestMeetingServiceRecordings(t *testing.T) {
	eachClient(t, attiov1connect.NewMeetingServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.MeetingServiceClient, h *harness, p protocol) {
		want := []string{seedRecordingDone, seedRecordingPending}

		all, err := c.ListCallRecordings(ctx, &attiov1.ListCallRecordingsRequest{MeetingId: seedMeetingDiscovery})
		wantListed(t, all, err, idsOf(all.GetCallRecordings(), recordingID), want)
		done := all.GetCallRecordings()[0]
		if done.GetStatus() != attiov1.CallRecordingStatus_CALL_RECORDING_STATUS_COMPLETED || done.GetId().GetMeetingId() != seedMeetingDiscovery ||
			done.GetId().GetWorkspaceId() != sandbox.DefaultWorkspaceID || done.GetWebUrl() == "" || done.GetCreatedByActor().GetId() != sandbox.DefaultMemberID {
			t.Fatalf("completed recording = %v", done)
		}
		wantTime(t, "created_at", done.GetCreatedAt(), "2025-06-10T15:05:00Z")
		if all.GetCallRecordings()[1].GetStatus() != attiov1.CallRecordingStatus_CALL_RECORDING_STATUS_PROCESSING {
			t.Fatalf("pending recording = %v", all.GetCallRecordings()[1])
		}
		got, err := c.GetCallRecording(ctx, &attiov1.GetCallRecordingRequest{MeetingId: seedMeetingDiscovery, CallRecordingId: seedRecordingDone})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "GetCallRecording", got.GetCallRecording(), done)
		_, err = c.GetCallRecording(ctx, &attiov1.GetCallRecordingRequest{MeetingId: seedMeetingDiscovery, CallRecordingId: unknownID})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.ListCallRecordings(ctx, &attiov1.ListCallRecordingsRequest{MeetingId: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		page1, err := c.ListCallRecordings(ctx, &attiov1.ListCallRecordingsRequest{MeetingId: seedMeetingDiscovery, PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		page2, err := c.ListCallRecordings(ctx, &attiov1.ListCallRecordingsRequest{MeetingId: seedMeetingDiscovery, PageSize: 1, PageToken: page1.GetNextPageToken()})
		if err != nil {
			t.Fatal(err)
		}
		if walked := idsOf(append(page1.GetCallRecordings(), page2.GetCallRecordings()...), recordingID); !slices.Equal(walked, want) || page2.GetNextPageToken() != "" {
			t.Fatalf("paged recordings = %v (next %q)", walked, page2.GetNextPageToken())
		}
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListCallRecordings(ctx, &attiov1.ListCallRecordingsRequest{MeetingId: seedMeetingQBR, PageToken: page1.GetNextPageToken()})
			return err
		})

		st, err := c.StreamCallRecordings(ctx, &attiov1.StreamCallRecordingsRequest{MeetingId: seedMeetingDiscovery, PageSize: 1})
		msgs, streamed := streamedIDs(t, st, err, func(m *attiov1.StreamCallRecordingsResponse) []string {
			return idsOf(m.GetCallRecordings(), recordingID)
		})
		if !slices.Equal(streamed, want) || len(msgs) != 2 {
			t.Fatalf("streamed %v in %d messages", streamed, len(msgs))
		}
		st, err = c.StreamCallRecordings(ctx, &attiov1.StreamCallRecordingsRequest{MeetingId: seedMeetingDiscovery, PageSize: 1, ResumeToken: msgs[0].GetResumeToken()})
		if err != nil {
			t.Fatal(err)
		}
		if rest := drain(t, st.Receive); len(rest) != 1 || !slices.Equal(idsOf(rest[0].GetCallRecordings(), recordingID), want[1:]) {
			t.Fatalf("resumed = %v", rest)
		}
		st, err = c.StreamCallRecordings(ctx, &attiov1.StreamCallRecordingsRequest{MeetingId: unknownID})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, streamErr(st.Receive), connect.CodeNotFound)
		wantLocalInvalid(t, h, func() error {
			st, err := c.StreamCallRecordings(ctx, &attiov1.StreamCallRecordingsRequest{MeetingId: "m1"})
			if err != nil {
				return err
			}
			return streamErr(st.Receive)
		})
	})
}

func TestMeetingServiceTranscript(t *testing.T) {
	eachClient(t, attiov1connect.NewMeetingServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.MeetingServiceClient, h *harness, p protocol) {
		var segs []*attiov1.TranscriptSegment
		req := &attiov1.GetCallTranscriptRequest{MeetingId: seedMeetingDiscovery, CallRecordingId: seedRecordingDone}
		var first *attiov1.GetCallTranscriptResponse
		pages := 0
		for range 10 {
			res, err := c.GetCallTranscript(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = res
			}
			pages++
			if len(res.GetTranscript()) > sandbox.TranscriptPageSize {
				t.Fatalf("page of %d segments", len(res.GetTranscript()))
			}
			segs = append(segs, res.GetTranscript()...)
			if res.GetNextPageToken() == "" {
				break
			}
			req.PageToken = res.GetNextPageToken()
		}
		if len(segs) != 120 || pages != 3 {
			t.Fatalf("transcript: %d segments in %d pages, want 120 in 3", len(segs), pages)
		}
		for i, s := range segs {
			if want := fmt.Sprintf("Segment %d:", i+1); len(s.GetSpeech()) < len(want) || s.GetSpeech()[:len(want)] != want {
				t.Fatalf("segment %d = %q", i, s.GetSpeech())
			}
		}
		if s := segs[1]; s.GetStartTime().GetValue() != "4.5" || s.GetEndTime().GetValue() != "8.5" || s.GetSpeakerName() != "Ada Lovelace" {
			t.Fatalf("segment 2 = %v", s)
		}
		if segs[0].GetSpeakerName() != "Alice Admin" || segs[0].GetStartTime().GetValue() != "0" {
			t.Fatalf("segment 1 = %v", segs[0])
		}
		if first.GetId().GetCallRecordingId() != seedRecordingDone || first.GetId().GetMeetingId() != seedMeetingDiscovery ||
			first.GetWebUrl() == "" || len(first.GetRawTranscript()) == 0 {
			t.Fatalf("transcript header = %v", first.GetId())
		}
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetCallTranscript(ctx, &attiov1.GetCallTranscriptRequest{MeetingId: seedMeetingDiscovery, CallRecordingId: seedRecordingPending, PageToken: first.GetNextPageToken()})
			return err
		})
		_, err := c.GetCallTranscript(ctx, &attiov1.GetCallTranscriptRequest{MeetingId: seedMeetingDiscovery, CallRecordingId: unknownID})
		wantCode(t, err, connect.CodeNotFound)
		empty, err := c.GetCallTranscript(ctx, &attiov1.GetCallTranscriptRequest{MeetingId: seedMeetingDiscovery, CallRecordingId: seedRecordingPending})
		if err != nil {
			t.Fatal(err)
		}
		if len(empty.GetTranscript()) != 0 || empty.GetNextPageToken() != "" {
			t.Fatalf("pending transcript = %v", empty)
		}
	})
}
