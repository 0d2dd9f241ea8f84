package server

import (
	"context"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// ActivityService serves attio.v1.ActivityService: activities (beta) as Attio's reference pages
// under https://docs.attio.com/rest-api/endpoint-reference/activities/ describe them. Attio lists
// them whole, so the facade pages them, and a stream sends them in pages of page_size.
type ActivityService struct {
	client *attio.Client
}

var _ attiov1connect.ActivityServiceHandler = (*ActivityService)(nil)

var activitySchemas = map[string]attiov1.ActivitySchema{
	"activities":   attiov1.ActivitySchema_ACTIVITY_SCHEMA_ACTIVITIES,
	"interactions": attiov1.ActivitySchema_ACTIVITY_SCHEMA_INTERACTIONS,
	"calls":        attiov1.ActivitySchema_ACTIVITY_SCHEMA_CALLS,
	"emails":       attiov1.ActivitySchema_ACTIVITY_SCHEMA_EMAILS,
}

func (s *ActivityService) listAll(ctx context.Context) ([]attio.Activity, error) {
	as, err := s.client.ListActivities(ctx)
	return as, upstreamError(err)
}

// ListActivities returns one page of the activities.
func (s *ActivityService) ListActivities(ctx context.Context, req *attiov1.ListActivitiesRequest) (*attiov1.ListActivitiesResponse, error) {
	as, next, err := pageWhole(ctx, attiov1connect.ActivityServiceListActivitiesProcedure, req, func() ([]attio.Activity, error) {
		return s.listAll(ctx)
	}, toActivity)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListActivitiesResponse{Activities: as, NextPageToken: next}, nil
}

// StreamActivities sends every activity in pages of page_size; each page reads the listing again
// (it is one upstream call) and resumes at the offset its token carries.
func (s *ActivityService) StreamActivities(ctx context.Context, req *attiov1.StreamActivitiesRequest, stream attiov1connect.ActivityServiceStreamActivitiesServerStream) error {
	p := newPager(ctx, attiov1connect.ActivityServiceStreamActivitiesProcedure, req)
	start, err := p.start(req.GetResumeToken())
	if err != nil {
		return err
	}
	size := pageSize(req.GetPageSize(), defaultPageSize)
	return streamPages(bulk(ctx), p, start, size,
		func(ctx context.Context, pos pageToken) (attio.Page[attio.Activity], error) {
			all, err := s.client.ListActivities(ctx)
			if err != nil {
				return attio.Page[attio.Activity]{}, err
			}
			from := min(int(pos.Offset), len(all))
			to := min(from+size, len(all))
			return attio.Page[attio.Activity]{Items: all[from:to], More: to < len(all), NextOffset: to}, nil
		},
		func(items []attio.Activity, resume string) *attiov1.StreamActivitiesResponse {
			out := &attiov1.StreamActivitiesResponse{Activities: make([]*attiov1.Activity, 0, len(items)), ResumeToken: resume}
			for i := range items {
				out.Activities = append(out.Activities, toActivity(&items[i]))
			}
			return out
		}, stream.Send)
}

// GetActivity returns one activity.
func (s *ActivityService) GetActivity(ctx context.Context, req *attiov1.GetActivityRequest) (*attiov1.GetActivityResponse, error) {
	a, err := s.client.GetActivity(ctx, req.GetActivity())
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.GetActivityResponse{Activity: toActivity(&a)}, nil
}

// CreateActivity creates a custom activity.
func (s *ActivityService) CreateActivity(ctx context.Context, req *attiov1.CreateActivityRequest) (*attiov1.CreateActivityResponse, error) {
	a, err := s.client.CreateActivity(ctx, attio.ActivityInput{APISlug: req.GetApiSlug(), SingularNoun: req.GetSingularNoun(),
		PluralNoun: req.GetPluralNoun(), Extends: enumName(activitySchemas, req.GetExtends())})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.CreateActivityResponse{Activity: toActivity(&a)}, nil
}

// UpdateActivity changes the fields update_mask names.
func (s *ActivityService) UpdateActivity(ctx context.Context, req *attiov1.UpdateActivityRequest) (*attiov1.UpdateActivityResponse, error) {
	names := []string{"api_slug", "singular_noun", "plural_noun"}
	u, err := readUpdate(req, names, names)
	if err != nil {
		return nil, err
	}
	a, err := s.client.UpdateActivity(ctx, req.GetActivity(), attio.ActivityUpdate{APISlug: masked(u, "api_slug", req.GetApiSlug()),
		SingularNoun: masked(u, "singular_noun", req.GetSingularNoun()), PluralNoun: masked(u, "plural_noun", req.GetPluralNoun())})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.UpdateActivityResponse{Activity: toActivity(&a)}, nil
}

// DeleteActivity deletes an activity and its records.
func (s *ActivityService) DeleteActivity(ctx context.Context, req *attiov1.DeleteActivityRequest) (*attiov1.DeleteActivityResponse, error) {
	if err := s.client.DeleteActivity(ctx, req.GetActivity()); err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.DeleteActivityResponse{}, nil
}

func toActivity(a *attio.Activity) *attiov1.Activity {
	x := extrasOf(a.Extra)
	names := a.ExtendsNames()
	out := &attiov1.Activity{
		Id:           &attiov1.ActivityId{WorkspaceId: a.ID.WorkspaceID, ActivityId: a.ID.ActivityID},
		ApiSlug:      a.APISlug,
		SingularNoun: a.SingularNoun,
		PluralNoun:   a.PluralNoun,
		ExtendsNames: names,
		CreatedAt:    x.time("created_at", a.CreatedAt),
	}
	if len(names) > 0 {
		out.Extends = enumOf(activitySchemas, names[0])
	} else if len(a.Extends) > 0 && string(a.Extends) != "null" {
		x.set("extends", a.Extends) // neither a name nor a list of names: kept as sent
	}
	out.ExtraJson = x.json()
	return out
}
