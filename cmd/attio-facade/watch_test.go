package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/attio-facade/attio-facade/changes"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// breakingWatch is a ChangeService whose streams break after one change each (Unavailable, as a
// draining facade's do), recording the resume_token of every call.
type breakingWatch struct {
	attiov1connect.UnimplementedChangeServiceHandler
	mu     sync.Mutex
	since  []string
	tokens int
}

func (b *breakingWatch) WatchRecords(ctx context.Context, req *attiov1.WatchRecordsRequest, s attiov1connect.ChangeServiceWatchRecordsServerStream) error {
	b.mu.Lock()
	b.since = append(b.since, req.GetResumeToken())
	call := len(b.since)
	b.mu.Unlock()
	hb := &attiov1.WatchRecordsResponse{Message: &attiov1.WatchRecordsResponse_Heartbeat{Heartbeat: &attiov1.ChangeHeartbeat{ChangeToken: req.GetResumeToken() + "h"}}}
	if err := s.Send(hb); err != nil {
		return err
	}
	c := &attiov1.RecordChange{ChangeId: "change-" + string(rune('0'+call)), Kind: attiov1.ChangeKind_CHANGE_KIND_UPDATED, ChangeToken: "t" + string(rune('0'+call))}
	if err := s.Send(&attiov1.WatchRecordsResponse{Message: &attiov1.WatchRecordsResponse_Change{Change: c}}); err != nil {
		return err
	}
	if call < 3 {
		return connect.NewError(connect.CodeUnavailable, "draining")
	}
	<-ctx.Done()
	return nil
}

// runWatchLines runs the watch subcommand with args until it has printed n lines, then
// interrupts it; it returns the lines, and the command's error.
func runWatchLines(t *testing.T, n int, args ...string) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"watch"}, args...), environment{getenv: func(string) string { return "" }, stdout: pw, stderr: io.Discard})
		pw.Close()
		done <- err
	}()
	var lines []string
	sc := bufio.NewScanner(pr)
	sc.Buffer(nil, 1<<20)
	for len(lines) < n && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	cancel()
	go io.Copy(io.Discard, pr) //nolint:errcheck // drain until the command has stopped writing
	return lines, <-done
}

// The watch command resumes a broken stream from the last change token it received, prints each
// change once as a JSON line, keeps the last token in --state, and a new run starts from it.
func TestWatchCommandResumesFromTheLastToken(t *testing.T) {
	t.Parallel()
	fake := &breakingWatch{}
	rpc := connect.NewServer()
	attiov1connect.RegisterChangeServiceHandler(rpc, fake)
	mux := http.NewServeMux()
	connecthttp.Mount(mux, rpc)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	state := filepath.Join(t.TempDir(), "watch.state")
	lines, err := runWatchLines(t, 3, "--addr", srv.URL, "--object", "people", "--state", state, "--retry-wait", "1ms")
	if err != nil {
		t.Fatalf("interrupted watch: %v, want a clean end", err)
	}
	for i, l := range lines {
		var c attiov1.RecordChange
		if err := protojson.Unmarshal([]byte(l), &c); err != nil || c.GetChangeId() != "change-"+string(rune('1'+i)) {
			t.Fatalf("line %d: %s (%v)", i, l, err)
		}
	}
	fake.mu.Lock()
	since := strings.Join(fake.since, ",")
	fake.mu.Unlock()
	if since != ",t1,t2" {
		t.Fatalf("since tokens of the calls: %q, want each reconnection from the last change's token", since)
	}
	b, err := os.ReadFile(state)
	if err != nil || !strings.Contains(string(b), `"t3"`) {
		t.Fatalf("state file %s (%v), want the last token t3", b, err)
	}
	// A new run starts from the state file's token.
	if _, err := runWatchLines(t, 1, "--addr", srv.URL, "--object", "people", "--state", state); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if last := fake.since[len(fake.since)-1]; last != "t3" {
		t.Fatalf("a new run watched from %q, want t3", last)
	}
}

func TestWatchCommandNeedsOneTarget(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"--object", "people", "--list", "l"}} {
		err := run(t.Context(), append([]string{"watch"}, args...), environment{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard})
		if exitCode(err) != 2 {
			t.Fatalf("watch %v: %v, want a usage error", args, err)
		}
	}
}

// Through a real facade: a signed delivery to the webhook endpoint reaches `attio-facade watch
// --object people` as a typed change line.
func TestWatchCommandPrintsChanges(t *testing.T) {
	t.Parallel()
	const secret = "whsec-cmd-watch-secret"
	file := filepath.Join(t.TempDir(), "webhooks.json")
	if err := os.WriteFile(file, []byte(`{"`+changes.DefaultConnection+`":"`+secret+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := start(t, nil, "--webhook-secrets-file", file, "--sandbox-rate-limits=false")
	objects := attiov1connect.NewObjectServiceClient(connect.NewClient(connecthttp.NewTransport(h2c(), r.url)))
	ctx, info := connect.NewClientContext(t.Context())
	info.RequestHeader().Set("Authorization", "Bearer sandbox-reader")
	obj, err := objects.GetObject(ctx, &attiov1.GetObjectRequest{Object: "people"})
	if err != nil {
		t.Fatal(err)
	}
	const person = "a6bcc1e9-e12a-41b3-8d87-fd45d23fd602"
	deliver := func() {
		body, _ := json.Marshal(map[string]any{"webhook_id": "w", "events": []any{map[string]any{
			"event_type": "record.updated",
			"id":         map[string]any{"workspace_id": obj.GetObject().GetId().GetWorkspaceId(), "object_id": obj.GetObject().GetId().GetObjectId(), "record_id": person},
			"actor":      map[string]any{"type": "system", "id": nil},
		}}})
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, r.url+"/webhooks/attio/"+changes.DefaultConnection, bytes.NewReader(body))
		req.Header.Set(changes.HeaderSignature, changes.Sign([]byte(secret), body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("delivery: %d", res.StatusCode)
		}
	}
	ctx2, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		env := environment{getenv: func(k string) string { return map[string]string{"ATTIO_FACADE_TOKEN": "sandbox-reader"}[k] }, stdout: pw, stderr: io.Discard}
		done <- run(ctx2, []string{"watch", "--addr", r.url, "--object", "people", "--heartbeats"}, env)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || !strings.Contains(sc.Text(), "changeToken") {
		t.Fatalf("first line %q, want the starting heartbeat", sc.Text())
	}
	deliver() // after the heartbeat: the watch started from before it
	var c attiov1.RecordChange
	for sc.Scan() {
		if err := protojson.Unmarshal(sc.Bytes(), &c); err == nil && c.GetChangeId() != "" {
			break
		}
	}
	if c.GetKind() != attiov1.ChangeKind_CHANGE_KIND_UPDATED || c.GetRecord().GetId().GetRecordId() != person {
		t.Fatalf("change line %v, want the person's update with the record", &c)
	}
	cancel()
	go io.Copy(io.Discard, pr) //nolint:errcheck // until the command stops writing
	if err := <-done; err != nil {
		t.Fatalf("interrupted watch: %v", err)
	}
}
