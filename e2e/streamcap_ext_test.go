package e2e_test

import (
	"context"
	"syscall"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/internal/testkit"
)

// openExport opens a slow export (pages of 10 people) on p as the reader and waits for its first
// message: nil when the stream was admitted (it then stays open, unread, until ctx ends), else
// the stream's error.
func openExport(ctx context.Context, p *proc) error {
	stream, err := exports(p).ExportRecords(as(ctx, tokenReader, ""), &attiov1.ExportRecordsRequest{Object: "people", PageSize: 10})
	if err != nil {
		return err
	}
	_, err = stream.Receive()
	return err
}

// TestStreamCapAcrossReplicas: a caller at its cap of streams on replica A is refused on B; a
// stream ended on A frees its slot for B; and the slots of a replica killed with SIGKILL come
// back once their leases expire, without anyone releasing them.
func TestStreamCapAcrossReplicas(t *testing.T) {
	c := newCluster(t, clusterOptions{replicas: 2, generate: 3000, extra: []string{
		"ATTIO_FACADE_CALLER_MAX_STREAMS=2",
		"ATTIO_FACADE_STREAM_LEASE_TTL=2s",
		"ATTIO_FACADE_STREAM_LEASE_RENEW=200ms",
		"ATTIO_FACADE_STREAM_SEND_TIMEOUT=10m", // unread streams stay open for the whole test
	}})
	a, b := c.replicas[0], c.replicas[1]
	ctx := t.Context()

	first, endFirst := context.WithCancel(ctx)
	defer endFirst()
	if err := openExport(first, a); err != nil {
		t.Fatalf("1st export on A: %v", err)
	}
	if err := openExport(ctx, a); err != nil {
		t.Fatalf("2nd export on A: %v", err)
	}
	if err := openExport(ctx, b); connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("3rd export, on B, with 2 open on A and a cap of 2: %v, want ResourceExhausted", err)
	}

	// One stream on A ends: B admits one.
	endFirst()
	admitted := func() bool {
		err := openExport(ctx, b)
		if err != nil && connect.CodeOf(err) != connect.CodeResourceExhausted {
			t.Fatalf("export on B: %v", err)
		}
		return err == nil
	}
	testkit.Until(t, "B to admit the slot A's ended stream freed", admitted)

	// The caller holds one stream on A and one on B. A dies without releasing its slot: B admits
	// another once A's lease has expired.
	a.kill(syscall.SIGKILL)
	testkit.Until(t, "the lease of the killed replica's stream to expire", admitted)
	if err := openExport(ctx, b); connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("a 3rd export on B with 2 open there: %v, want ResourceExhausted", err)
	}
}
