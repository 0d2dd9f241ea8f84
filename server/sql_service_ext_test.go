package server_test

import (
	"errors"
	"io"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

func querySQL(t *testing.T, c attiov1connect.SqlServiceClient, req *attiov1.QuerySqlRequest) ([]*attiov1.QuerySqlResponse, error) {
	t.Helper()
	st, err := c.QuerySql(t.Context(), req)
	if err != nil {
		return nil, err
	}
	var out []*attiov1.QuerySqlResponse
	for {
		m, err := st.Receive()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		out = append(out, m)
	}
}

func TestSqlService(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		c := attiov1connect.NewSqlServiceClient(h.rpc(p))
		msgs, err := querySQL(t, c, &attiov1.QuerySqlRequest{Sql: "SELECT record_id, name, domains FROM companies ORDER BY name", RowsPerMessage: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) < 2 {
			t.Fatalf("%d messages, want the rows in parts of 2", len(msgs))
		}
		cols := msgs[0].GetColumns()
		if len(cols) != 3 || cols[0].GetName() != "record_id" || cols[0].GetType() != attiov1.SqlType_SQL_TYPE_STRING ||
			cols[1].GetName() != "name" || cols[2].GetType() != attiov1.SqlType_SQL_TYPE_JSON {
			t.Fatalf("columns %v", cols)
		}
		var acme *attiov1.SqlRow
		for i, m := range msgs {
			if i > 0 && len(m.GetColumns()) != 0 {
				t.Errorf("message %d repeats the columns", i)
			}
			if len(m.GetRows()) > 2 || len(m.GetRows()) == 0 {
				t.Errorf("message %d has %d rows", i, len(m.GetRows()))
			}
			for _, r := range m.GetRows() {
				if len(r.GetValues()) != 3 {
					t.Fatalf("row %v", r)
				}
				if r.GetValues()[0].GetStringValue() == seedAcme {
					acme = r
				}
			}
		}
		if acme == nil || acme.GetValues()[1].GetStringValue() != "Acme Analytics" || acme.GetValues()[2].GetJsonValue() == "" {
			t.Fatalf("Acme's row %v", acme)
		}

		one, err := querySQL(t, c, &attiov1.QuerySqlRequest{Sql: "SELECT name FROM companies WHERE name = 'No such company'"})
		if err != nil || len(one) != 1 || len(one[0].GetColumns()) != 0 || len(one[0].GetRows()) != 0 {
			t.Fatalf("empty result: %v, %v", one, err)
		}

		// A query Attio cannot run is mapped like a bad record filter.
		for _, q := range []string{"DELETE FROM companies", "SELECT nope FROM companies"} {
			_, err := querySQL(t, c, &attiov1.QuerySqlRequest{Sql: q})
			wantCode(t, err, connect.CodeInvalidArgument)
			if infos := errorDetails[*errdetails.ErrorInfo](t, err); len(infos) != 1 || infos[0].GetReason() != "FILTER_ERROR" {
				t.Fatalf("%s: error info %v", q, infos)
			}
		}
		wantLocalInvalid(t, h, func() error { _, err := querySQL(t, c, &attiov1.QuerySqlRequest{}); return err })
		wantLocalInvalid(t, h, func() error {
			_, err := querySQL(t, c, &attiov1.QuerySqlRequest{Sql: "SELECT 1", RowsPerMessage: 5001})
			return err
		})
	})
}

// A query is a read: a reader may run it, and it needs no approval.
func TestSqlIsARead(t *testing.T) {
	t.Parallel()
	g := newGuarded(t, 0)
	st, err := attiov1connect.NewSqlServiceClient(g.rpc(protocols[0])).QuerySql(caller(readerKey), &attiov1.QuerySqlRequest{Sql: "SELECT name FROM people LIMIT 1"})
	if err != nil {
		t.Fatal(err)
	}
	if msgs := drain(t, st.Receive); len(msgs) != 1 || len(msgs[0].GetRows()) != 1 {
		t.Fatalf("reader query = %v", msgs)
	}
}
