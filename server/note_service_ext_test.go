package server_test

import (
	"slices"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func noteIDs(ns []*attiov1.Note) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, n.GetId().GetNoteId())
	}
	return out
}

// Seed notes in Attio's order (created_at ascending).
var seedNotes = []string{seedNoteIntro, seedNoteFollowUp, seedNoteDiscovery}

func TestNoteServiceRead(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		c := attiov1connect.NewNoteServiceClient(h.rpc(p))

		all, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if got := noteIDs(all.GetNotes()); !slices.Equal(got, seedNotes) || all.GetNextPageToken() != "" {
			t.Fatalf("ListNotes = %v (next %q), want %v", got, all.GetNextPageToken(), seedNotes)
		}
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
		if !proto.Equal(got.GetNote(), d) {
			t.Fatalf("GetNote = %v, want %v", got.GetNote(), d)
		}
		_, err = c.GetNote(ctx, &attiov1.GetNoteRequest{NoteId: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		byRecord, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{Filter: &attiov1.NoteFilter{ParentObject: "people", ParentRecordId: seedAda}})
		if err != nil {
			t.Fatal(err)
		}
		if got := noteIDs(byRecord.GetNotes()); !slices.Equal(got, []string{seedNoteIntro}) {
			t.Fatalf("notes of Ada = %v", got)
		}

		var walked []string
		req := &attiov1.ListNotesRequest{PageSize: 1}
		var token string
		for range 10 {
			res, err := c.ListNotes(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.GetNotes()) > 1 {
				t.Fatalf("page of %d notes", len(res.GetNotes()))
			}
			walked = append(walked, noteIDs(res.GetNotes())...)
			if res.GetNextPageToken() == "" {
				break
			}
			token = res.GetNextPageToken()
			req.PageToken = token
		}
		if !slices.Equal(walked, seedNotes) {
			t.Fatalf("paged walk = %v, want %v", walked, seedNotes)
		}
		wantLocalInvalid(t, h, func() error {
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
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		c := attiov1connect.NewNoteServiceClient(h.rpc(p))

		st, err := c.StreamNotes(ctx, &attiov1.StreamNotesRequest{PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		msgs := drain(t, st.Receive)
		var got []string
		for _, m := range msgs {
			got = append(got, noteIDs(m.GetNotes())...)
		}
		if !slices.Equal(got, seedNotes) || len(msgs) < 2 {
			t.Fatalf("streamed %v in %d messages, want %v", got, len(msgs), seedNotes)
		}
		st, err = c.StreamNotes(ctx, &attiov1.StreamNotesRequest{PageSize: 2, ResumeToken: msgs[0].GetResumeToken()})
		if err != nil {
			t.Fatal(err)
		}
		var rest []string
		for _, m := range drain(t, st.Receive) {
			rest = append(rest, noteIDs(m.GetNotes())...)
		}
		if !slices.Equal(rest, seedNotes[2:]) {
			t.Fatalf("resumed = %v, want %v", rest, seedNotes[2:])
		}
		// Default page size: one upstream page holds every seed note.
		st, err = c.StreamNotes(ctx, &attiov1.StreamNotesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if msgs := drain(t, st.Receive); len(msgs) != 1 || !slices.Equal(noteIDs(msgs[0].GetNotes()), seedNotes) {
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
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		c := attiov1connect.NewNoteServiceClient(h.rpc(p))

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
		if !proto.Equal(got.GetNote(), n) {
			t.Fatalf("read back %v, want %v", got.GetNote(), n)
		}
		// Backdated, so it sorts among the seed notes.
		all, err := c.ListNotes(ctx, &attiov1.ListNotesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{seedNoteIntro, seedNoteFollowUp, n.GetId().GetNoteId(), seedNoteDiscovery}; !slices.Equal(noteIDs(all.GetNotes()), want) {
			t.Fatalf("notes after create = %v, want %v", noteIDs(all.GetNotes()), want)
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
