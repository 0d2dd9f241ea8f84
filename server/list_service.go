package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// ListService serves attio.v1.ListService.
type ListService struct {
	client *attio.Client
}

var _ attiov1connect.ListServiceHandler = (*ListService)(nil)

var accessLevels = wireNames[attiov1.AccessLevel](kebabCase)

// ListLists returns one page of the lists, which Attio returns whole.
func (s *ListService) ListLists(ctx context.Context, req *attiov1.ListListsRequest) (*attiov1.ListListsResponse, error) {
	lists, next, err := pageUpstream(ctx, attiov1connect.ListServiceListListsProcedure, req, s.client.ListLists, toList)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListListsResponse{Lists: lists, NextPageToken: next}, nil
}

// GetList returns one list.
func (s *ListService) GetList(ctx context.Context, req *attiov1.GetListRequest) (*attiov1.GetListResponse, error) {
	l, err := s.client.GetList(ctx, req.GetList())
	return reply(err, func() *attiov1.GetListResponse { return &attiov1.GetListResponse{List: toList(&l)} })
}

// CreateList creates a list; UNSPECIFIED workspace access means none (null upstream).
func (s *ListService) CreateList(ctx context.Context, req *attiov1.CreateListRequest) (*attiov1.CreateListResponse, error) {
	in := attio.ListInput{
		Name:                  req.GetName(),
		APISlug:               req.GetApiSlug(),
		ParentObject:          req.GetParentObject(),
		WorkspaceMemberAccess: fromMemberAccess(req.GetWorkspaceMemberAccess()),
	}
	if lvl := enumName(accessLevels, req.GetWorkspaceAccess()); lvl != "" {
		in.WorkspaceAccess = &lvl
	}
	l, err := s.client.CreateList(ctx, in)
	return reply(err, func() *attiov1.CreateListResponse { return &attiov1.CreateListResponse{List: toList(&l)} })
}

// UpdateList changes the fields that are set. workspace_access set to UNSPECIFIED removes
// workspace-wide access; member grants are replaced only when set_member_access says so.
func (s *ListService) UpdateList(ctx context.Context, req *attiov1.UpdateListRequest) (*attiov1.UpdateListResponse, error) {
	u, err := readUpdate(req, []string{"name", "api_slug", "workspace_access", "workspace_member_access"}, []string{"name", "api_slug"})
	if err != nil {
		return nil, err
	}
	up := attio.ListUpdate{Name: masked(u, "name", req.GetName()), APISlug: masked(u, "api_slug", req.GetApiSlug())}
	if u.set["workspace_access"] {
		if lvl := enumName(accessLevels, req.GetWorkspaceAccess()); lvl != "" {
			up.WorkspaceAccess = attio.SetTo(lvl)
		} else {
			up.WorkspaceAccess = attio.SetNull[string]()
		}
	}
	if u.set["workspace_member_access"] {
		grants := fromMemberAccess(req.GetWorkspaceMemberAccess())
		up.WorkspaceMemberAccess = &grants
	}
	l, err := s.client.UpdateList(ctx, req.GetList(), up)
	return reply(err, func() *attiov1.UpdateListResponse { return &attiov1.UpdateListResponse{List: toList(&l)} })
}

// fromMemberAccess never returns nil: an empty list is how Attio clears all grants.
func fromMemberAccess(in []*attiov1.MemberAccess) []attio.MemberAccess {
	out := make([]attio.MemberAccess, 0, len(in))
	for _, m := range in {
		out = append(out, attio.MemberAccess{WorkspaceMemberID: m.GetWorkspaceMemberId(), Level: enumName(accessLevels, m.GetLevel())})
	}
	return out
}

func toList(l *attio.List) *attiov1.List {
	x := extrasOf(l.Extra)
	out := &attiov1.List{
		Id:              &attiov1.ListId{WorkspaceId: l.ID.WorkspaceID, ListId: l.ID.ListID},
		ApiSlug:         l.APISlug,
		Name:            l.Name,
		ParentObject:    l.ParentObject,
		WorkspaceAccess: enumOf(accessLevels, deref(l.WorkspaceAccess)),
		CreatedByActor:  toActor(&l.CreatedByActor),
		CreatedAt:       x.time("created_at", l.CreatedAt),
	}
	for _, m := range l.WorkspaceMemberAccess {
		out.WorkspaceMemberAccess = append(out.WorkspaceMemberAccess, &attiov1.MemberAccess{
			WorkspaceMemberId: m.WorkspaceMemberID, Level: enumOf(accessLevels, m.Level),
		})
	}
	out.ExtraJson = x.json()
	return out
}
