package server_test

import (
	"context"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestListService(t *testing.T) {
	eachClient(t, attiov1connect.NewListServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.ListServiceClient, h *harness, p protocol) {
		all, err := c.ListLists(ctx, &attiov1.ListListsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.GetLists()) != 2 {
			t.Fatalf("ListLists = %v", all.GetLists())
		}
		sales, rec := all.GetLists()[0], all.GetLists()[1]
		if sales.GetId().GetListId() != seedSalesPipelineID || sales.GetId().GetWorkspaceId() != sandbox.DefaultWorkspaceID ||
			sales.GetApiSlug() != "sales_pipeline" || sales.GetName() != "Sales Pipeline" ||
			len(sales.GetParentObject()) != 1 || sales.GetParentObject()[0] != "companies" ||
			sales.GetWorkspaceAccess() != attiov1.AccessLevel_ACCESS_LEVEL_FULL_ACCESS || len(sales.GetWorkspaceMemberAccess()) != 0 ||
			sales.GetCreatedByActor().GetType() != attiov1.ActorType_ACTOR_TYPE_WORKSPACE_MEMBER || sales.GetCreatedByActor().GetId() != sandbox.DefaultMemberID {
			t.Fatalf("sales_pipeline = %v", sales)
		}
		wantTime(t, "sales_pipeline.created_at", sales.GetCreatedAt(), "2024-06-02T00:00:00Z")
		if rec.GetId().GetListId() != seedRecruitingID || rec.GetWorkspaceAccess() != attiov1.AccessLevel_ACCESS_LEVEL_UNSPECIFIED ||
			len(rec.GetWorkspaceMemberAccess()) != 1 || rec.GetWorkspaceMemberAccess()[0].GetWorkspaceMemberId() != sandbox.DefaultMemberID ||
			rec.GetWorkspaceMemberAccess()[0].GetLevel() != attiov1.AccessLevel_ACCESS_LEVEL_FULL_ACCESS {
			t.Fatalf("recruiting = %v", rec)
		}
		for _, ref := range []string{"recruiting", seedRecruitingID} {
			got, err := c.GetList(ctx, &attiov1.GetListRequest{List: ref})
			if err != nil {
				t.Fatal(err)
			}
			wantProto(t, "GetList("+ref+")", got.GetList(), rec)
		}
		_, err = c.GetList(ctx, &attiov1.GetListRequest{List: "no_such_list"})
		wantCode(t, err, connect.CodeNotFound)

		created, err := c.CreateList(ctx, &attiov1.CreateListRequest{
			Name: "Partners", ApiSlug: "partners", ParentObject: "companies",
			WorkspaceAccess:       attiov1.AccessLevel_ACCESS_LEVEL_READ_ONLY,
			WorkspaceMemberAccess: []*attiov1.MemberAccess{{WorkspaceMemberId: seedBob, Level: attiov1.AccessLevel_ACCESS_LEVEL_READ_AND_WRITE}},
		})
		if err != nil {
			t.Fatal(err)
		}
		l := created.GetList()
		if l.GetApiSlug() != "partners" || l.GetWorkspaceAccess() != attiov1.AccessLevel_ACCESS_LEVEL_READ_ONLY ||
			len(l.GetWorkspaceMemberAccess()) != 1 || l.GetWorkspaceMemberAccess()[0].GetLevel() != attiov1.AccessLevel_ACCESS_LEVEL_READ_AND_WRITE ||
			l.GetParentObject()[0] != "companies" || l.GetCreatedAt() == nil {
			t.Fatalf("CreateList = %v", l)
		}
		_, err = c.CreateList(ctx, &attiov1.CreateListRequest{Name: "Dup", ApiSlug: "partners", ParentObject: "companies"})
		wantCode(t, err, connect.CodeAlreadyExists)

		// Name changes, workspace access set to UNSPECIFIED is removed, grants are cleared.
		up, err := c.UpdateList(ctx, &attiov1.UpdateListRequest{
			List: "partners", Name: "Key partners",
			UpdateMask: mask("name", "workspace_access", "workspace_member_access"),
		})
		if err != nil {
			t.Fatal(err)
		}
		u := up.GetList()
		if u.GetName() != "Key partners" || u.GetApiSlug() != "partners" || u.GetWorkspaceAccess() != attiov1.AccessLevel_ACCESS_LEVEL_UNSPECIFIED || len(u.GetWorkspaceMemberAccess()) != 0 {
			t.Fatalf("UpdateList = %v", u)
		}
		back, err := c.GetList(ctx, &attiov1.GetListRequest{List: l.GetId().GetListId()})
		if err != nil {
			t.Fatal(err)
		}
		wantProto(t, "read back", back.GetList(), u)
		// Unset fields are left alone.
		up, err = c.UpdateList(ctx, &attiov1.UpdateListRequest{List: "partners", WorkspaceAccess: attiov1.AccessLevel_ACCESS_LEVEL_FULL_ACCESS, UpdateMask: mask("workspace_access")})
		if err != nil {
			t.Fatal(err)
		}
		if up.GetList().GetName() != "Key partners" || up.GetList().GetWorkspaceAccess() != attiov1.AccessLevel_ACCESS_LEVEL_FULL_ACCESS {
			t.Fatalf("UpdateList = %v", up.GetList())
		}

		// A name in the mask must have a value (an empty one would not clear it, Attio refuses it).
		wantLocalInvalid(t, h, func() error {
			_, err := c.UpdateList(ctx, &attiov1.UpdateListRequest{List: "partners", UpdateMask: mask("name")})
			return err
		})
		// No mask, nothing to write.
		wantLocalInvalid(t, h, func() error {
			_, err := c.UpdateList(ctx, &attiov1.UpdateListRequest{List: "partners",
				WorkspaceMemberAccess: []*attiov1.MemberAccess{{WorkspaceMemberId: seedBob, Level: attiov1.AccessLevel_ACCESS_LEVEL_READ_ONLY}}})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.CreateList(ctx, &attiov1.CreateListRequest{Name: "X", ApiSlug: "x", ParentObject: "companies",
				WorkspaceMemberAccess: []*attiov1.MemberAccess{{WorkspaceMemberId: "not-a-uuid", Level: attiov1.AccessLevel_ACCESS_LEVEL_READ_ONLY}}})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetList(ctx, &attiov1.GetListRequest{List: "Sales Pipeline"})
			return err
		})
	})
}
