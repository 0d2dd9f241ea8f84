package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// ScimService serves attio.v1.ScimService: workspace administration over Attio's SCIM API. Lists
// page by offset (SCIM's startIndex); the client has already turned SCIM's error shape into the
// usual *attio.Error, so upstreamError maps it like any other.
type ScimService struct {
	client *attio.Client
}

var _ attiov1connect.ScimServiceHandler = (*ScimService)(nil)

const (
	defaultScimPage       = 100
	defaultScimStreamPage = 100
)

var scimAppRoles = wireNames[attiov1.ScimAppRole](snakeCase)

// GetScimSchemas returns the SCIM schemas.
func (s *ScimService) GetScimSchemas(ctx context.Context, _ *attiov1.GetScimSchemasRequest) (*attiov1.GetScimSchemasResponse, error) {
	got, err := s.client.ListScimSchemas(ctx)
	if err != nil {
		return nil, upstreamError(err)
	}
	out := &attiov1.GetScimSchemasResponse{Schemas: make([]*attiov1.ScimSchema, 0, len(got))}
	for _, sc := range got {
		out.Schemas = append(out.Schemas, &attiov1.ScimSchema{Id: sc.ID, Name: sc.Name, Description: sc.Description, SchemaJson: string(sc.Raw)})
	}
	return out, nil
}

// ListScimUsers returns one page of users.
func (s *ScimService) ListScimUsers(ctx context.Context, req *attiov1.ListScimUsersRequest) (*attiov1.ListScimUsersResponse, error) {
	users, total, next, err := scimListPage(ctx, attiov1connect.ScimServiceListScimUsersProcedure, req, req.GetPageToken(), req.GetPageSize(),
		func(ctx context.Context, offset, limit int) (attio.Page[attio.ScimUser], int, error) {
			return s.client.ListScimUsersPage(ctx, attio.ScimUserQuery{Filter: req.GetFilter(), Offset: offset, Limit: limit})
		})
	if err != nil {
		return nil, err
	}
	return &attiov1.ListScimUsersResponse{Users: toScimUsers(users), TotalResults: total, NextPageToken: next}, nil
}

// StreamScimUsers walks every matching user, one message per upstream page.
func (s *ScimService) StreamScimUsers(ctx context.Context, req *attiov1.StreamScimUsersRequest, stream attiov1connect.ScimServiceStreamScimUsersServerStream) error {
	users := scimListing(func(ctx context.Context, offset, limit int) (attio.Page[attio.ScimUser], int, error) {
		return s.client.ListScimUsersPage(ctx, attio.ScimUserQuery{Filter: req.GetFilter(), Offset: offset, Limit: limit})
	})
	return streamFiltered(ctx, users, attiov1connect.ScimServiceStreamScimUsersProcedure, req, defaultScimStreamPage, stream.Send,
		func(items []attio.ScimUser, resume string) *attiov1.StreamScimUsersResponse {
			return &attiov1.StreamScimUsersResponse{Users: toScimUsers(items), ResumeToken: resume}
		})
}

// scimFetch fetches one page of a SCIM list at a 0-based offset, with SCIM's totalResults.
type scimFetch[T any] func(ctx context.Context, offset, limit int) (attio.Page[T], int, error)

// scimListPage serves one page of a SCIM list (AIP-158 over SCIM's offsets).
func scimListPage[T any](ctx context.Context, procedure string, req pagedRequest, token string, size int32, fetch scimFetch[T]) ([]T, int32, string, error) {
	p := newPager(ctx, procedure, req)
	pos, err := p.start(token)
	if err != nil {
		return nil, 0, "", err
	}
	page, total, err := fetch(ctx, int(pos.Offset), pageSize(size, defaultScimPage))
	if err != nil {
		return nil, 0, "", upstreamError(err)
	}
	return page.Items, int32(total), nextPageToken(p, page), nil
}

// scimListing is a SCIM list walked by offset, for streams (SCIM's totalResults is for unary
// pages only).
func scimListing[T any](fetch scimFetch[T]) filtered[attio.PageQuery, T] {
	return filtered[attio.PageQuery, T]{
		query: func(size int, pos pageToken) (attio.PageQuery, error) {
			return attio.PageQuery{Limit: size, Offset: int(pos.Offset)}, nil
		},
		fetch: func(ctx context.Context, q attio.PageQuery) (attio.Page[T], error) {
			page, _, err := fetch(ctx, q.Offset, q.Limit)
			return page, err
		},
	}
}

// GetScimUser returns one user.
func (s *ScimService) GetScimUser(ctx context.Context, req *attiov1.GetScimUserRequest) (*attiov1.GetScimUserResponse, error) {
	u, err := s.client.GetScimUser(ctx, req.GetUserId())
	return reply(err, func() *attiov1.GetScimUserResponse { return &attiov1.GetScimUserResponse{User: toScimUser(&u)} })
}

// CreateScimUser adds a user.
func (s *ScimService) CreateScimUser(ctx context.Context, req *attiov1.CreateScimUserRequest) (*attiov1.CreateScimUserResponse, error) {
	u, err := s.client.CreateScimUser(ctx, attio.ScimUserInput{
		UserName: req.GetUserName(), GivenName: req.GetGivenName(), FamilyName: req.GetFamilyName(),
		Active: req.Active, AppRole: enumName(scimAppRoles, req.GetAppRole()),
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.CreateScimUserResponse{User: toScimUser(&u)}, nil
}

// UpdateScimUser changes the fields of a user that update_mask names.
func (s *ScimService) UpdateScimUser(ctx context.Context, req *attiov1.UpdateScimUserRequest) (*attiov1.UpdateScimUserResponse, error) {
	u, err := readUpdate(req, []string{"given_name", "family_name", "active", "app_role"}, []string{"app_role"})
	if err != nil {
		return nil, err
	}
	up := attio.ScimUserUpdate{GivenName: masked(u, "given_name", req.GetGivenName()), FamilyName: masked(u, "family_name", req.GetFamilyName()),
		Active: masked(u, "active", req.GetActive())}
	if u.set["app_role"] {
		up.AppRole = enumName(scimAppRoles, req.GetAppRole())
	}
	user, err := s.client.UpdateScimUser(ctx, req.GetUserId(), up)
	if err != nil {
		return nil, upstreamError(err)
	}
	out := &attiov1.UpdateScimUserResponse{}
	if user != nil {
		out.User = toScimUser(user)
	}
	return out, nil
}

// DeleteScimUser removes a user.
func (s *ScimService) DeleteScimUser(ctx context.Context, req *attiov1.DeleteScimUserRequest) (*attiov1.DeleteScimUserResponse, error) {
	if err := s.client.DeleteScimUser(ctx, req.GetUserId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteScimUserResponse{}, nil
}

func toScimUser(u *attio.ScimUser) *attiov1.ScimUser {
	x := extrasOf(u.Extra)
	out := &attiov1.ScimUser{
		Id: u.ID, UserName: u.UserName, Active: u.Active, AppRole: enumOf(scimAppRoles, u.AppRole),
		Emails:       make([]*attiov1.ScimEmail, 0, len(u.Emails)),
		Created:      x.time("meta.created", u.Meta.Created),
		LastModified: x.time("meta.lastModified", u.Meta.LastModified),
	}
	if u.Name != nil {
		out.GivenName, out.FamilyName = u.Name.GivenName, u.Name.FamilyName
	}
	for _, e := range u.Emails {
		out.Emails = append(out.Emails, &attiov1.ScimEmail{Value: e.Value, Primary: e.Primary})
	}
	out.ExtraJson = x.json()
	return out
}

func toScimUsers(us []attio.ScimUser) []*attiov1.ScimUser {
	out := make([]*attiov1.ScimUser, 0, len(us))
	for i := range us {
		out = append(out, toScimUser(&us[i]))
	}
	return out
}
