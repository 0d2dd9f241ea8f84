package server_test

import (
	"context"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func condition(attr, field string, op attiov1.FilterOperator, s string) *attiov1.Filter {
	return &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{
		Attribute: attr, Field: field, Op: op, Operand: &attiov1.Condition_StringValue{StringValue: s}}}}
}

func TestViewsListGetStream(t *testing.T) {
	eachClient(t, attiov1connect.NewViewServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.ViewServiceClient, h *harness, p protocol) {
		page, err := c.ListObjectViews(ctx, &attiov1.ListObjectViewsRequest{Object: "people", PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got := idsOf(page.GetViews(), viewID); !slices.Equal(got, []string{sandbox.SeedViewEveryoneID}) || page.GetNextPageToken() == "" {
			t.Fatalf("first page = %v, token %q", got, page.GetNextPageToken())
		}
		page, err = c.ListObjectViews(ctx, &attiov1.ListObjectViewsRequest{Object: "people", PageSize: 1, PageToken: page.GetNextPageToken()})
		if err != nil {
			t.Fatal(err)
		}
		lovelaces := page.GetViews()[0]
		want := &attiov1.SavedView{
			Id:    &attiov1.SavedViewId{WorkspaceId: lovelaces.GetId().GetWorkspaceId(), ObjectId: lovelaces.GetId().GetObjectId(), ViewId: sandbox.SeedViewLovelacesID},
			Title: "Lovelaces", Type: attiov1.SavedViewType_SAVED_VIEW_TYPE_TABLE,
			Filter:     condition("name", "last_name", attiov1.FilterOperator_FILTER_OPERATOR_EQ, "Lovelace"),
			Sorts:      []*attiov1.Sort{{Attribute: "created_at", Direction: attiov1.SortDirection_SORT_DIRECTION_DESC}},
			Attributes: []*attiov1.SavedViewColumn{{Attribute: "name", Field: "first_name"}},
			CreatedAt:  mustTime(t, "2025-05-02T09:00:00Z"),
		}
		if !proto.Equal(lovelaces, want) || page.GetNextPageToken() != "" || lovelaces.GetId().GetObjectId() == "" {
			t.Fatalf("second page = %v (token %q), want %v", lovelaces, page.GetNextPageToken(), want)
		}
		got, err := c.GetObjectView(ctx, &attiov1.GetObjectViewRequest{Object: "people", ViewId: sandbox.SeedViewLovelacesID})
		if err != nil || !proto.Equal(got.GetView(), want) {
			t.Fatalf("GetObjectView = %v, %v", got.GetView(), err)
		}
		_, err = c.GetObjectView(ctx, &attiov1.GetObjectViewRequest{Object: "people", ViewId: unknownID})
		wantCode(t, err, connect.CodeNotFound)
		wantLocalInvalid(t, h, func() error {
			_, err := c.GetObjectView(ctx, &attiov1.GetObjectViewRequest{Object: "people", ViewId: "nope"})
			return err
		})

		st, err := c.StreamObjectViews(ctx, &attiov1.StreamObjectViewsRequest{Object: "people", ShowArchived: true, PageSize: 2})
		if err != nil {
			t.Fatal(err)
		}
		var streamed []string
		msgs := drain(t, st.Receive)
		for _, m := range msgs {
			streamed = append(streamed, idsOf(m.GetViews(), viewID)...)
		}
		if !slices.Equal(streamed, []string{sandbox.SeedViewEveryoneID, sandbox.SeedViewLovelacesID, sandbox.SeedViewArchivedID}) || len(msgs) != 2 {
			t.Fatalf("streamed %v in %d messages", streamed, len(msgs))
		}

		lv, err := c.ListListViews(ctx, &attiov1.ListListViewsRequest{List: "sales_pipeline"})
		if err != nil || len(lv.GetViews()) != 1 {
			t.Fatalf("ListListViews = %v, %v", lv, err)
		}
		board := lv.GetViews()[0]
		if board.GetType() != attiov1.SavedViewType_SAVED_VIEW_TYPE_BOARD || board.GetId().GetListId() != seedSalesPipelineID || board.GetId().GetObjectId() != "" {
			t.Fatalf("list view = %v", board)
		}
		gl, err := c.GetListView(ctx, &attiov1.GetListViewRequest{List: seedSalesPipelineID, ViewId: sandbox.SeedListViewID})
		if err != nil || !proto.Equal(gl.GetView(), board) {
			t.Fatalf("GetListView = %v, %v", gl.GetView(), err)
		}
		sl, err := c.StreamListViews(ctx, &attiov1.StreamListViewsRequest{List: "sales_pipeline"})
		if err != nil {
			t.Fatal(err)
		}
		if m := drain(t, sl.Receive); len(m) != 1 || !proto.Equal(m[0].GetViews()[0], board) {
			t.Fatalf("StreamListViews = %v", m)
		}
	})
}

// TestQueryAsViewShows: a query with view_id returns exactly what the same query with the view's
// filter and sorts written out returns, for records and entries, unary and streamed.
func TestQueryAsViewShows(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		rc := attiov1connect.NewRecordServiceClient(h.rpc(p))
		query := func(req *attiov1.QueryRecordsRequest) []string {
			t.Helper()
			r, err := rc.QueryRecords(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			return idsOf(r.GetRecords(), recordID)
		}
		lovelace := condition("name", "last_name", attiov1.FilterOperator_FILTER_OPERATOR_EQ, "Lovelace")
		newest := []*attiov1.Sort{{Attribute: "created_at", Direction: attiov1.SortDirection_SORT_DIRECTION_DESC}}
		want := query(&attiov1.QueryRecordsRequest{Object: "people", Filter: lovelace, Sorts: newest})
		everyone := query(&attiov1.QueryRecordsRequest{Object: "people"})
		if len(want) == 0 || len(want) >= len(everyone) || !slices.Contains(want, seedAda) {
			t.Fatalf("the view's filter should pick some people, Ada among them: %v of %d", want, len(everyone))
		}
		if got := query(&attiov1.QueryRecordsRequest{Object: "people", ViewId: sandbox.SeedViewLovelacesID}); !slices.Equal(got, want) {
			t.Errorf("as the view shows them: %v, want %v", got, want)
		}
		// The caller's filter narrows the view's further.
		ada := condition("name", "first_name", attiov1.FilterOperator_FILTER_OPERATOR_EQ, "Ada")
		both := &attiov1.Filter{Node: &attiov1.Filter_All{All: &attiov1.FilterList{Filters: []*attiov1.Filter{lovelace, ada}}}}
		wantBoth := query(&attiov1.QueryRecordsRequest{Object: "people", Filter: both, Sorts: newest})
		if got := query(&attiov1.QueryRecordsRequest{Object: "people", Filter: ada, ViewId: sandbox.SeedViewLovelacesID}); !slices.Equal(got, wantBoth) || len(got) == 0 {
			t.Errorf("view and filter: %v, want %v", got, wantBoth)
		}
		// A view without a filter only orders.
		byLastName := []*attiov1.Sort{{Attribute: "name", Field: "last_name", Direction: attiov1.SortDirection_SORT_DIRECTION_ASC}}
		if got, want := query(&attiov1.QueryRecordsRequest{Object: "people", ViewId: sandbox.SeedViewEveryoneID}),
			query(&attiov1.QueryRecordsRequest{Object: "people", Sorts: byLastName}); !slices.Equal(got, want) {
			t.Errorf("Everyone view: %v, want %v", got, want)
		}
		ids, _, err := streamAll(t, ctx, rc, &attiov1.StreamRecordsRequest{Object: "people", ViewId: sandbox.SeedViewLovelacesID, PageSize: 1}, 0)
		if err != nil || !slices.Equal(ids, want) {
			t.Errorf("StreamRecords with the view: %v, %v; want %v", ids, err, want)
		}
		wantLocalInvalid(t, h, func() error {
			_, err := rc.QueryRecords(ctx, &attiov1.QueryRecordsRequest{Object: "people", ViewId: sandbox.SeedViewLovelacesID, Sorts: newest})
			return err
		})
		_, err = rc.QueryRecords(ctx, &attiov1.QueryRecordsRequest{Object: "people", ViewId: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		ec := attiov1connect.NewEntryServiceClient(h.rpc(p))
		entries := func(req *attiov1.QueryEntriesRequest) []string {
			t.Helper()
			r, err := ec.QueryEntries(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			return idsOf(r.GetEntries(), entryID)
		}
		wantE := entries(&attiov1.QueryEntriesRequest{List: "sales_pipeline",
			Filter: condition("stage", "", attiov1.FilterOperator_FILTER_OPERATOR_EQ, "In Progress"),
			Sorts:  []*attiov1.Sort{{Attribute: "deal_size", Direction: attiov1.SortDirection_SORT_DIRECTION_DESC}}})
		if len(wantE) == 0 {
			t.Fatal("no entry in progress in the seed")
		}
		if got := entries(&attiov1.QueryEntriesRequest{List: "sales_pipeline", ViewId: sandbox.SeedListViewID}); !slices.Equal(got, wantE) {
			t.Errorf("entries as the board shows them: %v, want %v", got, wantE)
		}
		st, err := ec.StreamEntries(ctx, &attiov1.StreamEntriesRequest{List: "sales_pipeline", ViewId: sandbox.SeedListViewID})
		if err != nil {
			t.Fatal(err)
		}
		var streamed []string
		for _, m := range drain(t, st.Receive) {
			streamed = append(streamed, idsOf(m.GetEntries(), entryID)...)
		}
		if !slices.Equal(streamed, wantE) {
			t.Errorf("StreamEntries with the view: %v, want %v", streamed, wantE)
		}
	})
}
