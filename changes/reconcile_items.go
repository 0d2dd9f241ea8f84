package changes

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/attio-facade/attio-facade/attio"
)

// walkItem is what a pass needs of a record or a list entry.
type walkItem struct {
	id, ws  string
	created *timestamppb.Timestamp
	// An entry's parent record and the id of its object (events name objects by id).
	parentRecord, parentObject string
	msg                        proto.Message // what a reconciled change carries
}

// sorts order a walk's pages by created_at; records ties by id (entries come in Attio's order for
// equal keys, the order the export's tie walk relies on too).
func (o reconciledObject) sorts() []attio.Sort {
	if o.kind == kindEntry {
		return []attio.Sort{{Direction: "asc", Attribute: "created_at"}}
	}
	return []attio.Sort{{Direction: "asc", Attribute: "created_at"}, {Direction: "asc", Attribute: "record_id"}}
}

// page reads one page of obj's records or entries.
func (r *Reconciler) page(ctx context.Context, obj reconciledObject, q attio.Query) ([]walkItem, error) {
	if obj.kind == kindRecord {
		p, err := r.o.Client.QueryRecordMessages(ctx, obj.slug, q)
		if err != nil {
			return nil, err
		}
		out := make([]walkItem, len(p.Items))
		for i, rec := range p.Items {
			out[i] = walkItem{id: rec.GetId().GetRecordId(), ws: rec.GetId().GetWorkspaceId(), created: rec.GetCreatedAt(), msg: rec}
		}
		return out, nil
	}
	p, err := r.o.Client.QueryEntryMessages(ctx, obj.slug, q)
	if err != nil {
		return nil, err
	}
	out := make([]walkItem, len(p.Items))
	for i, e := range p.Items {
		parent, err := r.objectID(ctx, obj.id, e.GetParentObject())
		if err != nil {
			return nil, err
		}
		out[i] = walkItem{id: e.GetId().GetEntryId(), ws: e.GetId().GetWorkspaceId(), created: e.GetCreatedAt(),
			parentRecord: e.GetParentRecordId(), parentObject: parent, msg: e}
	}
	return out, nil
}

// objectID is the id of the object an entry of list listID names by slug, asked once per pass,
// list and slug (a list id is unique across workspaces, a slug is not).
func (r *Reconciler) objectID(ctx context.Context, listID, slug string) (string, error) {
	if slug == "" {
		return "", nil
	}
	key := listID + "\x00" + slug
	if id, ok := r.objectIDs[key]; ok {
		return id, nil
	}
	o, err := r.o.Client.GetObject(ctx, slug)
	if err != nil {
		return "", fmt.Errorf("the parent object %s of an entry: %w", slug, err)
	}
	r.objectIDs[key] = o.ID.ObjectID
	return o.ID.ObjectID, nil
}
