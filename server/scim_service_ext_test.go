package server_test

import (
	"context"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

func TestScimService(t *testing.T) {
	eachClient(t, attiov1connect.NewScimServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.ScimServiceClient, h *harness, p protocol) {
		schemas, err := c.GetScimSchemas(ctx, &attiov1.GetScimSchemasRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if s := schemas.GetSchemas(); len(s) != 2 || s[0].GetName() != "User" || s[0].GetId() != "urn:ietf:params:scim:schemas:core:2.0:User" ||
			!strings.Contains(s[0].GetSchemaJson(), `"appRole"`) || s[1].GetName() != "Group" {
			t.Fatalf("schemas %v", s)
		}

		all, err := c.ListScimUsers(ctx, &attiov1.ListScimUsersRequest{})
		if err != nil {
			t.Fatal(err)
		}
		total := int(all.GetTotalResults())
		if total < 2 || len(all.GetUsers()) != total || all.GetNextPageToken() != "" {
			t.Fatalf("users %v", all)
		}
		first, err := c.ListScimUsers(ctx, &attiov1.ListScimUsersRequest{PageSize: 1})
		if err != nil || len(first.GetUsers()) != 1 || first.GetNextPageToken() == "" {
			t.Fatalf("first page %v, %v", first, err)
		}
		second, err := c.ListScimUsers(ctx, &attiov1.ListScimUsersRequest{PageSize: 1, PageToken: first.GetNextPageToken()})
		if err != nil || len(second.GetUsers()) != 1 || !proto.Equal(second.GetUsers()[0], all.GetUsers()[1]) {
			t.Fatalf("second page %v, %v", second, err)
		}
		st, err := c.StreamScimUsers(ctx, &attiov1.StreamScimUsersRequest{PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if msgs := drain(t, st.Receive); len(msgs) != total {
			t.Fatalf("streamed %d pages of one, want %d", len(msgs), total)
		}
		bob, err := c.ListScimUsers(ctx, &attiov1.ListScimUsersRequest{Filter: `userName eq "bob@sandbox.example.com"`})
		if err != nil || len(bob.GetUsers()) != 1 || bob.GetUsers()[0].GetId() != seedBob ||
			bob.GetUsers()[0].GetAppRole() != attiov1.ScimAppRole_SCIM_APP_ROLE_MEMBER || bob.GetUsers()[0].GetCreated() == nil {
			t.Fatalf("filtered %v, %v", bob, err)
		}

		created, err := c.CreateScimUser(ctx, &attiov1.CreateScimUserRequest{UserName: "carol@sandbox.example.com", GivenName: "Carol", AppRole: attiov1.ScimAppRole_SCIM_APP_ROLE_ADMIN})
		if err != nil {
			t.Fatal(err)
		}
		u := created.GetUser()
		if !u.GetActive() || u.GetAppRole() != attiov1.ScimAppRole_SCIM_APP_ROLE_ADMIN || u.GetGivenName() != "Carol" || len(u.GetEmails()) != 1 {
			t.Fatalf("created %v", u)
		}
		// SCIM's own error shape arrives as the usual typed error.
		_, err = c.CreateScimUser(ctx, &attiov1.CreateScimUserRequest{UserName: "carol@sandbox.example.com"})
		wantCode(t, err, connect.CodeAlreadyExists)
		if infos := errorDetails[*errdetails.ErrorInfo](t, err); len(infos) != 1 || infos[0].GetReason() != "UNIQUENESS" {
			t.Fatalf("error info %v", infos)
		}
		_, err = c.ListScimUsers(ctx, &attiov1.ListScimUsersRequest{Filter: `title eq "x"`})
		wantCode(t, err, connect.CodeInvalidArgument)

		mask := func(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }
		off, err := c.UpdateScimUser(ctx, &attiov1.UpdateScimUserRequest{UserId: u.GetId(), Active: false, UpdateMask: mask("active")})
		if err != nil || off.GetUser().GetActive() || off.GetUser().GetAppRole() != attiov1.ScimAppRole_SCIM_APP_ROLE_UNSPECIFIED {
			t.Fatalf("suspend = %v, %v", off, err)
		}
		// Only the masked fields change: given_name is set here but not named, so Carol stays.
		on, err := c.UpdateScimUser(ctx, &attiov1.UpdateScimUserRequest{UserId: u.GetId(), Active: true, FamilyName: "Jones", GivenName: "Ignored",
			UpdateMask: mask("active", "family_name")})
		if err != nil || !on.GetUser().GetActive() || on.GetUser().GetAppRole() != attiov1.ScimAppRole_SCIM_APP_ROLE_ADMIN ||
			on.GetUser().GetFamilyName() != "Jones" || on.GetUser().GetGivenName() != "Carol" {
			t.Fatalf("reactivate = %v, %v", on, err)
		}
		// A masked empty name clears it.
		cleared, err := c.UpdateScimUser(ctx, &attiov1.UpdateScimUserRequest{UserId: u.GetId(), UpdateMask: mask("given_name")})
		if err != nil || cleared.GetUser().GetGivenName() != "" || cleared.GetUser().GetFamilyName() != "Jones" {
			t.Fatalf("clear given name = %v, %v", cleared, err)
		}
		for _, bad := range []*attiov1.UpdateScimUserRequest{
			{UserId: u.GetId()}, // no mask
			{UserId: u.GetId(), UpdateMask: mask("user_name")},
			{UserId: u.GetId(), UpdateMask: mask("app_role")}, // named but UNSPECIFIED
			{UserId: u.GetId(), UpdateMask: mask("*", "active")},
		} {
			wantLocalInvalid(t, h, func() error {
				_, err := c.UpdateScimUser(ctx, bad)
				return err
			})
		}

		invite, err := c.CreateScimUser(ctx, &attiov1.CreateScimUserRequest{UserName: "dan@elsewhere.io"})
		if err != nil || !invite.GetUser().GetActive() || invite.GetUser().GetAppRole() != attiov1.ScimAppRole_SCIM_APP_ROLE_MEMBER {
			t.Fatalf("invite = %v, %v", invite, err)
		}
		revoked, err := c.UpdateScimUser(ctx, &attiov1.UpdateScimUserRequest{UserId: invite.GetUser().GetId(), UpdateMask: mask("active")})
		if err != nil || revoked.GetUser() != nil {
			t.Fatalf("revoking the invite = %v, %v; want no user (204)", revoked, err)
		}
		_, err = c.GetScimUser(ctx, &attiov1.GetScimUserRequest{UserId: invite.GetUser().GetId()})
		wantCode(t, err, connect.CodeNotFound)

		if _, err := c.DeleteScimUser(ctx, &attiov1.DeleteScimUserRequest{UserId: u.GetId()}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetScimUser(ctx, &attiov1.GetScimUserRequest{UserId: u.GetId()})
		wantCode(t, err, connect.CodeNotFound)
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateScimUser(ctx, &attiov1.CreateScimUserRequest{UserName: "not an address"})
			return err
		})
	})
}

// SCIM is workspace administration: the admin scope for reads too, an approval for every write,
// and a delete's approval shows the user as it is now.
func TestScimNeedsAdminAndApproval(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	c := attiov1connect.NewScimServiceClient(g.rpc(protocols[0]))
	_, err := c.ListScimUsers(caller(writerKey), &attiov1.ListScimUsersRequest{})
	wantCode(t, err, connect.CodePermissionDenied)
	if _, err := c.ListScimUsers(caller(adminKey), &attiov1.ListScimUsersRequest{}); err != nil {
		t.Fatalf("admin read: %v", err)
	}
	_, err = c.CreateScimUser(caller(adminKey), &attiov1.CreateScimUserRequest{UserName: "eve@sandbox.example.com"})
	if need := approvalRequired(t, err); !strings.Contains(need.GetSummary(), "CreateScimUser") {
		t.Fatalf("summary %q", need.GetSummary())
	}
	_, err = c.DeleteScimUser(caller(adminKey), &attiov1.DeleteScimUserRequest{UserId: seedBob})
	need := approvalRequired(t, err)
	current := map[string]string{}
	for _, ch := range need.GetChanges() {
		current[ch.GetField()] = ch.GetBefore()
	}
	if !strings.Contains(need.GetSummary(), "permanently deletes") || !strings.Contains(current["user_name"], "bob@sandbox.example.com") {
		t.Fatalf("delete approval does not show the user: %q %v", need.GetSummary(), current)
	}
	if _, err := c.GetScimUser(caller(adminKey), &attiov1.GetScimUserRequest{UserId: seedBob}); err != nil {
		t.Fatalf("the user is gone without an approval: %v", err)
	}
}
