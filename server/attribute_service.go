package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
	"github.com/attio-facade/attio-facade/gen/attio/v1/attiov1connect"
)

// AttributeService serves attio.v1.AttributeService.
type AttributeService struct {
	client *attio.Client
}

var _ attiov1connect.AttributeServiceHandler = (*AttributeService)(nil)

var attributeTargets = map[attiov1.AttributeTarget]attio.Target{
	attiov1.AttributeTarget_ATTRIBUTE_TARGET_OBJECT:   attio.TargetObjects,
	attiov1.AttributeTarget_ATTRIBUTE_TARGET_LIST:     attio.TargetLists,
	attiov1.AttributeTarget_ATTRIBUTE_TARGET_ACTIVITY: attio.TargetActivities,
}

// fromTarget maps the required target; validation refuses UNSPECIFIED first, this guards callers
// that run without the validation interceptor.
func fromTarget(t attiov1.AttributeTarget) (attio.Target, error) {
	if v, ok := attributeTargets[t]; ok {
		return v, nil
	}
	return "", invalidArgument("target must be ATTRIBUTE_TARGET_OBJECT, ATTRIBUTE_TARGET_LIST or ATTRIBUTE_TARGET_ACTIVITY")
}

// choicesRequest lists the choices of a select or status attribute: its select options or statuses.
type choicesRequest interface {
	pagedRequest
	GetTarget() attiov1.AttributeTarget
	GetIdentifier() string
	GetAttribute() string
	GetShowArchived() bool
}

// pageAttributeChoices pages an attribute's select options or statuses, which Attio returns whole.
func pageAttributeChoices[T, M any](ctx context.Context, procedure string, req choicesRequest,
	list func(ctx context.Context, target attio.Target, identifier, attribute string, showArchived bool) ([]T, error), conv func(*T) M,
) ([]M, string, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, "", err
	}
	return pageUpstream(ctx, procedure, req, func(ctx context.Context) ([]T, error) {
		return list(ctx, target, req.GetIdentifier(), req.GetAttribute(), req.GetShowArchived())
	}, conv)
}

// ListAttributes returns one page of attributes; page_size 0 means the default page size, not all.
func (s *AttributeService) ListAttributes(ctx context.Context, req *attiov1.ListAttributesRequest) (*attiov1.ListAttributesResponse, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, err
	}
	p := newPager(ctx, attiov1connect.AttributeServiceListAttributesProcedure, req)
	pos, err := p.start(req.GetPageToken())
	if err != nil {
		return nil, err
	}
	q := attio.AttributeQuery{Limit: pageSize(req.GetPageSize(), defaultPageSize), Offset: int(pos.Offset), ShowArchived: req.GetShowArchived()}
	out := &attiov1.ListAttributesResponse{}
	page, err := s.client.ListAttributesPage(ctx, target, req.GetIdentifier(), q)
	if err != nil {
		return nil, upstreamError(err)
	}
	for i := range page.Items {
		out.Attributes = append(out.Attributes, toAttribute(&page.Items[i]))
	}
	out.NextPageToken = nextPageToken(p, page)
	return out, nil
}

// GetAttribute returns one attribute.
func (s *AttributeService) GetAttribute(ctx context.Context, req *attiov1.GetAttributeRequest) (*attiov1.GetAttributeResponse, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, err
	}
	a, err := s.client.GetAttribute(ctx, target, req.GetIdentifier(), req.GetAttribute())
	return reply(err, func() *attiov1.GetAttributeResponse { return &attiov1.GetAttributeResponse{Attribute: toAttribute(&a)} })
}

// CreateAttribute adds an attribute.
func (s *AttributeService) CreateAttribute(ctx context.Context, req *attiov1.CreateAttributeRequest) (*attiov1.CreateAttributeResponse, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, err
	}
	def, err := structJSON(req.GetDefaultValue())
	if err != nil {
		return nil, err
	}
	in := attio.AttributeInput{
		Title:         req.GetTitle(),
		APISlug:       req.GetApiSlug(),
		Type:          req.GetType(),
		IsRequired:    req.GetIsRequired(),
		IsUnique:      req.GetIsUnique(),
		IsMultiselect: req.GetIsMultiselect(),
		DefaultValue:  def,
		Config:        fromAttributeConfig(req.GetConfig()),
	}
	if d := req.GetDescription(); d != "" {
		in.Description = &d
	}
	a, err := s.client.CreateAttribute(ctx, target, req.GetIdentifier(), in)
	return reply(err, func() *attiov1.CreateAttributeResponse {
		return &attiov1.CreateAttributeResponse{Attribute: toAttribute(&a)}
	})
}

// UpdateAttribute changes the fields update_mask names; an empty description clears it, an unset
// default_value removes the default.
func (s *AttributeService) UpdateAttribute(ctx context.Context, req *attiov1.UpdateAttributeRequest) (*attiov1.UpdateAttributeResponse, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, err
	}
	u, err := readUpdate(req, []string{"title", "description", "api_slug", "is_required", "is_unique", "is_archived", "config", "default_value"},
		[]string{"title", "api_slug"})
	if err != nil {
		return nil, err
	}
	def, err := structJSON(req.GetDefaultValue())
	if err != nil {
		return nil, err
	}
	up := attio.AttributeUpdate{
		Title:      masked(u, "title", req.GetTitle()),
		APISlug:    masked(u, "api_slug", req.GetApiSlug()),
		IsRequired: masked(u, "is_required", req.GetIsRequired()),
		IsUnique:   masked(u, "is_unique", req.GetIsUnique()),
		IsArchived: masked(u, "is_archived", req.GetIsArchived()),
	}
	if u.set["description"] {
		up.Description = nullableString(req.GetDescription())
	}
	if u.set["config"] {
		up.Config = fromAttributeConfig(req.GetConfig())
	}
	if u.set["default_value"] {
		up.DefaultValue = def
		if def == nil {
			up.DefaultValue = attio.JSONNull
		}
	}
	a, err := s.client.UpdateAttribute(ctx, target, req.GetIdentifier(), req.GetAttribute(), up)
	return reply(err, func() *attiov1.UpdateAttributeResponse {
		return &attiov1.UpdateAttributeResponse{Attribute: toAttribute(&a)}
	})
}

// ListSelectOptions returns a select attribute's options.
func (s *AttributeService) ListSelectOptions(ctx context.Context, req *attiov1.ListSelectOptionsRequest) (*attiov1.ListSelectOptionsResponse, error) {
	opts, next, err := pageAttributeChoices(ctx, attiov1connect.AttributeServiceListSelectOptionsProcedure, req, s.client.ListSelectOptions, toSelectOption)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListSelectOptionsResponse{Options: opts, NextPageToken: next}, nil
}

// CreateSelectOption adds an option.
func (s *AttributeService) CreateSelectOption(ctx context.Context, req *attiov1.CreateSelectOptionRequest) (*attiov1.CreateSelectOptionResponse, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, err
	}
	o, err := s.client.CreateSelectOption(ctx, target, req.GetIdentifier(), req.GetAttribute(), req.GetTitle())
	return reply(err, func() *attiov1.CreateSelectOptionResponse {
		return &attiov1.CreateSelectOptionResponse{Option: toSelectOption(&o)}
	})
}

// UpdateSelectOption renames or archives an option.
func (s *AttributeService) UpdateSelectOption(ctx context.Context, req *attiov1.UpdateSelectOptionRequest) (*attiov1.UpdateSelectOptionResponse, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, err
	}
	u, err := readUpdate(req, []string{"title", "is_archived"}, []string{"title"})
	if err != nil {
		return nil, err
	}
	o, err := s.client.UpdateSelectOption(ctx, target, req.GetIdentifier(), req.GetAttribute(), req.GetOption(),
		attio.SelectOptionUpdate{Title: masked(u, "title", req.GetTitle()), IsArchived: masked(u, "is_archived", req.GetIsArchived())})
	if err != nil {
		return nil, upstreamError(err)
	}
	return &attiov1.UpdateSelectOptionResponse{Option: toSelectOption(&o)}, nil
}

// ListStatuses returns a status attribute's statuses.
func (s *AttributeService) ListStatuses(ctx context.Context, req *attiov1.ListStatusesRequest) (*attiov1.ListStatusesResponse, error) {
	sts, next, err := pageAttributeChoices(ctx, attiov1connect.AttributeServiceListStatusesProcedure, req, s.client.ListStatuses, toStatus)
	if err != nil {
		return nil, err
	}
	return &attiov1.ListStatusesResponse{Statuses: sts, NextPageToken: next}, nil
}

// CreateStatus adds a status.
func (s *AttributeService) CreateStatus(ctx context.Context, req *attiov1.CreateStatusRequest) (*attiov1.CreateStatusResponse, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, err
	}
	in := attio.StatusInput{Title: req.GetTitle()}
	if req.GetCelebrationEnabled() {
		in.CelebrationEnabled = proto.Bool(true)
	}
	if t := req.GetTargetTimeInStatus(); t != "" {
		in.TargetTimeInStatus = &t
	}
	st, err := s.client.CreateStatus(ctx, target, req.GetIdentifier(), req.GetAttribute(), in)
	return reply(err, func() *attiov1.CreateStatusResponse { return &attiov1.CreateStatusResponse{Status: toStatus(&st)} })
}

// UpdateStatus changes the fields that are set; an empty target time clears it.
func (s *AttributeService) UpdateStatus(ctx context.Context, req *attiov1.UpdateStatusRequest) (*attiov1.UpdateStatusResponse, error) {
	target, err := fromTarget(req.GetTarget())
	if err != nil {
		return nil, err
	}
	u, err := readUpdate(req, []string{"title", "celebration_enabled", "target_time_in_status", "is_archived"}, []string{"title"})
	if err != nil {
		return nil, err
	}
	up := attio.StatusUpdate{Title: masked(u, "title", req.GetTitle()),
		CelebrationEnabled: masked(u, "celebration_enabled", req.GetCelebrationEnabled()), IsArchived: masked(u, "is_archived", req.GetIsArchived())}
	if u.set["target_time_in_status"] {
		up.TargetTimeInStatus = nullableString(req.GetTargetTimeInStatus())
	}
	st, err := s.client.UpdateStatus(ctx, target, req.GetIdentifier(), req.GetAttribute(), req.GetStatus(), up)
	return reply(err, func() *attiov1.UpdateStatusResponse { return &attiov1.UpdateStatusResponse{Status: toStatus(&st)} })
}

// nullableString is a PATCH value where "" means "clear it" (null upstream).
func nullableString(s string) *attio.Nullable[string] {
	if s == "" {
		return attio.SetNull[string]()
	}
	return attio.SetTo(s)
}

// fromAttributeConfig writes only the parts the caller set; nil when there is nothing, so an
// update body omits config entirely.
func fromAttributeConfig(c *attiov1.AttributeConfig) *attio.AttributeConfigInput {
	if c.GetCurrency() == nil && c.GetRecordReference() == nil {
		return nil
	}
	out := &attio.AttributeConfigInput{}
	if cur := c.GetCurrency(); cur != nil {
		out.Currency = &attio.CurrencyConfigInput{DefaultCurrencyCode: cur.GetDefaultCurrencyCode(), DisplayType: cur.GetDisplayType()}
	}
	if rr := c.GetRecordReference(); rr != nil {
		out.RecordReference = &attio.RecordReferenceConfigInput{AllowedObjects: rr.GetAllowedObjectIds()}
	}
	return out
}

func toAttributeID(id attio.AttributeID) *attiov1.AttributeId {
	return &attiov1.AttributeId{WorkspaceId: id.WorkspaceID, ObjectId: id.ObjectID, AttributeId: id.AttributeID}
}

func toAttribute(a *attio.Attribute) *attiov1.Attribute {
	x := extrasOf(a.Extra)
	out := &attiov1.Attribute{
		Id:                    toAttributeID(a.ID),
		Title:                 a.Title,
		Description:           a.Description,
		ApiSlug:               a.APISlug,
		Type:                  a.Type,
		IsSystemAttribute:     a.IsSystemAttribute,
		IsWritable:            a.IsWritable,
		IsRequired:            a.IsRequired,
		IsUnique:              a.IsUnique,
		IsMultiselect:         a.IsMultiselect,
		IsDefaultValueEnabled: a.IsDefaultValueEnabled,
		IsArchived:            a.IsArchived,
		DefaultValue:          structOrNil(a.DefaultValue),
		CreatedAt:             x.time("created_at", a.CreatedAt),
		Config: &attiov1.AttributeConfig{
			Currency: &attiov1.CurrencyConfig{
				DefaultCurrencyCode: a.Config.Currency.DefaultCurrencyCode,
				DisplayType:         a.Config.Currency.DisplayType,
			},
		},
	}
	// Unset when Attio sent null (not a record reference), so it stays apart from "allows none".
	if ids := a.Config.RecordReference.AllowedObjectIDs; ids != nil {
		out.Config.RecordReference = &attiov1.RecordReferenceConfig{AllowedObjectIds: ids}
	}
	if r := a.Relationship; r != nil {
		out.Relationship = toAttributeID(r.ID)
		out.RelationshipDetail = &attiov1.AttributeRelationship{
			Id: toAttributeID(r.ID), ObjectSlug: r.ObjectSlug, Title: r.Title, ApiSlug: r.APISlug, IsMultiselect: r.IsMultiselect,
		}
	}
	out.ExtraJson = x.json()
	return out
}
