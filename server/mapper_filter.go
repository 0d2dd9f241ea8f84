package server

import (
	"github.com/attio-facade/attio-facade/attio"
	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

func fromSorts(sorts []*attiov1.Sort) []attio.Sort {
	if len(sorts) == 0 {
		return nil
	}
	out := make([]attio.Sort, 0, len(sorts))
	for _, s := range sorts {
		dir := "asc"
		if s.GetDirection() == attiov1.SortDirection_SORT_DIRECTION_DESC {
			dir = "desc"
		}
		as := attio.Sort{Direction: dir, Attribute: s.GetAttribute(), Field: s.GetField()}
		if len(s.GetPath()) > 0 {
			for _, p := range s.GetPath() {
				as.Path = append(as.Path, []string{p.GetObject(), p.GetAttribute()})
			}
			// Attio sorts by the last step's attribute when a path is given.
			as.Attribute = ""
		}
		out = append(out, as)
	}
	return out
}

func toStatus(s *attio.Status) *attiov1.Status {
	if s == nil {
		return nil
	}
	return &attiov1.Status{
		Id:                 &attiov1.StatusId{WorkspaceId: s.ID.WorkspaceID, ObjectId: s.ID.ObjectID, AttributeId: s.ID.AttributeID, StatusId: s.ID.StatusID},
		Title:              s.Title,
		IsArchived:         s.IsArchived,
		CelebrationEnabled: s.CelebrationEnabled,
		TargetTimeInStatus: s.TargetTimeInStatus,
		ExtraJson:          extrasOf(s.Extra).json(),
	}
}

func toSelectOption(o *attio.SelectOption) *attiov1.SelectOption {
	if o == nil {
		return nil
	}
	return &attiov1.SelectOption{
		Id:         &attiov1.SelectOptionId{WorkspaceId: o.ID.WorkspaceID, ObjectId: o.ID.ObjectID, AttributeId: o.ID.AttributeID, OptionId: o.ID.OptionID},
		Title:      o.Title,
		IsArchived: o.IsArchived,
		ExtraJson:  extrasOf(o.Extra).json(),
	}
}
