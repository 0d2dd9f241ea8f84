package sandbox

import "net/http"

func optionRoutes(rs *routes) {
	rs.read("GET", "/v2/{target}/{identifier}/attributes/{attribute}/options", selectOptions.list)
	rs.write("POST", "/v2/{target}/{identifier}/attributes/{attribute}/options", selectOptions.create)
	rs.write("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}/options/{option}", selectOptions.patch)
	rs.read("GET", "/v2/{target}/{identifier}/attributes/{attribute}/statuses", statusOptions.list)
	rs.write("POST", "/v2/{target}/{identifier}/attributes/{attribute}/statuses", statusOptions.create)
	rs.write("PATCH", "/v2/{target}/{identifier}/attributes/{attribute}/statuses/{status}", statusOptions.patch)
}

// choices is the one implementation of the option and status endpoints:
// what differs between a select's options and a status's statuses.
type choices[T interface{ base() *choice }] struct {
	typ      attrType
	kind     string // "select" or "status", in "not a ... attribute"
	noun     string // in the 409 message
	param    string // the path wildcard naming one
	missing  string // the 404 message, with the wildcard's value
	items    func(a *attribute) *[]T
	make     func(c choice) T
	write    func(ws *workspace, w *jw, a *attribute, x T)
	fields   func(d map[string]any, x T) *apiError // fields besides title and is_archived
	onCreate bool                                  // whether a create reads them (and is_archived) too
}

var selectOptions = &choices[*option]{
	typ: tSelect, kind: "select", noun: "select option", param: "option",
	missing: "Cannot find select attribute with select option title \"%s\".",
	items:   func(a *attribute) *[]*option { return &a.options },
	make:    func(c choice) *option { return &option{c} },
	write:   (*workspace).writeOption,
	fields:  func(map[string]any, *option) *apiError { return nil },
}

var statusOptions = &choices[*status]{
	typ: tStatus, kind: "status", noun: "status", param: "status",
	missing:  "Cannot find status attribute with status option title \"%s\".",
	items:    func(a *attribute) *[]*status { return &a.statuses },
	make:     func(c choice) *status { return &status{choice: c} },
	write:    (*workspace).writeStatus,
	fields:   applyStatusFields,
	onCreate: true,
}

// attribute loads the path's attribute, which must be of this kind.
func (k *choices[T]) attribute(rc *reqCtx) (*attribute, *apiError) {
	_, a, err := rc.attribute()
	if err != nil {
		return nil, err
	}
	if a.typ != k.typ {
		return nil, validation("This attribute is not a %s attribute.", k.kind)
	}
	return a, nil
}

// taken reports whether another choice than self already has title: Attio
// answers that with 409 slug_conflict, for creates and renames alike.
func (k *choices[T]) taken(a *attribute, self *choice, title string) *apiError {
	for _, x := range *k.items(a) {
		if c := x.base(); c != self && c.title == title {
			return errorf(http.StatusConflict, "slug_conflict", "There is already another %s with the title \"%s\".", k.noun, title)
		}
	}
	return nil
}

func (k *choices[T]) list(rc *reqCtx) ([]byte, *apiError) {
	a, err := k.attribute(rc)
	if err != nil {
		return nil, err
	}
	archived, err := rc.boolParam("show_archived")
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, x := range *k.items(a) {
			if archived || !x.base().archived {
				k.write(rc.ws, w, a, x)
			}
		}
		w.arrClose()
	}), nil
}

func (k *choices[T]) create(rc *reqCtx) ([]byte, *apiError) {
	a, err := k.attribute(rc)
	if err != nil {
		return nil, err
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	title, err := reqString(d, "title", "data")
	if err != nil {
		return nil, err
	}
	if title == "" {
		return nil, bodyError([]any{"data", "title"}, "String must contain at least 1 character(s)")
	}
	if err := k.taken(a, nil, title); err != nil {
		return nil, err
	}
	x := k.make(choice{id: newUUID(), title: title})
	if k.onCreate {
		if err := k.apply(d, x); err != nil {
			return nil, err
		}
	}
	*k.items(a) = append(*k.items(a), x)
	return dataOne(func(w *jw) { k.write(rc.ws, w, a, x) }), nil
}

func (k *choices[T]) patch(rc *reqCtx) ([]byte, *apiError) {
	a, err := k.attribute(rc)
	if err != nil {
		return nil, err
	}
	x, found := findChoice(*k.items(a), rc.param(k.param))
	if !found {
		return nil, valueNotFound(k.missing, rc.param(k.param))
	}
	d, err := rc.data()
	if err != nil {
		return nil, err
	}
	c := x.base()
	if t, ok, err := optString(d, "title", "data"); err != nil {
		return nil, err
	} else if ok {
		if err := k.taken(a, c, t); err != nil {
			return nil, err
		}
		c.title = t
	}
	if err := k.apply(d, x); err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { k.write(rc.ws, w, a, x) }), nil
}

// apply reads the kind's own fields, then is_archived.
func (k *choices[T]) apply(d map[string]any, x T) *apiError {
	if err := k.fields(d, x); err != nil {
		return err
	}
	if b, ok, err := optBool(d, "is_archived", "data"); err != nil {
		return err
	} else if ok {
		x.base().archived = b
	}
	return nil
}

// applyStatusFields reads a status's own fields (celebration, target time).
func applyStatusFields(d map[string]any, st *status) *apiError {
	if b, ok, err := optBool(d, "celebration_enabled", "data"); err != nil {
		return err
	} else if ok {
		st.celebration = b
	}
	if v, ok := d["target_time_in_status"]; ok {
		s, _ := v.(string)
		st.targetTime = s
	}
	return nil
}
