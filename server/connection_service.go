package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// ConnectionService serves attio.v1.ConnectionService (Maton's control plane).
type ConnectionService struct {
	client *attio.Client
}

var _ attiov1connect.ConnectionServiceHandler = (*ConnectionService)(nil)

var connectionStatuses = wireNames[attiov1.ConnectionStatus](upperCase)

// ListConnections returns one page of the account's Attio connections, optionally in one state;
// Maton returns them whole.
func (s *ConnectionService) ListConnections(ctx context.Context, req *attiov1.ListConnectionsRequest) (*attiov1.ListConnectionsResponse, error) {
	cs, next, err := pageUpstream(ctx, attiov1connect.ConnectionServiceListConnectionsProcedure, req, func(ctx context.Context) ([]attio.Connection, error) {
		return s.client.ListConnections(ctx, attio.ConnectionQuery{Status: enumName(connectionStatuses, req.GetStatus())})
	}, toConnection)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListConnectionsResponse{Connections: cs, NextPageToken: next}, nil
}

// GetConnection returns one connection.
func (s *ConnectionService) GetConnection(ctx context.Context, req *attiov1.GetConnectionRequest) (*attiov1.GetConnectionResponse, error) {
	c, err := s.client.GetConnection(ctx, req.GetConnectionId())
	return reply(err, func() *attiov1.GetConnectionResponse {
		return &attiov1.GetConnectionResponse{Connection: toConnection(&c)}
	})
}

// CreateConnection starts a new, pending Attio connection.
func (s *ConnectionService) CreateConnection(ctx context.Context, _ *attiov1.CreateConnectionRequest) (*attiov1.CreateConnectionResponse, error) {
	c, err := s.client.CreateConnection(ctx)
	return reply(err, func() *attiov1.CreateConnectionResponse {
		return &attiov1.CreateConnectionResponse{Connection: toConnection(&c)}
	})
}

// DeleteConnection removes a connection.
func (s *ConnectionService) DeleteConnection(ctx context.Context, req *attiov1.DeleteConnectionRequest) (*attiov1.DeleteConnectionResponse, error) {
	if err := s.client.DeleteConnection(ctx, req.GetConnectionId()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteConnectionResponse{}, nil
}

func toConnection(c *attio.Connection) *attiov1.Connection {
	return &attiov1.Connection{
		ConnectionId:    c.ConnectionID,
		Status:          enumOf(connectionStatuses, c.Status),
		CreationTime:    toTimestamp(c.CreationTime),
		LastUpdatedTime: toTimestamp(c.LastUpdatedTime),
		Url:             c.URL,
		App:             c.App,
		Metadata:        structOrNil(c.Metadata),
	}
}
