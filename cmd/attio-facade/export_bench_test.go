package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	attiofacade "github.com/attio-facade/attio-facade"
	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
	"github.com/attio-facade/attio-facade/server"
)

// BenchmarkExportCLI measures what the export CLI costs per record (issue 16, target 5): the
// built binary exports EXPORT_CLI_PAGES (default 40) pages of 500 dense generated people, as the
// facade sends them, from an ExportService that replays one real page; its own CPU time (rusage
// of the child process) gives records per CPU-second. The "inprocess" variant runs the same export
// inside the benchmark, for -cpuprofile (its CPU includes the replaying server's marshalling).
//
//	go test -run '^$' -bench 'ExportCLI/process' -benchtime 1x ./cmd/attio-facade/
//
// EXPORT_CLI_VIEW=typed measures --view typed (protojson) instead of the default attio view.
func BenchmarkExportCLI(b *testing.B) {
	pages := envInt("EXPORT_CLI_PAGES", 40)
	typed, raw := realPage(b, attiov1.View_VIEW_TYPED), realPage(b, attiov1.View_VIEW_ATTIO_JSON)
	srv := httptest.NewServer(server.NewHandler(server.Options{Exports: &replayExports{typed: typed.GetRecords(), raw: raw.GetAttioJson(), pages: pages}}))
	b.Cleanup(srv.Close)
	records := pages * len(typed.GetRecords())
	view := envOr("EXPORT_CLI_VIEW", "attio")
	args := []string{"export", "--addr", srv.URL, "--object", "people", "--format", "jsonl", "--view", view, "--out", "people.jsonl"}
	b.Run("process", func(b *testing.B) {
		var cpu time.Duration
		for range b.N {
			dir := b.TempDir()
			cmd := exec.Command(binary, args...)
			cmd.Dir = dir
			cmd.Stderr = io.Discard
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			checkLines(b, filepath.Join(dir, "people.jsonl"), records)
		}
		b.ReportMetric(float64(records*b.N)/cpu.Seconds(), "records/cpu-s")
		b.ReportMetric(float64(cpu.Microseconds())/float64(records*b.N), "cpu-us/record")
	})
	b.Run("inprocess", func(b *testing.B) {
		for range b.N {
			dir := b.TempDir()
			env := environment{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard}
			inDir := append([]string(nil), args...)
			inDir[len(inDir)-1] = filepath.Join(dir, "people.jsonl")
			if err := run(context.Background(), inDir, env); err != nil {
				b.Fatal(err)
			}
			checkLines(b, filepath.Join(dir, "people.jsonl"), records)
		}
	})
}

func checkLines(b *testing.B, path string, want int) {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, c := range data {
		if c == '\n' {
			n++
		}
	}
	if n != want {
		b.Fatalf("%d lines, want %d", n, want)
	}
}

// realPage is the first page of 500 generated people (default fill: 60% of optional attributes)
// as the facade's stream sends it in the view.
func realPage(b *testing.B, view attiov1.View) *attiov1.StreamRecordsResponse {
	b.Helper()
	sb := sandbox.NewServer(sandbox.WithSeed(attiofacade.SeedFS()), sandbox.WithRateLimits(sandbox.Limits{}))
	b.Cleanup(sb.Close)
	if err := sb.Sandbox.Generate(sandbox.DefaultConnectionID, "people", 500, sandbox.GenerateOptions{Seed: 42,
		Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		b.Fatal(err)
	}
	client, err := attio.New(attio.Config{APIKey: sb.APIKey(), BaseURL: sb.MatonBaseURL(), ControlURL: sb.ControlURL(), Limits: &attio.Limits{}})
	if err != nil {
		b.Fatal(err)
	}
	facade := httptest.NewServer(server.NewHandler(server.Options{Client: client}))
	b.Cleanup(facade.Close)
	rc := attiov1connect.NewRecordServiceClient(connect.NewClient(connecthttp.NewTransport(facade.Client(), facade.URL)))
	s, err := rc.StreamRecords(b.Context(), &attiov1.StreamRecordsRequest{Object: "people", PageSize: 500, View: view})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for {
		msg, err := s.Receive()
		if err != nil {
			b.Fatal(err)
		}
		if len(msg.GetRecords())+len(msg.GetAttioJson()) == 500 {
			return msg
		}
	}
}

// replayExports sends the same page of records pages times, as batches of an export, in the view
// asked for.
type replayExports struct {
	attiov1connect.UnimplementedExportServiceHandler
	typed []*attiov1.Record
	raw   [][]byte
	pages int
}

func (r *replayExports) ExportRecords(_ context.Context, req *attiov1.ExportRecordsRequest, stream attiov1connect.ExportServiceExportRecordsServerStream) error {
	for i := range r.pages {
		batch := &attiov1.RecordBatch{Records: r.typed, ResumeToken: fmt.Sprintf("page-%d", i)}
		if req.GetView() == attiov1.View_VIEW_ATTIO_JSON {
			batch = &attiov1.RecordBatch{AttioJson: r.raw, ResumeToken: batch.ResumeToken}
		}
		if err := stream.Send(&attiov1.ExportRecordsResponse{Message: &attiov1.ExportRecordsResponse_Batch{Batch: batch}}); err != nil {
			return err
		}
	}
	return nil
}
