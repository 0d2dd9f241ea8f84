package server_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// pagedCall is one unary list RPC: call it with page_size and page_token, get the ids of the
// items and the next token.
type pagedCall func(ctx context.Context, size int32, token string) (ids []string, next string, err error)

// walkPages follows next_page_token from the first page to the last; last is the last token
// handed out ("" when the first page was the only one).
func walkPages(t *testing.T, call pagedCall, size int32) (ids []string, pages int, last string) {
	t.Helper()
	token := ""
	for {
		got, next, err := call(t.Context(), size, token)
		if err != nil {
			t.Fatal(err)
		}
		if size > 0 && len(got) > int(size) {
			t.Fatalf("page of %d items, page_size %d", len(got), size)
		}
		ids, pages = append(ids, got...), pages+1
		if next == "" {
			return ids, pages, token
		}
		token = next
		if pages > 1000 {
			t.Fatal("paging does not end")
		}
	}
}

// wantWalk checks that pages of one item walk want, in order, and that the walk's last token sent
// with another query (other) is refused before anything reaches Attio.
func wantWalk(t *testing.T, h *harness, call pagedCall, want []string, other func(token string) error) {
	t.Helper()
	walked, _, token := walkPages(t, call, 1)
	if !slices.Equal(walked, want) {
		t.Fatalf("paged walk = %v, want %v", walked, want)
	}
	wantLocalInvalid(t, h, func() error { return other(token) })
}

// TestWholeListingsPage: the lists Attio (or Maton) returns whole are paged by the facade the
// AIP-158 way: page_size 1 walks every item exactly once, in the order of one big page, and a
// token sent with another query is InvalidArgument.
func TestWholeListingsPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	rpc := h.rpc(protocols[0])
	objects := attiov1connect.NewObjectServiceClient(rpc)
	lists := attiov1connect.NewListServiceClient(rpc)
	members := attiov1connect.NewWorkspaceServiceClient(rpc)
	attrs := attiov1connect.NewAttributeServiceClient(rpc)
	conns := attiov1connect.NewConnectionServiceClient(rpc)
	for _, tc := range []struct {
		name string
		call pagedCall
		// other is the same RPC with another query, to check the token binding; nil when the
		// request has nothing but paging.
		other pagedCall
	}{
		{"ListObjects", func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := objects.ListObjects(ctx, &attiov1.ListObjectsRequest{PageSize: size, PageToken: tok})
			return idsOf(r.GetObjects(), (*attiov1.Object).GetApiSlug), r.GetNextPageToken(), err
		}, nil},
		{"ListLists", func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := lists.ListLists(ctx, &attiov1.ListListsRequest{PageSize: size, PageToken: tok})
			return idsOf(r.GetLists(), (*attiov1.List).GetApiSlug), r.GetNextPageToken(), err
		}, nil},
		{"ListWorkspaceMembers", func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := members.ListWorkspaceMembers(ctx, &attiov1.ListWorkspaceMembersRequest{PageSize: size, PageToken: tok})
			return idsOf(r.GetWorkspaceMembers(), (*attiov1.WorkspaceMember).GetEmailAddress), r.GetNextPageToken(), err
		}, nil},
		{"ListSelectOptions", func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := attrs.ListSelectOptions(ctx, &attiov1.ListSelectOptionsRequest{Target: targetObject, Identifier: "projects", Attribute: "priority", PageSize: size, PageToken: tok})
			return idsOf(r.GetOptions(), (*attiov1.SelectOption).GetTitle), r.GetNextPageToken(), err
		}, func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := attrs.ListSelectOptions(ctx, &attiov1.ListSelectOptionsRequest{Target: targetObject, Identifier: "projects", Attribute: "priority", ShowArchived: true, PageSize: size, PageToken: tok})
			return nil, r.GetNextPageToken(), err
		}},
		{"ListStatuses", func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := attrs.ListStatuses(ctx, &attiov1.ListStatusesRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage", PageSize: size, PageToken: tok})
			return idsOf(r.GetStatuses(), (*attiov1.Status).GetTitle), r.GetNextPageToken(), err
		}, func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := attrs.ListStatuses(ctx, &attiov1.ListStatusesRequest{Target: targetList, Identifier: "sales_pipeline", Attribute: "stage", ShowArchived: true, PageSize: size, PageToken: tok})
			return nil, r.GetNextPageToken(), err
		}},
		{"ListConnections", func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := conns.ListConnections(ctx, &attiov1.ListConnectionsRequest{PageSize: size, PageToken: tok})
			return idsOf(r.GetConnections(), (*attiov1.Connection).GetConnectionId), r.GetNextPageToken(), err
		}, func(ctx context.Context, size int32, tok string) ([]string, string, error) {
			r, err := conns.ListConnections(ctx, &attiov1.ListConnectionsRequest{Status: attiov1.ConnectionStatus_CONNECTION_STATUS_ACTIVE, PageSize: size, PageToken: tok})
			return nil, r.GetNextPageToken(), err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all, pages, _ := walkPages(t, tc.call, 1000)
			if pages != 1 || len(all) < 2 {
				t.Fatalf("page_size 1000: %d pages, %d items; the seed needs at least 2 items here", pages, len(all))
			}
			one, pages, _ := walkPages(t, tc.call, 1)
			if !slices.Equal(one, all) || pages != len(all) {
				t.Fatalf("page_size 1 walked %v in %d pages, want %v", one, pages, all)
			}
			_, next, err := tc.call(t.Context(), 1, "")
			if err != nil || next == "" {
				t.Fatalf("first page: next %q, %v", next, err)
			}
			if tc.other != nil {
				_, _, err := tc.other(t.Context(), 1, next)
				wantCode(t, err, connect.CodeInvalidArgument)
			}
		})
	}
}

// TestListAttributesDefaultPage: page_size 0 is the documented default of 100, not "everything",
// on an object with more attributes than that; the rest comes on the next pages.
func TestListAttributesDefaultPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	for i := range 120 {
		if _, err := h.client.CreateAttribute(t.Context(), attio.TargetObjects, "projects", attio.AttributeInput{
			Title: fmt.Sprintf("Extra %d", i), APISlug: fmt.Sprintf("extra_%d", i), Type: "text",
		}); err != nil {
			t.Fatal(err)
		}
	}
	c := attiov1connect.NewAttributeServiceClient(h.rpc(protocols[0]))
	req := &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "projects"}
	first, err := c.ListAttributes(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(first.GetAttributes()); n != 100 || first.GetNextPageToken() == "" {
		t.Fatalf("page_size 0: %d attributes, next token %q; want 100 and a token", n, first.GetNextPageToken())
	}
	seen := idsOf(first.GetAttributes(), attrSlug)
	next := proto.CloneOf(req)
	for tok := first.GetNextPageToken(); tok != ""; {
		next.PageToken = tok
		res, err := c.ListAttributes(t.Context(), next)
		if err != nil {
			t.Fatal(err)
		}
		seen, tok = append(seen, idsOf(res.GetAttributes(), attrSlug)...), res.GetNextPageToken()
	}
	for i := range 120 {
		if !slices.Contains(seen, fmt.Sprintf("extra_%d", i)) {
			t.Fatalf("extra_%d missing from the pages", i)
		}
	}
	// At the maximum, one page holds them all.
	big, err := c.ListAttributes(t.Context(), &attiov1.ListAttributesRequest{Target: targetObject, Identifier: "projects", PageSize: 1000})
	if err != nil || len(big.GetAttributes()) != len(seen) || big.GetNextPageToken() != "" {
		t.Fatalf("page_size 1000: %d attributes (want %d), next %q, %v", len(big.GetAttributes()), len(seen), big.GetNextPageToken(), err)
	}
}
