package sandbox

import "slices"

// The shared find, get, list and delete steps of the resource handlers.

// dataList answers {"data":[...]}, each element written by write.
func dataList[T any](items []T, write func(w *jw, x T)) []byte {
	return dataOne(func(w *jw) {
		w.arrOpen()
		for _, x := range items {
			write(w, x)
		}
		w.arrClose()
	})
}

// getWith answers {"data": x} for the element find resolves from the path.
func getWith[T any](find func() (T, *apiError), write func(w *jw, x T)) ([]byte, *apiError) {
	x, err := find()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { write(w, x) }), nil
}

// getItem answers {"data": item} for the record or entry find resolves.
func getItem(find func() (*collection, *item, *apiError), write func(c *collection, w *jw, it *item)) ([]byte, *apiError) {
	c, it, err := find()
	if err != nil {
		return nil, err
	}
	return dataOne(func(w *jw) { write(c, w, it) }), nil
}

// byID is a kind of workspace element kept in a slice and addressed by a
// UUID path wildcard (notes, tasks, webhooks).
type byID[T any] struct {
	param   string                            // the path wildcard
	items   func(ws *workspace) *[]T          // where the workspace keeps them
	id      func(x T) uuid                    // an element's id
	missing func(method, id string) *apiError // Attio's 404, which may differ by method
	write   func(ws *workspace, w *jw, x T)   // an element as read back
	deleted func(rc *reqCtx, x T)             // fires its webhook event, if any
}

// find is the index of the element the path names.
func (k *byID[T]) find(rc *reqCtx) (int, *apiError) {
	id := rc.param(k.param)
	u, _ := parseUUID(id)
	for i, x := range *k.items(rc.ws) {
		if k.id(x) == u {
			return i, nil
		}
	}
	return -1, k.missing(rc.r.Method, id)
}

// at is the element the path names.
func (k *byID[T]) at(rc *reqCtx) (T, *apiError) {
	i, err := k.find(rc)
	if err != nil {
		var zero T
		return zero, err
	}
	return (*k.items(rc.ws))[i], nil
}

func (k *byID[T]) get(rc *reqCtx) ([]byte, *apiError) {
	return getWith(func() (T, *apiError) { return k.at(rc) }, func(w *jw, x T) { k.write(rc.ws, w, x) })
}

func (k *byID[T]) delete(rc *reqCtx) ([]byte, *apiError) {
	i, err := k.find(rc)
	if err != nil {
		return nil, err
	}
	items := k.items(rc.ws)
	if k.deleted != nil {
		k.deleted(rc, (*items)[i])
	}
	*items = slices.Delete(*items, i, i+1)
	return okEmpty()
}

// notFoundID is the usual missing: one message whatever the method.
func notFoundID(format string) func(method, id string) *apiError {
	return func(_, id string) *apiError { return notFound(format, id) }
}
