package server_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

const (
	adaID     = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"
	acmeID    = "5a4cbf71-eb61-4ffa-bccd-a9fb10f6e5ea"
	missingID = "00000000-0000-4000-8000-000000000000"
)

func records(h *harness, p protocol) attiov1connect.RecordServiceClient {
	return attiov1connect.NewRecordServiceClient(h.rpc(p))
}

func text(v *attiov1.ValueInput_Text) *attiov1.ValueInput { return &attiov1.ValueInput{Value: v} }

func values(kv ...any) map[string]*attiov1.ValueInputList {
	m := map[string]*attiov1.ValueInputList{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = &attiov1.ValueInputList{Values: kv[i+1].([]*attiov1.ValueInput)}
	}
	return m
}

func TestRecordReadsOverEveryProtocol(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			c := records(h, p)
			ctx := t.Context()

			got, err := c.GetRecord(ctx, &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
			if err != nil {
				t.Fatal(err)
			}
			name := got.GetRecord().GetValues()["name"].GetValues()
			if len(name) != 1 || name[0].GetPersonalName().GetFullName() != "Ada Lovelace" {
				t.Fatalf("name = %v", name)
			}
			if got.GetRecord().GetId().GetRecordId() != adaID || got.GetRecord().GetCreatedAt() == nil {
				t.Fatalf("id/created_at missing: %v", got.GetRecord().GetId())
			}

			// Query with a typed filter: exactly the seeded company named Acme Analytics.
			q, err := c.QueryRecords(ctx, &attiov1.QueryRecordsRequest{Object: "companies", Filter: &attiov1.Filter{
				Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{
					Attribute: "name", Op: attiov1.FilterOperator_FILTER_OPERATOR_EQ,
					Operand: &attiov1.Condition_StringValue{StringValue: "Acme Analytics"}}}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(q.GetRecords()) != 1 || q.GetRecords()[0].GetId().GetRecordId() != acmeID || q.GetNextPageToken() != "" {
				t.Fatalf("query = %d records, token %q", len(q.GetRecords()), q.GetNextPageToken())
			}

			s, err := c.SearchRecords(ctx, &attiov1.SearchRecordsRequest{Query: "Acme", Objects: []string{"companies"}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(s.GetResults(), func(r *attiov1.RecordSearchResult) bool { return r.GetId().GetRecordId() == acmeID }) {
				t.Fatalf("search did not find Acme: %v", s.GetResults())
			}

			e, err := c.ListRecordEntries(ctx, &attiov1.ListRecordEntriesRequest{Object: "companies", RecordId: acmeID})
			if err != nil {
				t.Fatal(err)
			}
			if len(e.GetEntries()) == 0 || e.GetEntries()[0].GetListApiSlug() == "" {
				t.Fatalf("entries of Acme = %v", e.GetEntries())
			}

			_, err = c.GetRecord(ctx, &attiov1.GetRecordRequest{Object: "people", RecordId: missingID})
			if connect.CodeOf(err) != connect.CodeNotFound {
				t.Fatalf("missing record: %v", err)
			}
		})
	}
}

func TestRecordPagesAreBoundToTheirQuery(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "deals", 25, sandbox.GenerateOptions{}); err != nil {
		t.Fatal(err)
	}
	want, _ := h.sb.Sandbox.Records(sandbox.DefaultConnectionID, "deals")
	c := records(h, protocols[0])
	var got []string
	token := ""
	for pages := 0; ; pages++ {
		res, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "deals", PageSize: 7, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.GetRecords() {
			got = append(got, r.GetId().GetRecordId())
		}
		if token = res.GetNextPageToken(); token == "" {
			break
		}
		if pages == 0 {
			_, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "people", PageSize: 7, PageToken: token})
			if connect.CodeOf(err) != connect.CodeInvalidArgument {
				t.Fatalf("token reused with another object: %v", err)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged %d records, want %d in sandbox order", len(got), len(want))
	}
}

func TestRecordWrites(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			c := records(h, p)
			ctx := t.Context()
			email := p.name + "@writes.example.com"
			created, err := c.CreateRecord(ctx, &attiov1.CreateRecordRequest{Object: "people", Values: values(
				"email_addresses", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_EmailAddress{EmailAddress: &attiov1.EmailAddressValue{EmailAddress: email}}}},
				"name", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_PersonalName{PersonalName: &attiov1.PersonalNameValue{FirstName: "Proto", LastName: strings.ToUpper(p.name)}}}},
			)})
			if err != nil {
				t.Fatal(err)
			}
			id := created.GetRecord().GetId().GetRecordId()
			if got := created.GetRecord().GetValues()["email_addresses"].GetValues()[0].GetEmailAddress().GetEmailAddress(); got != email {
				t.Fatalf("email = %q", got)
			}

			// PATCH appends to a multiselect attribute, PUT replaces it.
			second := p.name + "2@writes.example.com"
			up, err := c.UpdateRecord(ctx, &attiov1.UpdateRecordRequest{Object: "people", RecordId: id, Mode: attiov1.UpdateMode_UPDATE_MODE_APPEND,
				Values: values("email_addresses", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_EmailAddress{EmailAddress: &attiov1.EmailAddressValue{EmailAddress: second}}}})})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(up.GetRecord().GetValues()["email_addresses"].GetValues()); n != 2 {
				t.Fatalf("after append: %d emails, want 2", n)
			}
			up, err = c.UpdateRecord(ctx, &attiov1.UpdateRecordRequest{Object: "people", RecordId: id, Mode: attiov1.UpdateMode_UPDATE_MODE_OVERWRITE,
				Values: values("email_addresses", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_EmailAddress{EmailAddress: &attiov1.EmailAddressValue{EmailAddress: second}}}})})
			if err != nil {
				t.Fatal(err)
			}
			if vs := up.GetRecord().GetValues()["email_addresses"].GetValues(); len(vs) != 1 || vs[0].GetEmailAddress().GetEmailAddress() != second {
				t.Fatalf("after overwrite: %v", vs)
			}

			// Assert by the unique attribute updates the same record instead of creating one.
			as, err := c.AssertRecord(ctx, &attiov1.AssertRecordRequest{Object: "people", MatchingAttribute: "email_addresses", Values: values(
				"email_addresses", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_EmailAddress{EmailAddress: &attiov1.EmailAddressValue{EmailAddress: second}}}},
				"job_title", []*attiov1.ValueInput{text(&attiov1.ValueInput_Text{Text: "Asserted"})},
			)})
			if err != nil {
				t.Fatal(err)
			}
			if as.GetRecord().GetId().GetRecordId() != id {
				t.Fatalf("assert made a new record %s, want %s", as.GetRecord().GetId().GetRecordId(), id)
			}

			hist, err := c.ListRecordAttributeValues(ctx, &attiov1.ListRecordAttributeValuesRequest{Object: "people", RecordId: id, Attribute: "email_addresses", ShowHistoric: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(hist.GetValues()) < 2 || !slices.ContainsFunc(hist.GetValues(), func(v *attiov1.Value) bool { return v.GetActiveUntil() != nil }) {
				t.Fatalf("history should hold the replaced email with active_until: %v", hist.GetValues())
			}

			if _, err := c.DeleteRecord(ctx, &attiov1.DeleteRecordRequest{Object: "people", RecordId: id}); err != nil {
				t.Fatal(err)
			}
			ids, _ := h.sb.Sandbox.Records(sandbox.DefaultConnectionID, "people")
			if slices.Contains(ids, id) {
				t.Fatal("record still in the sandbox after delete")
			}
		})
	}
}

// TestCurrencyKeepsEveryDigit writes money typed and through the raw_json escape hatch (JSON text,
// so no double on the way), reads it back exact, and finds it with a raw_json filter.
func TestCurrencyKeepsEveryDigit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	c := records(h, protocols[0])
	// 15 significant digits plus 4 decimals: a float64 would round this.
	const amount = "12345678901234.5678"
	for _, in := range []*attiov1.ValueInput{
		{Value: &attiov1.ValueInput_Currency{Currency: &attiov1.CurrencyValue{CurrencyValue: &attiov1.Decimal{Value: amount}}}},
		{Value: &attiov1.ValueInput_RawJson{RawJson: `{"currency_value": ` + amount + `}`}},
	} {
		res, err := c.CreateRecord(t.Context(), &attiov1.CreateRecordRequest{Object: "deals", Values: values(
			"name", []*attiov1.ValueInput{text(&attiov1.ValueInput_Text{Text: "Big one"})},
			"stage", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_Status{Status: &attiov1.Status{Title: "Lead"}}}},
			"owner", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_ActorReference{ActorReference: &attiov1.ActorReferenceValue{Actor: &attiov1.ActorReferenceValue_EmailAddress{EmailAddress: "alice@sandbox.example.com"}}}}},
			"value", []*attiov1.ValueInput{in},
		)})
		if err != nil {
			t.Fatal(err)
		}
		// The currency is the attribute's: the input names none.
		got := res.GetRecord().GetValues()["value"].GetValues()
		if len(got) != 1 || got[0].GetCurrency().GetCurrencyValue().GetValue() != amount || got[0].GetCurrency().GetCurrencyCode() != "USD" {
			t.Fatalf("%v: currency = %v", in, got)
		}
	}
	q, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "deals",
		Filter: &attiov1.Filter{Node: &attiov1.Filter_RawJson{RawJson: `{"value": {"currency_value": {"$eq": ` + amount + `}}}`}}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(q.GetRecords()); n != 2 {
		t.Fatalf("raw filter matched %d records, want the 2 new deals", n)
	}
}

func TestBadInputNeverGoesUpstream(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	c := records(h, protocols[0])
	before := h.sb.Sandbox.Stats().Total
	tests := []struct {
		name string
		call func() error
	}{
		{"record id not a uuid", func() error {
			_, err := c.GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: "42"})
			return err
		}},
		{"object slug with spaces", func() error {
			_, err := c.GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "my people", RecordId: adaID})
			return err
		}},
		{"page size above Attio's maximum", func() error {
			_, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "people", PageSize: 501})
			return err
		}},
		{"update without a mode", func() error {
			_, err := c.UpdateRecord(t.Context(), &attiov1.UpdateRecordRequest{Object: "people", RecordId: adaID, Values: values("job_title", []*attiov1.ValueInput{text(&attiov1.ValueInput_Text{Text: "x"})})})
			return err
		}},
		{"condition without operator", func() error {
			_, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "people", Filter: &attiov1.Filter{Node: &attiov1.Filter_Condition{Condition: &attiov1.Condition{Attribute: "name"}}}})
			return err
		}},
		{"money that is not a decimal", func() error {
			_, err := c.CreateRecord(t.Context(), &attiov1.CreateRecordRequest{Object: "deals", Values: values("value", []*attiov1.ValueInput{{Value: &attiov1.ValueInput_Currency{Currency: &attiov1.CurrencyValue{CurrencyValue: &attiov1.Decimal{Value: "1e"}}}}})})
			return err
		}},
		{"garbage page token", func() error {
			_, err := c.QueryRecords(t.Context(), &attiov1.QueryRecordsRequest{Object: "people", PageToken: "not-a-token"})
			return err
		}},
	}
	for _, tt := range tests {
		if err := tt.call(); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("%s: got %v, want InvalidArgument", tt.name, err)
		}
	}
	if after := h.sb.Sandbox.Stats().Total; after != before {
		t.Fatalf("bad input reached the sandbox: %d requests", after-before)
	}
}

func TestConnectionHeaderSelectsTheWorkspace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	conns := h.sb.Sandbox.ConnectionIDs()
	if len(conns) < 2 {
		t.Fatalf("seed has %d connections", len(conns))
	}
	c := records(h, protocols[0])
	for _, conn := range conns {
		ctx, info := connect.NewClientContext(t.Context())
		info.RequestHeader().Set("Maton-Connection", conn)
		res, err := c.QueryRecords(ctx, &attiov1.QueryRecordsRequest{Object: "people", PageSize: 500})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := h.sb.Sandbox.Records(conn, "people")
		var got []string
		for _, r := range res.GetRecords() {
			got = append(got, r.GetId().GetRecordId())
		}
		if !slices.Equal(got, want) {
			t.Fatalf("connection %s: got %d people, want %d", conn, len(got), len(want))
		}
	}
}

// streamAll reads a StreamRecords call to the end, returning record ids and the last resume token.
func streamAll(t *testing.T, ctx context.Context, c attiov1connect.RecordServiceClient, req *attiov1.StreamRecordsRequest, stopAfter int) ([]string, string, error) {
	t.Helper()
	s, err := c.StreamRecords(ctx, req)
	if err != nil {
		return nil, "", err
	}
	defer s.Close()
	var ids []string
	token := ""
	for n := 0; stopAfter == 0 || n < stopAfter; n++ {
		msg, err := s.Receive()
		if errors.Is(err, io.EOF) {
			return ids, token, nil
		}
		if err != nil {
			return ids, token, err
		}
		for _, r := range msg.GetRecords() {
			ids = append(ids, r.GetId().GetRecordId())
		}
		token = msg.GetResumeToken()
	}
	return ids, token, nil
}

func TestStream20000RecordsExactlyOnceInOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "deals", 20000, sandbox.GenerateOptions{}); err != nil {
		t.Fatal(err)
	}
	want, _ := h.sb.Sandbox.Records(sandbox.DefaultConnectionID, "deals")
	if len(want) < 20000 {
		t.Fatalf("sandbox holds %d deals", len(want))
	}
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			got, _, err := streamAll(t, t.Context(), records(h, p), &attiov1.StreamRecordsRequest{Object: "deals"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("streamed %d records, want the sandbox's %d in order", len(got), len(want))
			}
		})
	}
}

func TestStreamResumesFromToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "deals", 1000, sandbox.GenerateOptions{}); err != nil {
		t.Fatal(err)
	}
	want, _ := h.sb.Sandbox.Records(sandbox.DefaultConnectionID, "deals")
	c := records(h, protocols[1])
	req := &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 100}
	first, token, err := streamAll(t, t.Context(), c, req, 3)
	if err != nil || len(first) != 300 {
		t.Fatalf("first part: %d records, %v", len(first), err)
	}
	rest, _, err := streamAll(t, t.Context(), c, &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 50, ResumeToken: token}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := append(first, rest...); !slices.Equal(got, want) {
		t.Fatalf("first+resumed = %d records, want %d exactly once in order", len(got), len(want))
	}
	_, _, err = streamAll(t, t.Context(), c, &attiov1.StreamRecordsRequest{Object: "people", ResumeToken: token}, 0)
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("token resumed on another query: %v", err)
	}
}

func TestStreamBackpressureAndCancellation(t *testing.T) {
	t.Parallel()
	upstream := &countingTransport{base: attio.NewHTTPClient().Transport}
	handlerDone := make(chan struct{})
	h := newHarness(t, harnessConfig{
		sandbox: []sandbox.Option{sandbox.WithLatency(sandbox.FixedLatency(20 * time.Millisecond))},
		client:  func(c *attio.Config) { c.HTTPClient = &http.Client{Transport: upstream} },
		opts: func(o *server.Options) {
			o.Interceptors = append(o.Interceptors, func(next connect.ServerFunc) connect.ServerFunc {
				return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
					defer func() {
						if spec.Procedure == attiov1connect.RecordServiceStreamRecordsProcedure {
							close(handlerDone)
						}
					}()
					return next(ctx, spec, stream)
				}
			})
		},
	})
	if err := h.sb.Sandbox.Generate(sandbox.DefaultConnectionID, "deals", 20000, sandbox.GenerateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A client with small HTTP/2 receive windows, so that transport buffers hold well under a page
	// and what the test sees is the facade's own read-ahead.
	tr := h.httpClient().Transport.(*http.Transport).Clone()
	tr.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerStream: 64 << 10, MaxReceiveBufferPerConnection: 64 << 10}
	c := attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(&http.Client{Transport: tr}, h.srv.URL, connecthttp.WithGRPC())))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s, err := c.StreamRecords(ctx, &attiov1.StreamRecordsRequest{Object: "deals", PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Receive(); err != nil {
		t.Fatal(err)
	}
	// The caller stops reading after one page: one more (gzip-compressed) page may fit in the
	// 64 KiB window, one is blocked in Send and one is prefetched; never the whole 40 pages. So the
	// facade settles with 3 or 4 pages fetched and none in flight; wait for that state, then check
	// it went no further. The exact bound without a transport is TestStreamPagesPrefetchesOnePage.
	waitUntil(t, "the facade to hold its read-ahead", func() bool {
		return upstream.started.Load() >= 3 && upstream.inFlight.Load() == 0
	})
	if n := upstream.started.Load(); n > 4 {
		t.Fatalf("%d upstream pages fetched while the caller read 1 of 40", n)
	}
	cancel()
	_ = s.Close()
	// The handler returns and nothing is left in flight (a request in flight would be aborted).
	select {
	case <-handlerDone:
	case <-time.After(5 * time.Minute):
		t.Fatal("the stream's handler did not return after the caller cancelled")
	}
	waitUntil(t, "upstream requests to drain", func() bool { return upstream.inFlight.Load() == 0 })
	if n := upstream.started.Load(); n > 4 {
		t.Fatalf("upstream fetching went on after cancel: %d pages", n)
	}
}

// errorDetails returns the details of err that are of type T.
func errorDetails[T proto.Message](t *testing.T, err error) []T {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Fatalf("not a connect error: %v", err)
	}
	var out []T
	for _, d := range ce.Details() {
		m, err := connectproto.UnmarshalErrorDetail(d)
		if err != nil {
			continue
		}
		if v, ok := m.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

func TestUpstreamErrorsMapToConnectCodes(t *testing.T) {
	t.Parallel()
	const route = "/v2/objects/{object}/records/{record_id}"
	tests := []struct {
		name     string
		failure  sandbox.Failure
		want     connect.Code
		reason   string
		badField string
		retry    bool
	}{
		{name: "validation", failure: sandbox.Failure{Status: 400, Body: sandbox.AttioErrorBody(400, "validation_type", "Invalid value", sandbox.ValidationError{Code: "invalid_type", Path: []any{"values", "name"}, Message: "Expected text"})},
			want: connect.CodeInvalidArgument, reason: "VALIDATION_TYPE", badField: "values.name"},
		{name: "validation with an index", failure: sandbox.Failure{Status: 400, Body: sandbox.AttioErrorBody(400, "validation_type", "Body payload validation error.", sandbox.ValidationError{Code: "invalid_type", Path: []any{"data", "subscriptions", 0, "filter"}, Message: "Invalid filter"})},
			want: connect.CodeInvalidArgument, reason: "VALIDATION_TYPE", badField: "data.subscriptions[0].filter"},
		// Through Maton without X-Attio-Execution-Id, Attio's body still decides the class.
		{name: "validation with an index via maton", failure: sandbox.Failure{Status: 400, Maton: true, Body: sandbox.AttioErrorBody(400, "validation_type", "Body payload validation error.", sandbox.ValidationError{Code: "invalid_type", Path: []any{"data", "subscriptions", 0, "filter"}, Message: "Invalid filter"})},
			want: connect.CodeInvalidArgument, reason: "VALIDATION_TYPE", badField: "data.subscriptions[0].filter"},
		{name: "filter error", failure: sandbox.Failure{Status: 400, Body: sandbox.AttioErrorBody(400, "filter_error", "Unknown attribute")}, want: connect.CodeInvalidArgument, reason: "FILTER_ERROR"},
		{name: "not found", failure: sandbox.Failure{Status: 404}, want: connect.CodeNotFound, reason: "NOT_FOUND"},
		{name: "conflict", failure: sandbox.Failure{Status: 409, Body: sandbox.AttioErrorBody(409, "slug_conflict", "Slug taken")}, want: connect.CodeAlreadyExists, reason: "SLUG_CONFLICT"},
		// The facade's own upstream key refused: not the caller's credentials, so neither
		// Unauthenticated nor PermissionDenied.
		{name: "forbidden", failure: sandbox.Failure{Status: 403}, want: connect.CodeUnavailable, reason: "UPSTREAM_CREDENTIALS"},
		{name: "missing scopes", failure: sandbox.Failure{Status: 403, Body: sandbox.AttioErrorBody(403, "missing_scopes", "Token lacks record_permission:read")}, want: connect.CodeUnavailable, reason: "UPSTREAM_CREDENTIALS"},
		{name: "attio 401", failure: sandbox.Failure{Status: 401}, want: connect.CodeUnavailable, reason: "UPSTREAM_CREDENTIALS"},
		{name: "maton 401", failure: sandbox.Failure{Status: 401, Maton: true}, want: connect.CodeUnavailable, reason: "UPSTREAM_CREDENTIALS"},
		{name: "maton 403", failure: sandbox.Failure{Status: 403, Maton: true}, want: connect.CodeUnavailable, reason: "UPSTREAM_CREDENTIALS"},
		{name: "maton no connection", failure: sandbox.Failure{Status: 400, Maton: true}, want: connect.CodeFailedPrecondition},
		{name: "rate limited", failure: sandbox.Failure{Status: 429, Header: http.Header{"Retry-After": {"7"}}}, want: connect.CodeResourceExhausted, reason: "RATE_LIMIT_EXCEEDED", retry: true},
		{name: "server error", failure: sandbox.Failure{Status: 500}, want: connect.CodeUnavailable},
		{name: "unavailable", failure: sandbox.Failure{Status: 503}, want: connect.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, harnessConfig{client: func(c *attio.Config) { c.MaxAttempts = 1 }})
			f := tt.failure
			f.Method, f.Route = http.MethodGet, route
			h.sb.Sandbox.FailNext(f)
			_, err := records(h, protocols[0]).GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
			if got := connect.CodeOf(err); got != tt.want {
				t.Fatalf("code = %v, want %v (%v)", got, tt.want, err)
			}
			if strings.Contains(err.Error(), h.sb.APIKey()) {
				t.Fatal("error leaks the Maton key")
			}
			infos := errorDetails[*errdetails.ErrorInfo](t, err)
			if len(infos) != 1 {
				t.Fatalf("want one ErrorInfo, got %v", infos)
			}
			if tt.reason != "" && infos[0].GetReason() != tt.reason {
				t.Fatalf("reason = %q, want %q", infos[0].GetReason(), tt.reason)
			}
			if !tt.failure.Maton && infos[0].GetMetadata()["execution_id"] == "" {
				t.Fatalf("Attio error without execution id: %v", infos[0].GetMetadata())
			}
			if tt.badField != "" {
				br := errorDetails[*errdetails.BadRequest](t, err)
				if len(br) != 1 || br[0].GetFieldViolations()[0].GetField() != tt.badField || br[0].GetFieldViolations()[0].GetDescription() == "" {
					t.Fatalf("BadRequest = %v", br)
				}
				if strings.Contains(tt.badField, "[0]") && br[0].GetFieldViolations()[0].GetDescription() != "Invalid filter" {
					t.Fatalf("Attio's message lost: %v", br)
				}
			}
			if tt.retry {
				ri := errorDetails[*errdetails.RetryInfo](t, err)
				if len(ri) != 1 || ri[0].GetRetryDelay().AsDuration() < 6*time.Second {
					t.Fatalf("RetryInfo = %v", ri)
				}
			}
		})
	}
}

func TestDeadlineBoundsUpstreamWork(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{sandbox: []sandbox.Option{sandbox.WithLatency(sandbox.FixedLatency(2 * time.Second))}})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := records(h, protocols[0]).GetRecord(ctx, &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	if connect.CodeOf(err) != connect.CodeDeadlineExceeded {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
}

func TestTransportFailuresAreUnavailable(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{
		sandbox: []sandbox.Option{sandbox.WithFaults(sandbox.Faults{DropRatio: 1})},
		client:  func(c *attio.Config) { c.MaxAttempts = 2 },
	})
	_, err := records(h, protocols[0]).GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	if connect.CodeOf(err) != connect.CodeUnavailable {
		t.Fatalf("got %v, want Unavailable", err)
	}
}

// Retries happen below the handler: a transient upstream failure is invisible to the caller.
func TestTransientFailuresAreRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessConfig{})
	h.sb.Sandbox.FailNext(sandbox.Failure{Method: http.MethodGet, Route: "/v2/objects/{object}/records/{record_id}", Status: 503, Count: 2})
	_, err := records(h, protocols[0]).GetRecord(t.Context(), &attiov1.GetRecordRequest{Object: "people", RecordId: adaID})
	if err != nil {
		t.Fatalf("two 503s then success should succeed: %v", err)
	}
}
