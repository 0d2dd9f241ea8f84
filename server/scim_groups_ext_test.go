package server_test

import (
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

func memberIDs(g *attiov1.ScimGroup) []string {
	var out []string
	for _, m := range g.GetMembers() {
		out = append(out, m.GetUserId())
	}
	return out
}

func TestScimGroups(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		c := attiov1connect.NewScimServiceClient(h.rpc(p))
		inv, err := c.CreateScimUser(ctx, &attiov1.CreateScimUserRequest{UserName: "gus@elsewhere.io"})
		if err != nil {
			t.Fatal(err)
		}
		invite := inv.GetUser().GetId()
		created, err := c.CreateScimGroup(ctx, &attiov1.CreateScimGroupRequest{DisplayName: "Engineering", MemberIds: []string{seedBob, invite}})
		if err != nil {
			t.Fatal(err)
		}
		g := created.GetGroup()
		if g.GetDisplayName() != "Engineering" || strings.Join(memberIDs(g), ",") != seedBob+","+invite ||
			g.GetMembers()[0].GetRef() != "/scim/v2/Users/"+seedBob || g.GetCreated() == nil || g.GetExtraJson() != "" {
			t.Fatalf("created %v", g)
		}
		for _, name := range []string{"Sales", "Support"} {
			if _, err := c.CreateScimGroup(ctx, &attiov1.CreateScimGroupRequest{DisplayName: name}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = c.CreateScimGroup(ctx, &attiov1.CreateScimGroupRequest{DisplayName: "engineering"})
		wantCode(t, err, connect.CodeAlreadyExists)
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateScimGroup(ctx, &attiov1.CreateScimGroupRequest{DisplayName: "   "})
			return err
		})

		first, err := c.ListScimGroups(ctx, &attiov1.ListScimGroupsRequest{PageSize: 2, ExcludeMembers: true})
		if err != nil || len(first.GetGroups()) != 2 || first.GetTotalResults() != 3 || first.GetNextPageToken() == "" || len(first.GetGroups()[0].GetMembers()) != 0 {
			t.Fatalf("first page %v, %v", first, err)
		}
		second, err := c.ListScimGroups(ctx, &attiov1.ListScimGroupsRequest{PageSize: 2, ExcludeMembers: true, PageToken: first.GetNextPageToken()})
		if err != nil || len(second.GetGroups()) != 1 || second.GetGroups()[0].GetDisplayName() != "Support" || second.GetNextPageToken() != "" {
			t.Fatalf("second page %v, %v", second, err)
		}
		_, err = c.ListScimGroups(ctx, &attiov1.ListScimGroupsRequest{PageSize: 2, PageToken: first.GetNextPageToken()})
		wantCode(t, err, connect.CodeInvalidArgument) // the token belongs to the listing without members
		st, err := c.StreamScimGroups(ctx, &attiov1.StreamScimGroupsRequest{PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if msgs := drain(t, st.Receive); len(msgs) != 3 || len(msgs[0].GetGroups()[0].GetMembers()) != 2 {
			t.Fatalf("streamed %v", msgs)
		}
		eng, err := c.ListScimGroups(ctx, &attiov1.ListScimGroupsRequest{Filter: `displayName eq "Engineering"`})
		if err != nil || len(eng.GetGroups()) != 1 || eng.GetGroups()[0].GetId() != g.GetId() {
			t.Fatalf("filtered %v, %v", eng, err)
		}

		mask := func(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }
		up, err := c.UpdateScimGroup(ctx, &attiov1.UpdateScimGroupRequest{GroupId: g.GetId(), DisplayName: "Platform", MemberIds: []string{seedBob}, UpdateMask: mask("display_name")})
		if err != nil || up.GetGroup().GetDisplayName() != "Platform" || len(up.GetGroup().GetMembers()) != 2 {
			t.Fatalf("rename = %v, %v (members are not in the mask)", up, err)
		}
		up2, err := c.UpdateScimGroup(ctx, &attiov1.UpdateScimGroupRequest{GroupId: g.GetId(), UpdateMask: mask("member_ids")})
		if err != nil || up2.GetGroup().GetDisplayName() != "Platform" || len(up2.GetGroup().GetMembers()) != 0 {
			t.Fatalf("masked empty member list = %v, %v", up2, err)
		}
		for _, bad := range []*attiov1.UpdateScimGroupRequest{
			{GroupId: g.GetId()},
			{GroupId: g.GetId(), UpdateMask: mask("display_name")}, // named but empty
			{GroupId: g.GetId(), UpdateMask: mask("members")},
		} {
			wantLocalInvalid(t, h, func() error { _, err := c.UpdateScimGroup(ctx, bad); return err })
		}
		added, err := c.AddScimGroupMembers(ctx, &attiov1.AddScimGroupMembersRequest{GroupId: g.GetId(), MemberIds: []string{invite, seedBob}})
		if err != nil || strings.Join(memberIDs(added.GetGroup()), ",") != invite+","+seedBob {
			t.Fatalf("add = %v, %v", added, err)
		}
		removed, err := c.RemoveScimGroupMembers(ctx, &attiov1.RemoveScimGroupMembersRequest{GroupId: g.GetId(), MemberIds: []string{invite}})
		if err != nil || strings.Join(memberIDs(removed.GetGroup()), ",") != seedBob {
			t.Fatalf("remove = %v, %v", removed, err)
		}
		_, err = c.AddScimGroupMembers(ctx, &attiov1.AddScimGroupMembersRequest{GroupId: g.GetId(), MemberIds: []string{"00000000-0000-4000-8000-000000000000"}})
		wantCode(t, err, connect.CodeInvalidArgument) // no such user: Attio's 400
		replaced, err := c.ReplaceScimGroup(ctx, &attiov1.ReplaceScimGroupRequest{GroupId: g.GetId(), DisplayName: "Core", MemberIds: []string{invite}})
		if err != nil || replaced.GetGroup().GetDisplayName() != "Core" || strings.Join(memberIDs(replaced.GetGroup()), ",") != invite {
			t.Fatalf("replace = %v, %v", replaced, err)
		}
		got, err := c.GetScimGroup(ctx, &attiov1.GetScimGroupRequest{GroupId: g.GetId()})
		if err != nil || got.GetGroup().GetDisplayName() != "Core" {
			t.Fatalf("get = %v, %v", got, err)
		}
		if _, err := c.DeleteScimGroup(ctx, &attiov1.DeleteScimGroupRequest{GroupId: g.GetId()}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetScimGroup(ctx, &attiov1.GetScimGroupRequest{GroupId: g.GetId()})
		wantCode(t, err, connect.CodeNotFound)
	})
}

// Groups are workspace administration: the admin scope for reads too, an approval for every
// write, and a write's approval shows the group as it is now.
func TestScimGroupsNeedAdminAndApproval(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	c := attiov1connect.NewScimServiceClient(g.rpc(protocols[0]))
	appr := attiov1connect.NewApprovalServiceClient(g.rpc(protocols[0]))
	_, err := c.ListScimGroups(caller(writerKey), &attiov1.ListScimGroupsRequest{})
	wantCode(t, err, connect.CodePermissionDenied)
	req := &attiov1.CreateScimGroupRequest{DisplayName: "Ops", MemberIds: []string{seedBob}}
	_, err = c.CreateScimGroup(caller(adminKey), req)
	need := approvalRequired(t, err)
	if list, err := c.ListScimGroups(caller(adminKey), &attiov1.ListScimGroupsRequest{}); err != nil || len(list.GetGroups()) != 0 {
		t.Fatalf("a group was created without an approval: %v, %v", list, err)
	}
	if _, err := appr.Approve(caller(approverKey), &attiov1.ApproveRequest{ApprovalId: need.GetApprovalId()}); err != nil {
		t.Fatal(err)
	}
	a, err := appr.GetApproval(caller(adminKey), &attiov1.GetApprovalRequest{ApprovalId: need.GetApprovalId()})
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateScimGroup(caller(adminKey, a.GetApproval().GetToken()), req)
	if err != nil {
		t.Fatal(err)
	}
	id := created.GetGroup().GetId()
	for name, call := range map[string]func() error{
		"remove": func() error {
			_, err := c.RemoveScimGroupMembers(caller(adminKey), &attiov1.RemoveScimGroupMembersRequest{GroupId: id, MemberIds: []string{seedBob}})
			return err
		},
		"delete": func() error {
			_, err := c.DeleteScimGroup(caller(adminKey), &attiov1.DeleteScimGroupRequest{GroupId: id})
			return err
		},
	} {
		need := approvalRequired(t, call())
		if !strings.Contains(need.GetSummary(), `"Ops"`) {
			t.Errorf("%s approval does not name the group: %q", name, need.GetSummary())
		}
		if name == "delete" && !slices.ContainsFunc(need.GetChanges(), func(c *attiov1.FieldChange) bool {
			return c.GetField() == "display_name" && c.GetBefore() == "Ops"
		}) {
			t.Errorf("delete approval does not show the group: %v", need.GetChanges())
		}
	}
	if _, err := c.GetScimGroup(caller(adminKey), &attiov1.GetScimGroupRequest{GroupId: id}); err != nil {
		t.Fatalf("the group is gone without an approval: %v", err)
	}
}
