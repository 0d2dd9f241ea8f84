package attio

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
)

// SCIM 2.0 (workspace administration), from Attio's reference pages under
// https://docs.attio.com/rest-api/scim/ (GET /scim/v2/Schemas is also in the March 2026 document).
// SCIM lives beside /v2, at /scim/v2 from the API's root; it speaks application/scim+json and
// answers errors in SCIM's own shape (decodeSCIMError), which this client turns into the same
// *Error as Attio's other errors. Lists page by 1-based startIndex and count (at most 100).

// ScimSchema is one resource schema; Raw is the whole resource as Attio sent it.
type ScimSchema struct {
	ID          string
	Name        string
	Description string
	Raw         json.RawMessage
}

// ScimName is a user's name.
type ScimName struct {
	GivenName  *string `json:"givenName,omitempty"`
	FamilyName *string `json:"familyName,omitempty"`
}

// ScimEmail is one of a user's addresses.
type ScimEmail struct {
	Value   string `json:"value"`
	Primary bool   `json:"primary"`
}

// ScimMeta is a SCIM resource's metadata.
type ScimMeta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
}

// ScimUser is a workspace member or pending invite. AppRole is "admin" or "member", "" for
// suspended users.
type ScimUser struct {
	Schemas  []string    `json:"schemas"`
	ID       string      `json:"id"`
	UserName string      `json:"userName"`
	Name     *ScimName   `json:"name,omitempty"`
	Emails   []ScimEmail `json:"emails"`
	Active   bool        `json:"active"`
	AppRole  string      `json:"appRole,omitempty"`
	Meta     ScimMeta    `json:"meta"`

	Extra Extra `json:"-"`
}

func (v *ScimUser) UnmarshalJSON(b []byte) error {
	type a ScimUser
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v ScimUser) MarshalJSON() ([]byte, error) { type a ScimUser; return marshalExtra(a(v), v.Extra) }

// scimList is SCIM's ListResponse.
type scimList[T any] struct {
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
	Resources    []T `json:"Resources"`
}

const (
	scimUserSchema  = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimPatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

// ListScimSchemas returns the resource schemas Attio's SCIM API supports.
func (c *Client) ListScimSchemas(ctx context.Context) ([]ScimSchema, error) {
	var l scimList[json.RawMessage]
	if err := c.do(ctx, call{ep: epScimSchemas, decode: decodeInto(&l)}); err != nil {
		return nil, err
	}
	out := make([]ScimSchema, 0, len(l.Resources))
	for _, raw := range l.Resources {
		var s struct {
			ID          string `json:"id"`
			Name        string `json:"name"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		out = append(out, ScimSchema{ID: s.ID, Name: s.Name, Description: s.Description, Raw: raw})
	}
	return out, nil
}

// ScimUserQuery selects users: a SCIM filter expression, and the 0-based Offset and Limit of the
// page (0 = 100, Attio's cap).
type ScimUserQuery struct {
	Filter string
	Offset int
	Limit  int
}

// ListScimUsersPage fetches one page of users. The int is SCIM's totalResults.
func (c *Client) ListScimUsersPage(ctx context.Context, q ScimUserQuery) (Page[ScimUser], int, error) {
	v := url.Values{}
	setIf(v, "filter", q.Filter)
	return scimListPage[ScimUser](ctx, c, epScimUsers, v, q.Offset, q.Limit)
}

// ListScimUsers iterates over all matching users.
func (c *Client) ListScimUsers(ctx context.Context, q ScimUserQuery) iter.Seq2[ScimUser, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[ScimUser], error) {
		q.Offset = at.offset
		p, _, err := c.ListScimUsersPage(ctx, q)
		return p, err
	})
}

// GetScimUser returns one user.
func (c *Client) GetScimUser(ctx context.Context, userID string) (ScimUser, error) {
	var u ScimUser
	err := c.do(ctx, call{ep: epScimUser, params: []string{userID}, decode: decodeInto(&u)})
	return u, err
}

// ScimUserInput creates a user. Active nil means true; AppRole "" means member.
type ScimUserInput struct {
	UserName   string
	GivenName  string
	FamilyName string
	Active     *bool
	AppRole    string
}

// CreateScimUser adds a user (a member for a verified domain, else an invite).
func (c *Client) CreateScimUser(ctx context.Context, in ScimUserInput) (ScimUser, error) {
	body := map[string]any{"schemas": []string{scimUserSchema}, "userName": in.UserName}
	if in.GivenName != "" || in.FamilyName != "" {
		name := map[string]string{}
		if in.GivenName != "" {
			name["givenName"] = in.GivenName
		}
		if in.FamilyName != "" {
			name["familyName"] = in.FamilyName
		}
		body["name"] = name
	}
	if in.Active != nil {
		body["active"] = *in.Active
	}
	if in.AppRole != "" {
		body["appRole"] = in.AppRole
	}
	var u ScimUser
	err := c.do(ctx, call{ep: epCreateScimUser, body: body, decode: decodeInto(&u)})
	return u, err
}

// ScimUserUpdate changes a user; nil fields are left alone.
type ScimUserUpdate struct {
	GivenName  *string
	FamilyName *string
	Active     *bool
	AppRole    string // "" leaves it
}

// ScimPatchOp is one SCIM PATCH operation.
type ScimPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// UpdateScimUser applies up as SCIM replace operations. It returns nil when Attio answered 204
// (deactivating a pending invite revokes it: nothing is left to show).
func (c *Client) UpdateScimUser(ctx context.Context, userID string, up ScimUserUpdate) (*ScimUser, error) {
	var ops []ScimPatchOp
	if up.GivenName != nil {
		ops = append(ops, ScimPatchOp{Op: "replace", Path: "name.givenName", Value: *up.GivenName})
	}
	if up.FamilyName != nil {
		ops = append(ops, ScimPatchOp{Op: "replace", Path: "name.familyName", Value: *up.FamilyName})
	}
	if up.Active != nil {
		ops = append(ops, ScimPatchOp{Op: "replace", Path: "active", Value: *up.Active})
	}
	if up.AppRole != "" {
		ops = append(ops, ScimPatchOp{Op: "replace", Path: "appRole", Value: up.AppRole})
	}
	body := map[string]any{"schemas": []string{scimPatchSchema}, "Operations": ops}
	var u *ScimUser
	err := c.do(ctx, call{ep: epUpdateScimUser, params: []string{userID}, body: body, decodeBody: func(b []byte) error {
		u = nil
		if len(b) == 0 {
			return nil // 204
		}
		u = new(ScimUser)
		return json.Unmarshal(b, u)
	}})
	return u, err
}

// DeleteScimUser removes a member from the workspace or revokes an invite.
func (c *Client) DeleteScimUser(ctx context.Context, userID string) error {
	return c.do(ctx, call{ep: epDeleteScimUser, params: []string{userID}})
}
