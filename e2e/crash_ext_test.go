package e2e_test

import (
	"context"
	"errors"
	"io"
	"syscall"
	"testing"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// TestExportResumesOnAnotherReplica: a replica is killed with SIGKILL in the middle of an export;
// the export resumes on another replica from the last token it delivered, and every record
// arrives exactly once.
func TestExportResumesOnAnotherReplica(t *testing.T) {
	c := newCluster(t, clusterOptions{replicas: 3, generate: 2000})
	ctx := t.Context()
	seen := map[string]int{}
	var last string
	batches := 0
	killed := make(chan struct{})

	stream, err := exports(c.replicas[0]).ExportRecords(as(ctx, tokenReader, ""), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	for {
		msg, err := stream.Receive()
		if err != nil {
			if errors.Is(err, io.EOF) {
				t.Fatal("the export ended before the replica was killed")
			}
			break // the replica is gone
		}
		if b := msg.GetBatch(); b != nil {
			for _, r := range b.GetRecords() {
				seen[r.GetId().GetRecordId()]++
			}
			last = b.GetResumeToken()
			if batches++; batches == 3 {
				go func() {
					c.replicas[0].kill(syscall.SIGKILL)
					close(killed)
				}()
			}
		}
	}
	<-killed
	stream.Close()
	if last == "" {
		t.Fatal("no resume token before the kill")
	}
	if err := exportPeople(ctx, c.replicas[1], 100, last, func(ids []string, _ string) {
		for _, id := range ids {
			seen[id]++
		}
	}); err != nil {
		t.Fatalf("resume on another replica: %v", err)
	}
	want := map[string]bool{}
	if err := exportPeople(context.WithoutCancel(ctx), c.replicas[2], 0, "", func(ids []string, _ string) {
		for _, id := range ids {
			want[id] = true
		}
	}); err != nil {
		t.Fatal(err)
	}
	for id, n := range seen {
		if n != 1 || !want[id] {
			t.Fatalf("record %s delivered %d times (known: %v)", id, n, want[id])
		}
	}
	if len(seen) != len(want) || len(want) < 2000 {
		t.Fatalf("%d records after the resume, the object has %d", len(seen), len(want))
	}
	t.Logf("killed after %d batches; %d records, each exactly once", batches, len(seen))
}
