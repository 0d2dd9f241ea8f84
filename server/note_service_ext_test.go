package server_test

import (
	"context"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestNoteServiceRead(t *testing.T) {
	eachClient(t, attiov1connect.NewNoteServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.NoteServiceClient, h *harness, p protocol) {
		all, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{})
		wantListed(t, all, err, idsOf(all.GetNotes(), noteID), seedNotes)
		d := all.GetNotes()[2]
		if d.GetTitle() != "Discovery call summary" || d.GetParentObject() != "companies" || d.GetParentRecordId() != seedAcme ||
			d.GetMeetingId() != seedMeetingDiscovery || d.GetContentMarkdown() != "# Summary\n- Budget approved\n- **Decision** in Q3" ||
			d.GetContentPlaintext() == "" || d.GetId().GetWorkspaceId() != sandbox.DefaultWorkspaceID ||
			d.GetCreatedByActor().GetId() != sandbox.DefaultMemberID || len(d.GetTags()) != 2 ||
			d.GetTags()[0].GetWorkspaceMemberId() != sandbox.DefaultMemberID ||
			d.GetTags()[1].GetRecord().GetObject() != "people" || d.GetTags()[1].GetRecord().GetRecordId() != seedAda {
			t.Fatalf("discovery note = %v", d)
		}
		wantTime(t, "created_at", d.GetCreatedAt(), "2025-06-10T15:30:00Z")
		if intro := all.GetNotes()[0]; intro.GetMeetingId() != "" || intro.GetContentPlaintext() != "Met at the conference." || len(intro.GetTags()) != 0 {
			t.Fatalf("intro note = %v", intro)
		}

		got, err := c.GetNote(ctx, &attiov1.GetNoteRequest{NoteId: seedNoteDiscovery})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "GetNote", got.GetNote(), d)
		_, err = c.GetNote(ctx, &attiov1.GetNoteRequest{NoteId: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		byRecord, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{Filter: &attiov1.NoteFilter{ParentObject: "people", ParentRecordId: seedAda}})
		wantListed(t, byRecord, err, idsOf(byRecord.GetNotes(), noteID), []string{seedNoteIntro})

		wantWalk(t, h, func(ctx context.Context, size int32, token string) ([]string, string, error) {
			res, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{PageSize: size, PageToken: token})
			return idsOf(res.GetNotes(), noteID), res.GetNextPageToken(), err
		}, seedNotes, func(token string) error {
			_, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{PageToken: token, Filter: &attiov1.NoteFilter{ParentObject: "people", ParentRecordId: seedAda}})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{Filter: &attiov1.NoteFilter{ParentObject: "people"}})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetNote(ctx, &attiov1.GetNoteRequest{NoteId: "note"})
			return err
		})
	})
}

func TestNoteServiceStream(t *testing.T) {
	eachClient(t, attiov1connect.NewNoteServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.NoteServiceClient, h *harness, p protocol) {
		st, err := c.StreamNotes(ctx, &attiov1.StreamNotesRequest{PageSize: 2})
		msgs, got := streamedIDs(t, st, err, func(m *attiov1.StreamNotesResponse) []string { return idsOf(m.GetNotes(), noteID) })
		if !slices.Equal(got, seedNotes) || len(msgs) < 2 {
			t.Fatalf("streamed %v in %d messages, want %v", got, len(msgs), seedNotes)
		}
		st, err = c.StreamNotes(ctx, &attiov1.StreamNotesRequest{PageSize: 2, ResumeToken: msgs[0].GetResumeToken()})
		_, rest := streamedIDs(t, st, err, func(m *attiov1.StreamNotesResponse) []string { return idsOf(m.GetNotes(), noteID) })
		if !slices.Equal(rest, seedNotes[2:]) {
			t.Fatalf("resumed = %v, want %v", rest, seedNotes[2:])
		}
		// Default page size: one upstream page holds every seed note.
		st, err = c.StreamNotes(ctx, &attiov1.StreamNotesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if msgs := drain(t, st.Receive); len(msgs) != 1 || !slices.Equal(idsOf(msgs[0].GetNotes(), noteID), seedNotes) {
			t.Fatalf("default stream = %v", msgs)
		}
		wantLocalInvalid(t, h, func() error {
			st, err := c.StreamNotes(ctx, &attiov1.StreamNotesRequest{Filter: &attiov1.NoteFilter{ParentObject: "people", ParentRecordId: seedAda}, ResumeToken: msgs[0].GetResumeToken()})
			if err != nil {
				return err
			}
			return streamErr(st.Receive)
		})
	})
}

func TestNoteServiceWrites(t *testing.T) {
	eachClient(t, attiov1connect.NewNoteServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.NoteServiceClient, h *harness, p protocol) {
		created, err := c.CreateNote(ctx, &attiov1.CreateNoteRequest{
			ParentObject: "companies", ParentRecordId: seedGlobex, Title: "QBR prep", Format: attiov1.ContentFormat_CONTENT_FORMAT_MARKDOWN,
			Content: "## Agenda\n- **Renewal**", CreatedAt: mustTime(t, "2025-05-19T08:00:00.000000042Z"), MeetingId: seedMeetingQBR,
		})
		if err != nil {
			t.Fatal(err)
		}
		n := created.GetNote()
		if n.GetTitle() != "QBR prep" || n.GetParentRecordId() != seedGlobex || n.GetMeetingId() != seedMeetingQBR ||
			n.GetContentMarkdown() != "## Agenda\n- **Renewal**" || n.GetContentPlaintext() != "Agenda\nRenewal" {
			t.Fatalf("CreateNote = %v", n)
		}
		wantTime(t, "created_at", n.GetCreatedAt(), "2025-05-19T08:00:00.000000042Z")
		got, err := c.GetNote(ctx, &attiov1.GetNoteRequest{NoteId: n.GetId().GetNoteId()})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "read back", got.GetNote(), n)
		// Backdated, so it sorts among the seed notes.
		all, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{seedNoteIntro, seedNoteFollowUp, n.GetId().GetNoteId(), seedNoteDiscovery}; !slices.Equal(idsOf(all.GetNotes(), noteID), want) {
			t.Fatalf("notes after create = %v, want %v", idsOf(all.GetNotes(), noteID), want)
		}

		plain, err := c.CreateNote(ctx, &attiov1.CreateNoteRequest{ParentObject: "people", ParentRecordId: seedAda, Title: "Call", Content: "*not markdown*"})
		if err != nil {
			t.Fatal(err)
		}
		if plain.GetNote().GetContentPlaintext() != "*not markdown*" || plain.GetNote().GetMeetingId() != "" {
			t.Fatalf("plain note = %v", plain.GetNote())
		}
		_, err = c.CreateNote(ctx, &attiov1.CreateNoteRequest{ParentObject: "people", ParentRecordId: unknownID, Title: "X", Content: "Y"})
		wantCode(t, err, connect.CodeNotFound)

		if _, err := c.DeleteNote(ctx, &attiov1.DeleteNoteRequest{NoteId: n.GetId().GetNoteId()}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetNote(ctx, &attiov1.GetNoteRequest{NoteId: n.GetId().GetNoteId()})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.DeleteNote(ctx, &attiov1.DeleteNoteRequest{NoteId: n.GetId().GetNoteId()})
		wantCode(t, err, connect.CodeNotFound)

		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateNote(ctx, &attiov1.CreateNoteRequest{ParentObject: "people", ParentRecordId: "ada", Title: "X"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.DeleteNote(ctx, &attiov1.DeleteNoteRequest{NoteId: ""})
			return err
		})
	})
}
