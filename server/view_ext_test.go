package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

// upstreamItems walks a records or entries query on the sandbox directly and returns every item's
// JSON exactly as Attio's side wrote it, by id, plus the ids in order.
func upstreamItems(t *testing.T, h *harness, path, idKey string) (map[string][]byte, []string) {
	t.Helper()
	byID := map[string][]byte{}
	var order []string
	for offset := 0; ; offset += 500 {
		body := fmt.Sprintf(`{"limit":500,"offset":%d}`, offset)
		req, _ := http.NewRequest(http.MethodPost, h.sb.MatonBaseURL()+path, bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "Bearer "+h.sb.APIKey())
		req.Header.Set("Content-Type", "application/json")
		res, err := h.sb.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var page struct{ Data []json.RawMessage }
		if err := json.Unmarshal(b, &page); err != nil {
			t.Fatal(err)
		}
		for _, raw := range page.Data {
			var item struct{ ID map[string]string }
			if err := json.Unmarshal(raw, &item); err != nil {
				t.Fatal(err)
			}
			byID[item.ID[idKey]] = raw
			order = append(order, item.ID[idKey])
		}
		if len(page.Data) < 500 {
			return byID, order
		}
	}
}

// verbatim checks that got holds exactly the upstream items, each byte for byte, and returns their ids.
func verbatim(t *testing.T, want map[string][]byte, idKey string, got [][]byte) []string {
	t.Helper()
	var ids []string
	for _, raw := range got {
		var item struct{ ID map[string]string }
		if !json.Valid(raw) || json.Unmarshal(raw, &item) != nil {
			t.Fatalf("not a JSON object: %.200s", raw)
		}
		id := item.ID[idKey]
		if !bytes.Equal(raw, want[id]) {
			t.Fatalf("item %s is not Attio's JSON verbatim:\n got %.300s\nwant %.300s", id, raw, want[id])
		}
		ids = append(ids, id)
	}
	return ids
}

func TestStreamRecordsAttioJSONViewIsVerbatim(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "people", 450, sandbox.GenerateOptions{Seed: 5}); err != nil {
		t.Fatal(err)
	}
	want, order := upstreamItems(t, h, "/objects/people/records/query", "record_id")
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			s, err := records(h, p).StreamRecords(t.Context(), &attiov1.StreamRecordsRequest{Object: "people", View: attiov1.View_VIEW_ATTIO_JSON, PageSize: 50})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var ids []string
			for {
				msg, err := s.Receive()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(msg.GetRecords()) != 0 || msg.GetResumeToken() == "" {
					t.Fatalf("ATTIO_JSON message with %d typed records, token %q", len(msg.GetRecords()), msg.GetResumeToken())
				}
				ids = append(ids, verbatim(t, want, "record_id", msg.GetAttioJson())...)
			}
			if fmt.Sprint(ids) != fmt.Sprint(order) {
				t.Fatalf("streamed %d records, want the %d upstream ones in order", len(ids), len(order))
			}
		})
	}
}

func TestStreamEntriesAttioJSONViewIsVerbatim(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	want, order := upstreamItems(t, h, "/lists/sales_pipeline/entries/query", "entry_id")
	s, err := entries(h, protocols[1]).StreamEntries(t.Context(), &attiov1.StreamEntriesRequest{List: "sales_pipeline", View: attiov1.View_VIEW_ATTIO_JSON, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []string
	for {
		msg, err := s.Receive()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, verbatim(t, want, "entry_id", msg.GetAttioJson())...)
	}
	if len(order) == 0 || fmt.Sprint(ids) != fmt.Sprint(order) {
		t.Fatalf("streamed %v, want %v", ids, order)
	}
}

func TestExportAttioJSONViewIsVerbatimAndExactlyOnce(t *testing.T) {
	t.Parallel()
	h := exportHarness(t, 0, 0, nil)
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "companies", 400, sandbox.GenerateOptions{Seed: 9}); err != nil {
		t.Fatal(err)
	}
	want, _ := upstreamItems(t, h, "/objects/companies/records/query", "record_id")
	s, err := h.exports(protocols[0]).ExportRecords(t.Context(), &attiov1.ExportRecordsRequest{Object: "companies", View: attiov1.View_VIEW_ATTIO_JSON, PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seen := map[string]int{}
	for {
		msg, err := s.Receive()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if b := msg.GetBatch(); b != nil {
			if len(b.GetRecords()) != 0 {
				t.Fatal("typed records in an ATTIO_JSON batch")
			}
			for _, id := range verbatim(t, want, "record_id", b.GetAttioJson()) {
				seen[id]++
			}
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("exported %d distinct records, want %d", len(seen), len(want))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("record %s delivered %d times", id, n)
		}
	}

	// The entries export takes the view too.
	es, err := h.exports(protocols[0]).ExportEntries(t.Context(), &attiov1.ExportEntriesRequest{List: "sales_pipeline", View: attiov1.View_VIEW_ATTIO_JSON})
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	wantEntries, _ := upstreamItems(t, h, "/lists/sales_pipeline/entries/query", "entry_id")
	n := 0
	for {
		msg, err := es.Receive()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n += len(verbatim(t, wantEntries, "entry_id", msg.GetBatch().GetAttioJson()))
	}
	if n != len(wantEntries) || n == 0 {
		t.Fatalf("exported %d entries, want %d", n, len(wantEntries))
	}
}

func TestUnknownViewIsInvalidArgument(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	s, err := attiov1connect.NewRecordServiceClient(h.rpc(protocols[0])).StreamRecords(t.Context(),
		&attiov1.StreamRecordsRequest{Object: "people", View: attiov1.View(7)})
	if err == nil {
		defer s.Close()
		_, err = s.Receive()
	}
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("view 7: %v, want InvalidArgument", err)
	}
}
