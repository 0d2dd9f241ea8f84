package main

import (
	"context"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

// Under Maton the managed subscription registers the default connection's webhook by its id: a
// watch without a Maton-Connection header reads that connection's log (the one its upstream calls
// reach), so it sees a write made on the default connection.
func TestServeWatchWithoutAConnectionHeaderSeesTheDefaultConnection(t *testing.T) {
	t.Parallel()
	sb, r, addr, _ := startManaged(t)
	client, ctx := webhookTo(t, sb, "http://"+addr+"/webhooks/attio/"+sandbox.DefaultConnectionID)

	// A hang fails the test, rather than the whole binary's timeout.
	wctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	changesClient := attiov1connect.NewChangeServiceClient(connect.NewClient(connecthttp.NewTransport(h2c(), r.url)))
	wctx, info := connect.NewClientContext(wctx)
	info.RequestHeader().Set("Authorization", "Bearer "+subscribeReader) // and no Maton-Connection
	stream, err := changesClient.WatchRecords(wctx, &attiov1.WatchRecordsRequest{Object: "people"})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if m, err := stream.Receive(); err != nil || m.GetHeartbeat() == nil {
		t.Fatalf("first message %v (%v), want the starting heartbeat", m, err)
	}
	rec, err := client.CreateRecord(ctx, "people", attio.Values{"name": {attio.PersonalNameInput{FirstName: "Ada", LastName: "Lovelace"}}})
	if err != nil {
		t.Fatal(err)
	}
	for {
		m, err := stream.Receive()
		if err != nil {
			t.Fatalf("the watch without a header ended before the default connection's write: %v", err)
		}
		if c := m.GetChange(); c != nil && c.GetId().GetRecordId() == rec.ID.RecordID {
			if c.GetKind() != attiov1.ChangeKind_CHANGE_KIND_CREATED {
				t.Fatalf("change %v, want the creation", c)
			}
			return
		}
	}
}
