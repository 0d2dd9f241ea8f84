package server_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"connectrpc.com/connect/v2"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
	"github.com/attio-facade/attio-facade/sandbox"
)

func TestConnectionService(t *testing.T) {
	eachClient(t, attiov1connect.NewConnectionServiceClient, func(t *testing.T, ctx context.Context, c attiov1connect.ConnectionServiceClient, h *harness, p protocol) {
		all, err := c.ListConnections(ctx, &attiov1.ListConnectionsRequest{})
		wantListed(t, all, err, idsOf(all.GetConnections(), connectionID), []string{sandbox.DefaultConnectionID, sandbox.SecondConnectionID})
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
		wantProto(t, "GetConnection", got.GetConnection(), first)
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
		if got := idsOf(pending.GetConnections(), connectionID); !slices.Equal(got, []string{n.GetConnectionId()}) {
			t.Fatalf("pending after create = %v", got)
		}
		active, err := c.ListConnections(ctx, &attiov1.ListConnectionsRequest{Status: attiov1.ConnectionStatus_CONNECTION_STATUS_ACTIVE})
		if err != nil {
			t.Fatal(err)
		}
		if len(active.GetConnections()) != 2 {
			t.Fatalf("active = %v", idsOf(active.GetConnections(), connectionID))
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
