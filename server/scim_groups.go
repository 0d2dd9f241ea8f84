package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// SCIM groups (workspace teams): https://docs.attio.com/rest-api/scim/list-groups and the group
// pages beside it. The PATCH of a group is three RPCs, one per intent (UpdateScimGroup for masked
// replacements, AddScimGroupMembers, RemoveScimGroupMembers), so an approver reads one kind of
// change; PUT is ReplaceScimGroup.

func (s *ScimService) groupFetch(filter string, exclude bool) scimFetch[attio.ScimGroup] {
	return func(ctx context.Context, offset, limit int) (attio.Page[attio.ScimGroup], int, error) {
		return s.client.ListScimGroupsPage(ctx, attio.ScimGroupQuery{Filter: filter, Offset: offset, Limit: limit, ExcludeMembers: exclude})
	}
}

// ListScimGroups returns one page of groups.
func (s *ScimService) ListScimGroups(ctx context.Context, req *attiov1.ListScimGroupsRequest) (*attiov1.ListScimGroupsResponse, error) {
	groups, total, next, err := scimListPage(ctx, attiov1connect.ScimServiceListScimGroupsProcedure, req, req.GetPageToken(), req.GetPageSize(),
		s.groupFetch(req.GetFilter(), req.GetExcludeMembers()))
	if err != nil {
		return nil, err
	}
	return &attiov1.ListScimGroupsResponse{Groups: toScimGroups(groups), TotalResults: total, NextPageToken: next}, nil
}

// StreamScimGroups walks every matching group, one message per upstream page.
func (s *ScimService) StreamScimGroups(ctx context.Context, req *attiov1.StreamScimGroupsRequest, stream attiov1connect.ScimServiceStreamScimGroupsServerStream) error {
	return streamFiltered(ctx, scimListing(s.groupFetch(req.GetFilter(), req.GetExcludeMembers())),
		attiov1connect.ScimServiceStreamScimGroupsProcedure, req, defaultScimStreamPage, stream.Send,
		func(items []attio.ScimGroup, resume string) *attiov1.StreamScimGroupsResponse {
			return &attiov1.StreamScimGroupsResponse{Groups: toScimGroups(items), ResumeToken: resume}
		})
}

// GetScimGroup returns one group.
func (s *ScimService) GetScimGroup(ctx context.Context, req *attiov1.GetScimGroupRequest) (*attiov1.GetScimGroupResponse, error) {
	g, err := groupResult(s.client.GetScimGroup(ctx, req.GetGroupId()))
	return &attiov1.GetScimGroupResponse{Group: g}, err
}

// CreateScimGroup adds a group.
func (s *ScimService) CreateScimGroup(ctx context.Context, req *attiov1.CreateScimGroupRequest) (*attiov1.CreateScimGroupResponse, error) {
	g, err := groupResult(s.client.CreateScimGroup(ctx, req.GetDisplayName(), req.GetMemberIds()))
	return &attiov1.CreateScimGroupResponse{Group: g}, err
}

// ReplaceScimGroup sets a group's name and whole member list.
func (s *ScimService) ReplaceScimGroup(ctx context.Context, req *attiov1.ReplaceScimGroupRequest) (*attiov1.ReplaceScimGroupResponse, error) {
	g, err := groupResult(s.client.ReplaceScimGroup(ctx, req.GetGroupId(), req.GetDisplayName(), req.GetMemberIds()))
	return &attiov1.ReplaceScimGroupResponse{Group: g}, err
}

// UpdateScimGroup changes the fields of a group that update_mask names.
func (s *ScimService) UpdateScimGroup(ctx context.Context, req *attiov1.UpdateScimGroupRequest) (*attiov1.UpdateScimGroupResponse, error) {
	u, err := readUpdate(req, []string{"display_name", "member_ids"}, []string{"display_name"})
	if err != nil {
		return nil, err
	}
	g, err := groupResult(s.client.PatchScimGroup(ctx, req.GetGroupId(), attio.ScimGroupPatch{
		DisplayName: masked(u, "display_name", req.GetDisplayName()), Members: masked(u, "member_ids", req.GetMemberIds())}))
	return &attiov1.UpdateScimGroupResponse{Group: g}, err
}

// AddScimGroupMembers adds users to a group.
func (s *ScimService) AddScimGroupMembers(ctx context.Context, req *attiov1.AddScimGroupMembersRequest) (*attiov1.AddScimGroupMembersResponse, error) {
	g, err := groupResult(s.client.PatchScimGroup(ctx, req.GetGroupId(), attio.ScimGroupPatch{Add: req.GetMemberIds()}))
	return &attiov1.AddScimGroupMembersResponse{Group: g}, err
}

// RemoveScimGroupMembers takes users out of a group.
func (s *ScimService) RemoveScimGroupMembers(ctx context.Context, req *attiov1.RemoveScimGroupMembersRequest) (*attiov1.RemoveScimGroupMembersResponse, error) {
	g, err := groupResult(s.client.PatchScimGroup(ctx, req.GetGroupId(), attio.ScimGroupPatch{Remove: req.GetMemberIds()}))
	return &attiov1.RemoveScimGroupMembersResponse{Group: g}, err
}

// DeleteScimGroup deletes a group.
func (s *ScimService) DeleteScimGroup(ctx context.Context, req *attiov1.DeleteScimGroupRequest) (*attiov1.DeleteScimGroupResponse, error) {
	if err := s.client.DeleteScimGroup(ctx, req.GetGroupId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteScimGroupResponse{}, nil
}

// groupResult maps a client call's group and error; on error the group is nil and the caller's
// response is dropped by Connect.
func groupResult(g attio.ScimGroup, err error) (*attiov1.ScimGroup, error) {
	if err != nil {
		return nil, upstreamError(err)
	}
	return toScimGroup(&g), nil
}

func toScimGroup(g *attio.ScimGroup) *attiov1.ScimGroup {
	x := extrasOf(g.Extra)
	out := &attiov1.ScimGroup{
		Id: g.ID, DisplayName: g.DisplayName, Members: make([]*attiov1.ScimGroupMember, 0, len(g.Members)),
		Created:      x.time("meta.created", g.Meta.Created),
		LastModified: x.time("meta.lastModified", g.Meta.LastModified),
	}
	for _, m := range g.Members {
		out.Members = append(out.Members, &attiov1.ScimGroupMember{UserId: m.Value, Ref: m.Ref})
	}
	out.ExtraJson = x.json()
	return out
}

func toScimGroups(gs []attio.ScimGroup) []*attiov1.ScimGroup {
	out := make([]*attiov1.ScimGroup, 0, len(gs))
	for i := range gs {
		out = append(out, toScimGroup(&gs[i]))
	}
	return out
}
