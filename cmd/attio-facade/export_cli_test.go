package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/types/known/durationpb"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/server"
)

// scriptedExports is an ExportService whose n-th call (0-based) sends the batches of step n and
// then ends with its error; it records the resume token of every call.
type scriptedExports struct {
	attiov1connect.UnimplementedExportServiceHandler
	mu     sync.Mutex
	steps  []exportStep
	tokens []string
}

type exportStep struct {
	batches []string // record ids; one batch each, whose token is "after-<id>"
	err     error
}

func (s *scriptedExports) ExportRecords(_ context.Context, req *attiov1.ExportRecordsRequest, stream attiov1connect.ExportServiceExportRecordsServerStream) error {
	s.mu.Lock()
	n := len(s.tokens)
	s.tokens = append(s.tokens, req.GetResumeToken())
	s.mu.Unlock()
	step := s.steps[min(n, len(s.steps)-1)]
	for _, id := range step.batches {
		rec := &attiov1.Record{Id: &attiov1.RecordId{RecordId: id}}
		if err := stream.Send(&attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Batch{
			Batch: &attiov1.RecordBatch{Records: []*attiov1.Record{rec}, ResumeToken: "after-" + id}}}); err != nil {
			return err
		}
	}
	return step.err
}

func (s *scriptedExports) calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.tokens)
}

func serveExports(t *testing.T, steps ...exportStep) (*scriptedExports, string) {
	t.Helper()
	fake := &scriptedExports{steps: steps}
	srv := httptest.NewServer(server.NewHandler(server.Options{Exports: fake}))
	t.Cleanup(srv.Close)
	return fake, srv.URL
}

func retryable(code connect.Code, delay time.Duration) error {
	err := connect.NewError(code, "scripted")
	if delay >= 0 {
		err = withRetryInfo(err, delay)
	}
	return err
}

func withRetryInfo(err *connect.Error, d time.Duration) *connect.Error {
	detail, _ := connectproto.NewErrorDetail(&errdetails.RetryInfo{RetryDelay: durationpb.New(d)})
	return err.WithDetail(detail)
}

// Errors that a retry or --resume cannot fix say nothing of --resume and leave no file; the
// suggestion comes only with a saved state and a transient error.
func TestExportSuggestsResumeOnlyWhenItHelps(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(nil)
	closed.Close()
	for _, tc := range []struct {
		name   string
		step   exportStep
		url    string
		resume bool // the error message suggests --resume
		file   bool // an output file (and state) is left
	}{
		{name: "not found", step: exportStep{err: connect.NewError(connect.CodeNotFound, "scripted")}},
		{name: "unauthenticated", step: exportStep{err: connect.NewError(connect.CodeUnauthenticated, "scripted")}},
		{name: "invalid argument", step: exportStep{err: connect.NewError(connect.CodeInvalidArgument, "scripted")}},
		{name: "unreachable facade", url: closed.URL},
		{name: "transient, nothing delivered", step: exportStep{err: connect.NewError(connect.CodeUnavailable, "scripted")}},
		{name: "transient after a batch", step: exportStep{batches: []string{"r1"}, err: connect.NewError(connect.CodeUnavailable, "scripted")}, resume: true, file: true},
		{name: "permanent after a batch", step: exportStep{batches: []string{"r1"}, err: connect.NewError(connect.CodePermissionDenied, "scripted")}, file: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, url := serveExports(t, tc.step)
			if tc.url != "" {
				url = tc.url
			}
			dir := t.TempDir()
			r := cli(t, dir, nil, "export", "--addr", url, "--object", "people", "--out", "people.jsonl", "--max-retries", "0")
			if r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := strings.Contains(r.stderr, "--resume"); got != tc.resume {
				t.Errorf("suggests --resume: %v, want %v: %s", got, tc.resume, r.stderr)
			}
			_, err := os.Stat(filepath.Join(dir, "people.jsonl"))
			if got := err == nil; got != tc.file {
				t.Errorf("output file left: %v, want %v", got, tc.file)
			}
			if tc.resume {
				// Following the suggestion works.
				fake, url := serveExports(t, exportStep{batches: []string{"r2"}})
				if r := cli(t, dir, nil, "export", "--addr", url, "--object", "people", "--out", "people.jsonl", "--resume"); r.code != 0 {
					t.Fatalf("resume: exit %d: %s", r.code, r.stderr)
				}
				if got := fake.calls(); !slices.Equal(got, []string{"after-r1"}) {
					t.Errorf("resumed from %v", got)
				}
			}
		})
	}
	// Resuming what was never saved says so, without a raw "open ...: no such file".
	r := cli(t, t.TempDir(), nil, "export", "--object", "people", "--out", "x.jsonl", "--resume")
	if r.code != 1 || !strings.Contains(r.stderr, "no saved export to continue") {
		t.Errorf("resume without state: exit %d: %s", r.code, r.stderr)
	}
}

// Transient errors are retried by the exporter itself, each time from the last batch's token,
// with RetryInfo's delay when the facade gives one; other errors are not.
func TestExportRetriesTransientErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		steps []exportStep
		args  []string
		code  int
		calls []string // resume tokens the facade saw
		log   string
	}{
		{
			name: "rate limited with RetryInfo",
			steps: []exportStep{
				{batches: []string{"r1"}, err: retryable(connect.CodeResourceExhausted, 23*time.Millisecond)},
				{batches: []string{"r2"}},
			},
			calls: []string{"", "after-r1"}, log: "retry 1 of 5 in 23ms",
		},
		{
			name: "unavailable, deadline exceeded",
			steps: []exportStep{
				{batches: []string{"r1"}, err: connect.NewError(connect.CodeUnavailable, "scripted")},
				{err: connect.NewError(connect.CodeDeadlineExceeded, "scripted")},
				{batches: []string{"r2", "r3"}},
			},
			args:  []string{"--retry-wait", "1ms"},
			calls: []string{"", "after-r1", "after-r1"}, log: "retry 2 of 5 in 2ms",
		},
		{
			name:  "rate limited without RetryInfo is not retried",
			steps: []exportStep{{batches: []string{"r1"}, err: connect.NewError(connect.CodeResourceExhausted, "scripted")}},
			code:  1, calls: []string{""},
		},
		{
			name:  "gives up after --max-retries in a row",
			steps: []exportStep{{err: connect.NewError(connect.CodeUnavailable, "scripted")}},
			args:  []string{"--retry-wait", "1ms", "--max-retries", "2"},
			code:  1, calls: []string{"", "", ""}, log: "retry 2 of 2",
		},
		{
			name: "a retry that delivers starts the count again",
			steps: []exportStep{
				{batches: []string{"r1"}, err: connect.NewError(connect.CodeUnavailable, "scripted")},
				{batches: []string{"r2"}, err: connect.NewError(connect.CodeUnavailable, "scripted")},
				{batches: []string{"r3"}},
			},
			args:  []string{"--retry-wait", "1ms", "--max-retries", "1"},
			calls: []string{"", "after-r1", "after-r2"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, url := serveExports(t, tc.steps...)
			dir := t.TempDir()
			r := cli(t, dir, nil, append([]string{"export", "--addr", url, "--object", "people", "--out", "out.jsonl"}, tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d: %s", r.code, tc.code, r.stderr)
			}
			if got := fake.calls(); !slices.Equal(got, tc.calls) {
				t.Errorf("calls with tokens %q, want %q", got, tc.calls)
			}
			if !strings.Contains(r.stderr, tc.log) {
				t.Errorf("stderr lacks %q: %s", tc.log, r.stderr)
			}
			if tc.code == 0 {
				var want []string
				for _, s := range tc.steps {
					want = append(want, s.batches...)
				}
				sameSet(t, jsonlIDs(t, filepath.Join(dir, "out.jsonl"), false), want)
			}
		})
	}
}

// --out /dev/null works: devices are written but not synced, and get no state file beside them.
func TestExportToDevNull(t *testing.T) {
	t.Parallel()
	fx := newExportFixture(t, 30)
	r := cli(t, t.TempDir(), nil, "export", "--addr", fx.url, "--object", "people", "--out", "/dev/null", "--page-size", "7")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat("/dev/null.resume"); err == nil {
		t.Error("a state file was written beside /dev/null")
	}
}

// CSV money reads "amount CODE", as docs/export.md says.
func TestExportCSVMoneyIsAmountThenCode(t *testing.T) {
	t.Parallel()
	fx := newExportFixture(t, 0)
	dir := t.TempDir()
	r := cli(t, dir, nil, "export", "--addr", fx.url, "--object", "deals", "--format", "csv", "--out", "deals.csv")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rows := readCSV(t, filepath.Join(dir, "deals.csv"))
	col := slices.Index(rows[0], "value")
	if col < 0 {
		t.Fatalf("no value column in %v", rows[0])
	}
	money := regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)? [A-Z]{3}$`)
	var cells []string
	for _, row := range rows[1:] {
		if row[col] != "" {
			cells = append(cells, row[col])
			if !money.MatchString(row[col]) {
				t.Errorf("money cell %q is not \"amount CODE\"", row[col])
			}
		}
	}
	if !slices.Contains(cells, "48000 USD") {
		t.Errorf("the seed's 48000 deal is not \"48000 USD\": %q", cells)
	}
}
