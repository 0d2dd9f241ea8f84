package server_test

import (
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"
	"google.golang.org/protobuf/proto"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func connectionIDs(cs []*attiov1.Connection) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.GetConnectionId())
	}
	return out
}

func TestConnectionService(t *testing.T) {
	t.Parallel()
	eachProtocol(t, func(t *testing.T, h *harness, p protocol) {
		ctx := t.Context()
		c := attiov1connect.NewConnectionServiceClient(h.rpc(p))

		all, err := c.ListConnections(ctx, &attiov1.ListConnectionsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if got := connectionIDs(all.GetConnections()); !slices.Equal(got, []string{sandbox.DefaultConnectionID, sandbox.SecondConnectionID}) {
			t.Fatalf("ListConnections = %v", got)
		}
		first := all.GetConnections()[0]
		if first.GetStatus() != attiov1.ConnectionStatus_CONNECTION_STATUS_ACTIVE || first.GetApp() != "attio" ||
			!strings.Contains(first.GetUrl(), sandbox.DefaultConnectionID) || first.GetMetadata() == nil {
			t.Fatalf("default connection = %v", first)
		}
		wantTime(t, "creation_time", first.GetCreationTime(), "2024-01-02T09:00:00Z")
		wantTime(t, "last_updated_time", first.GetLastUpdatedTime(), "2024-01-02T09:00:00Z")
		got, err := c.GetConnection(ctx, &attiov1.GetConnectionRequest{ConnectionId: sandbox.DefaultConnectionID})
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(got.GetConnection(), first) {
			t.Fatalf("GetConnection = %v, want %v", got.GetConnection(), first)
		}
		_, err = c.GetConnection(ctx, &attiov1.GetConnectionRequest{ConnectionId: unknownID})
		wantCode(t, err, connect.CodeNotFound)

		pending, err := c.ListConnections(ctx, &attiov1.ListConnectionsRequest{Status: attiov1.ConnectionStatus_CONNECTION_STATUS_PENDING})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending.GetConnections()) != 0 {
			t.Fatalf("pending before create = %v", pending.GetConnections())
		}
		created, err := c.CreateConnection(ctx, &attiov1.CreateConnectionRequest{})
		if err != nil {
			t.Fatal(err)
		}
		n := created.GetConnection()
		if n.GetStatus() != attiov1.ConnectionStatus_CONNECTION_STATUS_PENDING || n.GetUrl() == "" || n.GetApp() != "attio" || n.GetCreationTime() == nil {
			t.Fatalf("CreateConnection = %v", n)
		}
		pending, err = c.ListConnections(ctx, &attiov1.ListConnectionsRequest{Status: attiov1.ConnectionStatus_CONNECTION_STATUS_PENDING})
		if err != nil {
			t.Fatal(err)
		}
		if got := connectionIDs(pending.GetConnections()); !slices.Equal(got, []string{n.GetConnectionId()}) {
			t.Fatalf("pending after create = %v", got)
		}
		active, err := c.ListConnections(ctx, &attiov1.ListConnectionsRequest{Status: attiov1.ConnectionStatus_CONNECTION_STATUS_ACTIVE})
		if err != nil {
			t.Fatal(err)
		}
		if len(active.GetConnections()) != 2 {
			t.Fatalf("active = %v", connectionIDs(active.GetConnections()))
		}

		if _, err := c.DeleteConnection(ctx, &attiov1.DeleteConnectionRequest{ConnectionId: n.GetConnectionId()}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetConnection(ctx, &attiov1.GetConnectionRequest{ConnectionId: n.GetConnectionId()})
		wantCode(t, err, connect.CodeNotFound)
		_, err = c.DeleteConnection(ctx, &attiov1.DeleteConnectionRequest{ConnectionId: n.GetConnectionId()})
		wantCode(t, err, connect.CodeNotFound)
		if ids := h.sb.Sandbox.ConnectionIDs(); slices.Contains(ids, n.GetConnectionId()) {
			t.Fatalf("sandbox still has %s: %v", n.GetConnectionId(), ids)
		}

		wantLocalInvalid(t, h, func() error {
			_, err := c.GetConnection(ctx, &attiov1.GetConnectionRequest{ConnectionId: "default"})
			return err
		})
		wantLocalInvalid(t, h, func() error {
			_, err := c.ListConnections(ctx, &attiov1.ListConnectionsRequest{Status: attiov1.ConnectionStatus(42)})
			return err
		})
	})
}
