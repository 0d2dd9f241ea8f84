package attio

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
)

// SCIM groups (workspace teams), from Attio's reference pages
// https://docs.attio.com/rest-api/scim/list-groups, get-group-by-id, create-group, update-group
// (PUT, a whole replacement), patch-group (PATCH: displayName and members) and delete-group.
// A member's value is a workspace membership id or a pending invite's id: the SCIM user's id.

// ScimGroupMember is one member of a group.
type ScimGroupMember struct {
	Value string `json:"value"`
	Ref   string `json:"$ref,omitempty"`
}

// ScimGroup is a workspace team.
type ScimGroup struct {
	Schemas     []string          `json:"schemas"`
	ID          string            `json:"id"`
	DisplayName string            `json:"displayName"`
	Members     []ScimGroupMember `json:"members"`
	Meta        ScimMeta          `json:"meta"`

	Extra Extra `json:"-"`
}

func (v *ScimGroup) UnmarshalJSON(b []byte) error {
	type a ScimGroup
	return unmarshalExtra(b, (*a)(v), &v.Extra)
}
func (v ScimGroup) MarshalJSON() ([]byte, error) {
	type a ScimGroup
	return marshalExtra(a(v), v.Extra)
}

const scimGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"

// ScimGroupQuery selects groups: a SCIM filter on displayName, the 0-based Offset and Limit of the
// page (0 = 100, Attio's cap), and whether to leave the members out (excludedAttributes=members).
type ScimGroupQuery struct {
	Filter         string
	Offset         int
	Limit          int
	ExcludeMembers bool
}

// scimListPage fetches one page of a SCIM list at the 0-based offset: SCIM counts from 1.
func scimListPage[T any](ctx context.Context, c *Client, e *endpoint, v url.Values, offset, limit int) (Page[T], int, error) {
	v.Set("startIndex", strconv.Itoa(offset+1))
	v.Set("count", strconv.Itoa(withLimit(limit, 100)))
	var l scimList[T]
	if err := c.do(ctx, call{ep: e, query: v, decode: decodeInto(&l)}); err != nil {
		return Page[T]{}, 0, err
	}
	next := offset + len(l.Resources)
	return Page[T]{Items: l.Resources, More: len(l.Resources) > 0 && next < l.TotalResults, NextOffset: next}, l.TotalResults, nil
}

// ListScimGroupsPage fetches one page of groups. The int is SCIM's totalResults.
func (c *Client) ListScimGroupsPage(ctx context.Context, q ScimGroupQuery) (Page[ScimGroup], int, error) {
	v := url.Values{}
	setIf(v, "filter", q.Filter)
	if q.ExcludeMembers {
		v.Set("excludedAttributes", "members")
	}
	return scimListPage[ScimGroup](ctx, c, epScimGroups, v, q.Offset, q.Limit)
}

// ListScimGroups iterates over all matching groups.
func (c *Client) ListScimGroups(ctx context.Context, q ScimGroupQuery) iter.Seq2[ScimGroup, error] {
	return walk(ctx, pageCursor{offset: q.Offset}, func(at pageCursor) (Page[ScimGroup], error) {
		q.Offset = at.offset
		p, _, err := c.ListScimGroupsPage(ctx, q)
		return p, err
	})
}

// GetScimGroup returns one group.
func (c *Client) GetScimGroup(ctx context.Context, groupID string) (ScimGroup, error) {
	var g ScimGroup
	err := c.do(ctx, call{ep: epScimGroup, params: []string{groupID}, decode: decodeInto(&g)})
	return g, err
}

func scimMembers(ids []string) []ScimGroupMember {
	out := make([]ScimGroupMember, 0, len(ids))
	for _, id := range ids {
		out = append(out, ScimGroupMember{Value: id})
	}
	return out
}

// CreateScimGroup adds a group with its first members (membership or invite ids).
func (c *Client) CreateScimGroup(ctx context.Context, displayName string, memberIDs []string) (ScimGroup, error) {
	body := map[string]any{"schemas": []string{scimGroupSchema}, "displayName": displayName}
	if len(memberIDs) > 0 {
		body["members"] = scimMembers(memberIDs)
	}
	var g ScimGroup
	err := c.do(ctx, call{ep: epCreateScimGroup, body: body, decode: decodeInto(&g)})
	return g, err
}

// ReplaceScimGroup sets a group's name and whole member list (PUT): members left out are removed.
func (c *Client) ReplaceScimGroup(ctx context.Context, groupID, displayName string, memberIDs []string) (ScimGroup, error) {
	body := map[string]any{"schemas": []string{scimGroupSchema}, "displayName": displayName, "members": scimMembers(memberIDs)}
	var g ScimGroup
	err := c.do(ctx, call{ep: epReplaceScimGroup, params: []string{groupID}, body: body, decode: decodeInto(&g)})
	return g, err
}

// ScimGroupPatch is a SCIM PATCH of a group, its operations applied in this order: a new name,
// a whole new member list, members added, members removed. Nil and empty fields add no operation.
type ScimGroupPatch struct {
	DisplayName *string
	Members     *[]string // replace the member list (an empty list removes every member)
	Add         []string
	Remove      []string
}

// Ops are the patch's SCIM operations. A member is removed by a value filter on its path
// (members[value eq "<id>"], RFC 7644 §3.5.2.2), one operation per member.
func (p ScimGroupPatch) Ops() []ScimPatchOp {
	var ops []ScimPatchOp
	if p.DisplayName != nil {
		ops = append(ops, ScimPatchOp{Op: "replace", Path: "displayName", Value: *p.DisplayName})
	}
	if p.Members != nil {
		ops = append(ops, ScimPatchOp{Op: "replace", Path: "members", Value: scimMembers(*p.Members)})
	}
	if len(p.Add) > 0 {
		ops = append(ops, ScimPatchOp{Op: "add", Path: "members", Value: scimMembers(p.Add)})
	}
	for _, id := range p.Remove {
		ops = append(ops, ScimPatchOp{Op: "remove", Path: "members[value eq " + strconv.Quote(id) + "]"})
	}
	return ops
}

// PatchScimGroup applies p to a group and returns the group after it.
func (c *Client) PatchScimGroup(ctx context.Context, groupID string, p ScimGroupPatch) (ScimGroup, error) {
	body := map[string]any{"schemas": []string{scimPatchSchema}, "Operations": p.Ops()}
	var g ScimGroup
	err := c.do(ctx, call{ep: epPatchScimGroup, params: []string{groupID}, body: body, decodeBody: func(b []byte) error {
		return json.Unmarshal(b, &g)
	}})
	return g, err
}

// DeleteScimGroup deletes a group; its members stay in the workspace.
func (c *Client) DeleteScimGroup(ctx context.Context, groupID string) error {
	return c.do(ctx, call{ep: epDeleteScimGroup, params: []string{groupID}})
}
