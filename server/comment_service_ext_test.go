package server_test

import (
	"context"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func onRecord(object, id string) *attiov1.ListThreadsRequest_Record {
	return &attiov1.ListThreadsRequest_Record{Record: &attiov1.RecordTarget{Object: object, RecordId: id}}
}

func TestCommentServiceRead(t *testing.T) {
	eachClient(t, attiov1connect.NewCommentServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.CommentServiceClient, h *harness, p protocol) {
		objs := objectIDs(t, h, p)

		res, err := c.ListThreads(ctx, &attiov1.ListThreadsRequest{Target: onRecord("companies", seedAcme)})
		wantListed(t, res, err, idsOf(res.GetThreads(), threadID), []string{seedThreadRecord})
		th := res.GetThreads()[0]
		wantTime(t, "thread.created_at", th.GetCreatedAt(), "2025-06-11T09:00:00Z")
		if len(th.GetComments()) != 2 {
			t.Fatalf("thread = %v", th)
		}
		first, reply := th.GetComments()[0], th.GetComments()[1]
		if first.GetId().GetCommentId() != seedCommentFirst || first.GetThreadId() != seedThreadRecord ||
			first.GetContentPlaintext() != "Can we close this by Q3, @alice?" || first.GetEntry() != nil ||
			first.GetRecord().GetObjectId() != objs["companies"] || first.GetRecord().GetRecordId() != seedAcme ||
			first.GetAuthor().GetId() != seedBob || first.GetAuthor().GetType() != attiov1.ActorType_ACTOR_TYPE_WORKSPACE_MEMBER ||
			first.GetResolvedAt() != nil || first.GetResolvedBy() != nil {
			t.Fatalf("first comment = %v", first)
		}
		if reply.GetId().GetCommentId() != seedCommentReply || reply.GetResolvedBy().GetId() != sandbox.DefaultMemberID {
			t.Fatalf("reply = %v", reply)
		}
		wantTime(t, "resolved_at", reply.GetResolvedAt(), "2025-06-12T10:00:00Z")

		got, err := c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: seedThreadRecord})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "GetThread", got.GetThread(), th)
		gc, err := c.GetComment(ctx, &attiov1.GetCommentRequest{CommentId: seedCommentReply})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "GetComment", gc.GetComment(), reply)

		onEntry, err := c.ListThreads(ctx, &attiov1.ListThreadsRequest{Target: &attiov1.ListThreadsRequest_Entry{Entry: &attiov1.EntryTarget{List: "sales_pipeline", EntryId: seedPipelineEntry}}})
		wantListed(t, onEntry, err, idsOf(onEntry.GetThreads(), threadID), []string{seedThreadEntry})
		ec := onEntry.GetThreads()[0].GetComments()[0]
		if ec.GetId().GetCommentId() != seedCommentOnEntr || ec.GetEntry().GetListId() != seedSalesPipelineID || ec.GetEntry().GetEntryId() != seedPipelineEntry ||
			ec.GetRecord().GetRecordId() != seedAcme || ec.GetContentPlaintext() != "Moved to In Progress." {
			t.Fatalf("entry comment = %v", ec)
		}

		_, err = c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: unknownID})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.GetComment(ctx, &attiov1.GetCommentRequest{CommentId: unknownID})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.ListThreads(ctx, &attiov1.ListThreadsRequest{Target: onRecord("no_such_object", seedAcme)})
		wantCode(t, err, connect.CodeNotFound)
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListThreads(ctx, &attiov1.ListThreadsRequest{})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetComment(ctx, &attiov1.GetCommentRequest{CommentId: "c1"})
			return err
		})
	})
}

func TestCommentServiceWritesAndPaging(t *testing.T) {
	eachClient(t, attiov1connect.NewCommentServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.CommentServiceClient, h *harness, p protocol) {
		reply, err := c.CreateComment(ctx, &attiov1.CreateCommentRequest{
			Target: &attiov1.CreateCommentRequest_ThreadId{ThreadId: seedThreadRecord}, Content: "Signed today.",
			AuthorWorkspaceMemberId: seedBob, CreatedAt: mustTime(t, "2025-06-13T10:00:00.000000007Z"),
		})
		if err != nil {
			t.Fatal(err)
		}
		r := reply.GetComment()
		if r.GetThreadId() != seedThreadRecord || r.GetContentPlaintext() != "Signed today." || r.GetAuthor().GetId() != seedBob || r.GetRecord().GetRecordId() != seedAcme {
			t.Fatalf("reply = %v", r)
		}
		wantTime(t, "created_at", r.GetCreatedAt(), "2025-06-13T10:00:00.000000007Z")
		th, err := c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: seedThreadRecord})
		if err != nil {
			t.Fatal(err)
		}
		if cs := th.GetThread().GetComments(); len(cs) != 3 || !proto.Equal(cs[2], r) {
			t.Fatalf("thread after reply = %v", cs)
		}

		// Two new threads on Acme: three in all, walked one per page.
		var started []string
		for _, text := range []string{"Kickoff?", "Invoice sent."} {
			res, err := c.CreateComment(ctx, &attiov1.CreateCommentRequest{
				Target:  &attiov1.CreateCommentRequest_Record{Record: &attiov1.RecordTarget{Object: "companies", RecordId: seedAcme}},
				Content: text, AuthorWorkspaceMemberId: sandbox.DefaultMemberID,
			})
			if err != nil {
				t.Fatal(err)
			}
			started = append(started, res.GetComment().GetThreadId())
		}
		want := append([]string{seedThreadRecord}, started...)
		wantWalk(t, h, func(ctx context.Context, size int32, token string) ([]string, string, error) {
			res, err := c.ListThreads(ctx, &attiov1.ListThreadsRequest{Target: onRecord("companies", seedAcme), PageSize: size, PageToken: token})
			return idsOf(res.GetThreads(), threadID), res.GetNextPageToken(), err
		}, want, func(token string) error {
			_, err := c.ListThreads(ctx, &attiov1.ListThreadsRequest{Target: onRecord("companies", seedGlobex), PageSize: 1, PageToken: token})
			return err
		})

		onEntry, err := c.CreateComment(ctx, &attiov1.CreateCommentRequest{
			Target:  &attiov1.CreateCommentRequest_Entry{Entry: &attiov1.EntryTarget{List: "sales_pipeline", EntryId: seedPipelineEntry}},
			Content: "Stage check", AuthorWorkspaceMemberId: seedBob,
		})
		if err != nil {
			t.Fatal(err)
		}
		if e := onEntry.GetComment().GetEntry(); e.GetListId() != seedSalesPipelineID || e.GetEntryId() != seedPipelineEntry {
			t.Fatalf("entry comment = %v", onEntry.GetComment())
		}

		// Deleting a reply keeps the thread; deleting a thread's first comment removes the thread.
		if _, err := c.DeleteComment(ctx, &attiov1.DeleteCommentRequest{CommentId: r.GetId().GetCommentId()}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetComment(ctx, &attiov1.GetCommentRequest{CommentId: r.GetId().GetCommentId()})
		wantCode(t, err, connect.CodeNotFound)
		if _, err := c.DeleteComment(ctx, &attiov1.DeleteCommentRequest{CommentId: seedCommentFirst}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetThread(ctx, &attiov1.GetThreadRequest{ThreadId: seedThreadRecord})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.DeleteComment(ctx, &attiov1.DeleteCommentRequest{CommentId: seedCommentFirst})
		wantCode(t, err, connect.CodeNotFound)

		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateComment(ctx, &attiov1.CreateCommentRequest{Content: "no target", AuthorWorkspaceMemberId: seedBob})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateComment(ctx, &attiov1.CreateCommentRequest{Target: &attiov1.CreateCommentRequest_ThreadId{ThreadId: seedThreadEntry}, Content: "x", AuthorWorkspaceMemberId: "bob"})
			return err
		})
	})
}
