package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// WorkspaceService serves attio.v1.WorkspaceService.
type WorkspaceService struct {
	client *attio.Client
}

var _ attiov1connect.WorkspaceServiceHandler = (*WorkspaceService)(nil)

var memberAccessLevels = wireNames[attiov1.MemberAccessLevel](kebabCase)

// GetSelf describes the upstream token of the chosen connection and its workspace.
func (s *WorkspaceService) GetSelf(ctx context.Context, _ *attiov1.GetSelfRequest) (*attiov1.GetSelfResponse, error) {
	me, err := s.client.Self(ctx)
	if err != nil {
		return nil, upstreamError(err)
	}
	return toSelf(&me), nil
}

// ListWorkspaceMembers returns one page of the members, which Attio returns whole.
func (s *WorkspaceService) ListWorkspaceMembers(ctx context.Context, req *attiov1.ListWorkspaceMembersRequest) (*attiov1.ListWorkspaceMembersResponse, error) {
	ms, next, err := pageUpstream(ctx, attiov1connect.WorkspaceServiceListWorkspaceMembersProcedure, req, s.client.ListWorkspaceMembers, toWorkspaceMember)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListWorkspaceMembersResponse{WorkspaceMembers: ms, NextPageToken: next}, nil
}

// GetWorkspaceMember returns one member.
func (s *WorkspaceService) GetWorkspaceMember(ctx context.Context, req *attiov1.GetWorkspaceMemberRequest) (*attiov1.GetWorkspaceMemberResponse, error) {
	m, err := s.client.GetWorkspaceMember(ctx, req.GetWorkspaceMemberId())
	return reply(err, func() *attiov1.GetWorkspaceMemberResponse {
		return &attiov1.GetWorkspaceMemberResponse{WorkspaceMember: toWorkspaceMember(&m)}
	})
}

func toSelf(me *attio.Self) *attiov1.GetSelfResponse {
	out := &attiov1.GetSelfResponse{
		Active:                        me.Active,
		Scope:                         me.Scope,
		ClientId:                      me.ClientID,
		TokenType:                     me.TokenType,
		Iat:                           unixTimestamp(me.Iat),
		Sub:                           me.Sub,
		Aud:                           me.Aud,
		Iss:                           me.Iss,
		AuthorizedByWorkspaceMemberId: me.AuthorizedByWorkspaceMemberID,
		WorkspaceId:                   me.WorkspaceID,
		WorkspaceName:                 me.WorkspaceName,
		WorkspaceSlug:                 me.WorkspaceSlug,
		WorkspaceLogoUrl:              me.WorkspaceLogoURL,
	}
	if me.Exp != nil {
		out.Exp = unixTimestamp(*me.Exp)
	}
	out.ExtraJson = extrasOf(me.Extra).json()
	return out
}

func toWorkspaceMember(m *attio.WorkspaceMember) *attiov1.WorkspaceMember {
	x := extrasOf(m.Extra)
	return &attiov1.WorkspaceMember{
		Id:           &attiov1.WorkspaceMemberId{WorkspaceId: m.ID.WorkspaceID, WorkspaceMemberId: m.ID.WorkspaceMemberID},
		FirstName:    m.FirstName,
		LastName:     m.LastName,
		AvatarUrl:    m.AvatarURL,
		EmailAddress: m.EmailAddress,
		CreatedAt:    x.time("created_at", m.CreatedAt),
		AccessLevel:  enumOf(memberAccessLevels, m.AccessLevel),
		ExtraJson:    x.json(),
	}
}
