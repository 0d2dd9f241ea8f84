package server_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestWorkspaceService(t *testing.T) {
	eachClient(t, attiov1connect.NewWorkspaceServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.WorkspaceServiceClient, h *harness, p protocol) {
		me, err := c.GetSelf(ctx, &attiov1.GetSelfRequest{})
		if err != nil {
			t.Fatal(err)
		}
		want := &attiov1.GetSelfResponse{
			Active: true, TokenType: "Bearer", Iss: "attio.com", Sub: sandbox.DefaultWorkspaceID,
			WorkspaceId: sandbox.DefaultWorkspaceID, WorkspaceName: "Sandbox Workspace", WorkspaceSlug: "sandbox",
			WorkspaceLogoUrl: proto.String("https://assets.example.com/sandbox-logo.png"), AuthorizedByWorkspaceMemberId: sandbox.DefaultMemberID,
		}
		// The client id is the sandbox's own, the scope a list, the times checked below.
		ignored := protocmp.IgnoreFields(me, "client_id", "aud", "scope", "iat", "exp")
		if diff := cmp.Diff(want, me, protocmp.Transform(), ignored); diff != "" {
			t.Fatalf("GetSelf (-want +got):\n%s", diff)
		}
		if me.GetClientId() == "" || me.GetAud() != me.GetClientId() || !containsWord(me.GetScope(), "webhook:read-write") {
			t.Fatalf("GetSelf client id %q, aud %q, scope %q", me.GetClientId(), me.GetAud(), me.GetScope())
		}
		wantTime(t, "iat", me.GetIat(), "2024-01-02T09:00:00Z")
		wantTime(t, "exp", me.GetExp(), "") // the sandbox token does not expire

		// The Maton-Connection header picks the workspace.
		other, err := c.GetSelf(onConnection(ctx, sandbox.SecondConnectionID), &attiov1.GetSelfRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if other.GetWorkspaceId() != sandbox.SecondWorkspaceID || other.GetAuthorizedByWorkspaceMemberId() != sandbox.SecondMemberID {
			t.Fatalf("GetSelf on the second connection = %v", other)
		}
		_, err = c.GetSelf(onConnection(ctx, unknownID), &attiov1.GetSelfRequest{})
		wantCode(t, err, connect.CodeFailedPrecondition)

		members, err := c.ListWorkspaceMembers(ctx, &attiov1.ListWorkspaceMembersRequest{})
		if err != nil {
			t.Fatal(err)
		}
		ms := members.GetWorkspaceMembers()
		if len(ms) != 2 {
			t.Fatalf("members = %v", ms)
		}
		alice, bob := ms[0], ms[1]
		if alice.GetId().GetWorkspaceMemberId() != sandbox.DefaultMemberID || alice.GetId().GetWorkspaceId() != sandbox.DefaultWorkspaceID ||
			alice.GetFirstName() != "Alice" || alice.GetLastName() != "Admin" || alice.GetEmailAddress() != "alice@sandbox.example.com" ||
			alice.GetAvatarUrl() != "https://assets.example.com/alice.png" || alice.GetAccessLevel() != attiov1.MemberAccessLevel_MEMBER_ACCESS_LEVEL_ADMIN {
			t.Fatalf("alice = %v", alice)
		}
		wantTime(t, "alice.created_at", alice.GetCreatedAt(), "2024-01-02T09:00:00Z")
		if bob.GetId().GetWorkspaceMemberId() != seedBob || bob.GetAvatarUrl() != "" || bob.GetAccessLevel() != attiov1.MemberAccessLevel_MEMBER_ACCESS_LEVEL_MEMBER {
			t.Fatalf("bob = %v", bob)
		}
		got, err := c.GetWorkspaceMember(ctx, &attiov1.GetWorkspaceMemberRequest{WorkspaceMemberId: seedBob})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "GetWorkspaceMember", got.GetWorkspaceMember(), bob)
		_, err = c.GetWorkspaceMember(ctx, &attiov1.GetWorkspaceMemberRequest{WorkspaceMemberId: unknownID})
		wantCode(t, err, connect.CodeNotFound)
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetWorkspaceMember(ctx, &attiov1.GetWorkspaceMemberRequest{WorkspaceMemberId: "bob"})
			return err
		})
	})
}

func containsWord(s, w string) bool { return slices.Contains(strings.Fields(s), w) }
