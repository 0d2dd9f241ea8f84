package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attio-facade/attio-facade/attio"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// exportFixture is a sandbox with generated people and a facade in front of it, on loopback.
type exportFixture struct {
	sb  *sandbox.Server
	url string
}

func newExportFixture(t *testing.T, people int) *exportFixture {
	t.Helper()
	sb := sandbox.NewServer(sandbox.WithSeed(os.DirFS("../../testdata/seed")), sandbox.WithRateLimits(sandbox.Limits{}),
		sandbox.WithLatency(sandbox.FixedLatency(2*time.Millisecond)))
	t.Cleanup(sb.Close)
	if err := sb.Sandbox.Generate("", "people", people, sandbox.GenerateOptions{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	client, err := attio.New(attio.Config{APIKey: sb.APIKey(), BaseURL: sb.MatonBaseURL(), ControlURL: sb.ControlURL(), Limits: &attio.Limits{}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.NewHandler(server.Options{Client: client}))
	t.Cleanup(srv.Close)
	return &exportFixture{sb: sb, url: srv.URL}
}

// cancelAfter is a stderr that cancels the export after n progress lines: a cut connection or a
// killed process, seen from the exporter.
type cancelAfter struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
	buf    bytes.Buffer
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n -= bytes.Count(p, []byte("\n"))
	if c.n <= 0 && c.cancel != nil {
		c.cancel()
	}
	return c.buf.Write(p)
}

func exportEnv(stderr *cancelAfter) environment {
	return environment{getenv: func(string) string { return "" }, stdout: &bytes.Buffer{}, stderr: stderr}
}

// jsonlIDs reads the record ids of a JSON Lines export, of either view: Attio's JSON
// ({"id":{"record_id":...}}, when attio is true) or protojson of attio.v1.Record ({"id":{"recordId":...}}).
func jsonlIDs(t *testing.T, path string, attio bool) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var rec struct {
			ID struct {
				RecordID      string `json:"recordId"`
				AttioRecordID string `json:"record_id"`
			} `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v", len(ids)+1, err)
		}
		id, other := rec.ID.RecordID, rec.ID.AttioRecordID
		if attio {
			id, other = other, id
		}
		if id == "" || other != "" {
			t.Fatalf("line %d is not in the view asked for (Attio's JSON: %v): %.300s", len(ids)+1, attio, sc.Bytes())
		}
		ids = append(ids, id)
	}
	return ids
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func csvIDs(t *testing.T, path string) ([]string, []string) {
	t.Helper()
	rows := readCSV(t, path)
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	return rows[0], ids
}

func sameSet(t *testing.T, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
		if seen[id] == 2 {
			t.Errorf("%s written twice", id)
		}
	}
	for _, id := range want {
		if seen[id] == 0 {
			t.Errorf("%s missing", id)
		}
	}
	if len(got) != len(want) {
		t.Errorf("wrote %d items, want %d", len(got), len(want))
	}
}

func TestExportCommand(t *testing.T) {
	t.Parallel()
	fx := newExportFixture(t, 300)
	want, _ := fx.sb.Sandbox.Records("", "people")
	// JSON Lines are Attio's own JSON of each record by default, protojson with --view typed.
	for _, tc := range []struct{ name, format, view string }{{"jsonl", "jsonl", ""}, {"jsonl-typed", "jsonl", "typed"}, {"csv", "csv", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			format := tc.format
			out := filepath.Join(t.TempDir(), "people."+format)
			args := []string{"export", "--addr", fx.url, "--object", "people", "--format", format, "--out", out, "--page-size", "10", "--progress-every", "0"}
			if tc.view != "" {
				args = append(args, "--view", tc.view)
			}

			// First run: cut after a few batches.
			ctx, cancel := context.WithCancel(t.Context())
			stderr := &cancelAfter{n: 4, cancel: cancel}
			err := run(ctx, args, exportEnv(stderr))
			cancel()
			if err == nil {
				t.Fatal("the cut export reported success")
			}
			if !strings.Contains(err.Error(), "--resume") {
				t.Errorf("error %q does not suggest --resume", err)
			}
			if _, err := os.Stat(out + ".resume"); err != nil {
				t.Fatalf("no state file after a cut: %v", err)
			}

			// Second run: resume to the end.
			stderr = &cancelAfter{n: 1 << 30}
			if err := run(t.Context(), append(args, "--resume"), exportEnv(stderr)); err != nil {
				t.Fatalf("resume: %v\n%s", err, stderr.buf.String())
			}
			if !strings.Contains(stderr.buf.String(), "items/s") {
				t.Errorf("no progress lines on a non-terminal stderr: %q", stderr.buf.String())
			}
			var ids []string
			if format == "jsonl" {
				ids = jsonlIDs(t, out, tc.view == "")
			} else {
				var header []string
				header, ids = csvIDs(t, out)
				if header[0] != "record_id" || header[1] != "created_at" || !strings.Contains(strings.Join(header, ","), "email_addresses") {
					t.Errorf("csv header = %v", header)
				}
			}
			sameSet(t, ids, want)
		})
	}
}

func TestExportCommandFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"neither object nor list", []string{"export"}, "exactly one"},
		{"both", []string{"export", "--object", "people", "--list", "x"}, "exactly one"},
		{"format", []string{"export", "--object", "people", "--format", "xml"}, "jsonl or csv"},
		{"resume to stdout", []string{"export", "--object", "people", "--resume"}, "--resume needs"},
		{"bad filter", []string{"export", "--object", "people", "--filter", "{"}, "--filter"},
		{"bad view", []string{"export", "--object", "people", "--view", "xml"}, "want attio or typed"},
		{"csv of Attio's JSON", []string{"export", "--object", "people", "--format", "csv", "--view", "attio"}, "--view attio needs --format jsonl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := run(t.Context(), tc.args, exportEnv(&cancelAfter{n: 1 << 30}))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
