package server_test

import (
	"errors"
	"io"
	"slices"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

const (
	initechID       = "fff3b7db-b023-5474-96d7-5b23ac4628f1" // in no list
	energyguidedLid = "9255b829-5d45-5537-a753-fe021bf59740" // its sales_pipeline entry, still a Lead
)

func entries(h *harness, p protocol) attiov1connect.EntryServiceClient {
	return attiov1connect.NewEntryServiceClient(h.rpc(p))
}

func selectTitle(title string) *attiov1.ValueInput {
	return &attiov1.ValueInput{Value: &attiov1.ValueInput_Select{Select: &attiov1.SelectOption{Title: title}}}
}

func titles(l *attiov1.ValueList) []string {
	var out []string
	for _, v := range l.GetValues() {
		if v.GetActiveUntil() == nil {
			out = append(out, v.GetSelect().GetTitle()+v.GetStatus().GetTitle())
		}
	}
	slices.Sort(out)
	return out
}

func TestEntryReads(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	want, err := h.sb.Sandbox.Entries(sandbox.DefaultConnectionID, "sales_pipeline")
	if err != nil || len(want) < 3 {
		t.Fatalf("seed entries: %v %v", want, err)
	}
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			c := entries(h, p)
			ctx := t.Context()
			got, err := c.GetEntry(ctx, &attiov1.GetEntryRequest{List: "sales_pipeline", EntryId: sandbox.SeedEntryID})
			if err != nil {
				t.Fatal(err)
			}
			e := got.GetEntry()
			if e.GetParentRecordId() != acmeID || e.GetParentObject() != "companies" || e.GetId().GetListId() != sandbox.SeedListID {
				t.Fatalf("entry = %v", e)
			}
			// The seed moved Acme from Lead to In Progress: the current value, with Lead in history.
			if st := titles(e.GetEntryValues()["stage"]); !slices.Equal(st, []string{"In Progress"}) {
				t.Fatalf("stage = %v", st)
			}
			hist, err := c.ListEntryAttributeValues(ctx, &attiov1.ListEntryAttributeValuesRequest{List: "sales_pipeline", EntryId: sandbox.SeedEntryID, Attribute: "stage", ShowHistoric: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(hist.GetValues(), func(v *attiov1.Value) bool {
				return v.GetStatus().GetTitle() == "Lead" && v.GetActiveUntil() != nil
			}) {
				t.Fatalf("stage history lacks the ended Lead value: %v", hist.GetValues())
			}
			if amount := e.GetEntryValues()["deal_size"].GetValues()[0].GetCurrency().GetCurrencyValue().GetValue(); amount != "48000" {
				t.Fatalf("deal_size = %q", amount)
			}

			// Filter on a status attribute of the list, walk the pages one entry at a time.
			var ids []string
			token := ""
			for {
				res, err := c.QueryEntries(ctx, &attiov1.QueryEntriesRequest{List: "sales_pipeline", PageSize: 1, PageToken: token,
					Filter: &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{
						Attribute: "stage", Op: attiov1.FilterOperator_FILTER_OPERATOR_EQ, Operand: &attiov1.Condition_StringValue{StringValue: "Lead"}}}}})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range res.GetEntries() {
					ids = append(ids, e.GetId().GetEntryId())
				}
				if token = res.GetNextPageToken(); token == "" {
					break
				}
			}
			if !slices.Equal(ids, []string{energyguidedLid}) {
				t.Fatalf("Lead entries = %v", ids)
			}

			s, err := c.StreamEntries(ctx, &attiov1.StreamEntriesRequest{List: "sales_pipeline", PageSize: 2})
			if err != nil {
				t.Fatal(err)
			}
			var streamed []string
			for {
				msg, err := s.Receive()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range msg.GetEntries() {
					streamed = append(streamed, e.GetId().GetEntryId())
				}
			}
			if !slices.Equal(streamed, want) {
				t.Fatalf("streamed %v, want %v", streamed, want)
			}

			_, err = c.GetEntry(ctx, &attiov1.GetEntryRequest{List: "sales_pipeline", EntryId: missingID})
			if connect.CodeOf(err) != connect.CodeNotFound {
				t.Fatalf("missing entry: %v", err)
			}
		})
	}
}

func TestEntryWrites(t *testing.T) {
	t.Parallel()
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, harnessConfig{})
			c := entries(h, p)
			ctx := t.Context()
			created, err := c.CreateEntry(ctx, &attiov1.CreateEntryRequest{List: "sales_pipeline", ParentObject: "companies", ParentRecordId: initechID,
				EntryValues: values("tags", []*attiov1.ValueInput{selectTitle("warm")}, "stage", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_Status{Status: &attiov1.Status{Title: "In Progress"}}}})})
			if err != nil {
				t.Fatal(err)
			}
			id := created.GetEntry().GetId().GetEntryId()

			up, err := c.UpdateEntry(ctx, &attiov1.UpdateEntryRequest{List: "sales_pipeline", EntryId: id, Mode: attiov1.UpdateMode_UPDATE_MODE_APPEND,
				EntryValues: values("tags", []*attiov1.ValueInput{selectTitle("hot")})})
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(up.GetEntry().GetEntryValues()["tags"]); !slices.Equal(got, []string{"hot", "warm"}) {
				t.Fatalf("after append: %v", got)
			}
			up, err = c.UpdateEntry(ctx, &attiov1.UpdateEntryRequest{List: "sales_pipeline", EntryId: id, Mode: attiov1.UpdateMode_UPDATE_MODE_OVERWRITE,
				EntryValues: values("tags", []*attiov1.ValueInput{selectTitle("cold")})})
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(up.GetEntry().GetEntryValues()["tags"]); !slices.Equal(got, []string{"cold"}) {
				t.Fatalf("after overwrite: %v", got)
			}

			hist, err := c.ListEntryAttributeValues(ctx, &attiov1.ListEntryAttributeValuesRequest{List: "sales_pipeline", EntryId: id, Attribute: "tags", ShowHistoric: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(hist.GetValues()) < 3 {
				t.Fatalf("history of tags = %d values, want the replaced ones too", len(hist.GetValues()))
			}

			// Assert on the same parent updates that entry instead of adding one.
			as, err := c.AssertEntry(ctx, &attiov1.AssertEntryRequest{List: "sales_pipeline", ParentObject: "companies", ParentRecordId: initechID,
				EntryValues: values("priority", []*attiov1.ValueInput{selectTitle("Low")})})
			if err != nil {
				t.Fatal(err)
			}
			if as.GetEntry().GetId().GetEntryId() == "" || titles(as.GetEntry().GetEntryValues()["priority"])[0] != "Low" {
				t.Fatalf("assert = %v", as.GetEntry())
			}

			if _, err := c.DeleteEntry(ctx, &attiov1.DeleteEntryRequest{List: "sales_pipeline", EntryId: id}); err != nil {
				t.Fatal(err)
			}
			ids, _ := h.sb.Sandbox.Entries(sandbox.DefaultConnectionID, "sales_pipeline")
			if slices.Contains(ids, id) {
				t.Fatal("entry still in the sandbox after delete")
			}
			if _, err := c.DeleteEntry(ctx, &attiov1.DeleteEntryRequest{List: "sales_pipeline", EntryId: id}); connect.CodeOf(err) != connect.CodeNotFound {
				t.Fatalf("second delete: %v", err)
			}
		})
	}
}
