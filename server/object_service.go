package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// ObjectService serves attio.v1.ObjectService.
type ObjectService struct {
	client *attio.Client
}

var _ attiov1connect.ObjectServiceHandler = (*ObjectService)(nil)

// ListObjects returns one page of the objects, which Attio returns whole.
func (s *ObjectService) ListObjects(ctx context.Context, req *attiov1.ListObjectsRequest) (*attiov1.ListObjectsResponse, error) {
	objs, next, err := pageUpstream(ctx, attiov1connect.ObjectServiceListObjectsProcedure, req, s.client.ListObjects, toObject)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListObjectsResponse{Objects: objs, NextPageToken: next}, nil
}

// GetObject returns one object.
func (s *ObjectService) GetObject(ctx context.Context, req *attiov1.GetObjectRequest) (*attiov1.GetObjectResponse, error) {
	o, err := s.client.GetObject(ctx, req.GetObject())
	return reply(err, func() *attiov1.GetObjectResponse { return &attiov1.GetObjectResponse{Object: toObject(&o)} })
}

// CreateObject creates a custom object.
func (s *ObjectService) CreateObject(ctx context.Context, req *attiov1.CreateObjectRequest) (*attiov1.CreateObjectResponse, error) {
	o, err := s.client.CreateObject(ctx, attio.ObjectInput{
		APISlug: req.GetApiSlug(), SingularNoun: req.GetSingularNoun(), PluralNoun: req.GetPluralNoun(),
	})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.CreateObjectResponse{Object: toObject(&o)}, nil
}

// UpdateObject changes the fields that are set.
func (s *ObjectService) UpdateObject(ctx context.Context, req *attiov1.UpdateObjectRequest) (*attiov1.UpdateObjectResponse, error) {
	names := []string{"api_slug", "singular_noun", "plural_noun"}
	u, err := readUpdate(req, names, names)
	if err != nil {
		return nil, err
	}
	o, err := s.client.UpdateObject(ctx, req.GetObject(), attio.ObjectUpdate{APISlug: masked(u, "api_slug", req.GetApiSlug()),
		SingularNoun: masked(u, "singular_noun", req.GetSingularNoun()), PluralNoun: masked(u, "plural_noun", req.GetPluralNoun())})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.UpdateObjectResponse{Object: toObject(&o)}, nil
}

func toObject(o *attio.Object) *attiov1.Object {
	x := extrasOf(o.Extra)
	return &attiov1.Object{
		Id:           &attiov1.ObjectId{WorkspaceId: o.ID.WorkspaceID, ObjectId: o.ID.ObjectID},
		ApiSlug:      o.APISlug,
		SingularNoun: o.SingularNoun,
		PluralNoun:   o.PluralNoun,
		CreatedAt:    x.time("created_at", o.CreatedAt),
		ExtraJson:    x.json(),
	}
}
