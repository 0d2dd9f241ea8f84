package attio

import (
	"bytes"
	"slices"

	attiov1 "github.com/attio-facade/attio-facade/gen/attio/v1"
)

// DecodeRecords decodes Attio's answer to a records query, {"data": [record, ...]}, straight into
// the contract's messages. Nothing Attio sent is lost: keys the contract does not know are in each
// message's extra_json, values of unknown types in unknown_json, as the bytes Attio sent.
func DecodeRecords(body []byte) ([]*attiov1.Record, error) {
	var out []*attiov1.Record
	err := decodeData(body, true, func(p *decoder) error {
		r, err := p.record()
		out = append(out, r)
		return err
	})
	return out, err
}

// DecodeRecord decodes Attio's answer holding one record, {"data": record}.
func DecodeRecord(body []byte) (*attiov1.Record, error) {
	return decodeOne(body, (*decoder).record, func() *attiov1.Record { return &attiov1.Record{Id: &attiov1.RecordId{}} })
}

// DecodeEntries decodes Attio's answer to an entries query, {"data": [entry, ...]}.
func DecodeEntries(body []byte) ([]*attiov1.Entry, error) {
	var out []*attiov1.Entry
	err := decodeData(body, true, func(p *decoder) error {
		e, err := p.entry()
		out = append(out, e)
		return err
	})
	return out, err
}

// DecodeEntry decodes Attio's answer holding one entry, {"data": entry}.
func DecodeEntry(body []byte) (*attiov1.Entry, error) {
	return decodeOne(body, (*decoder).entry, func() *attiov1.Entry { return &attiov1.Entry{Id: &attiov1.EntryId{}} })
}

// DecodeValues decodes Attio's answer listing one attribute's values, {"data": [value, ...]}.
func DecodeValues(body []byte) ([]*attiov1.Value, error) {
	var out []*attiov1.Value
	err := decodeData(body, true, func(p *decoder) error {
		v, err := p.nextValue()
		if err == nil {
			out = append(out, v)
		}
		return err
	})
	return out, err
}

// decodeData walks the {"data": ...} envelope, calling each for the data item (one, or every
// element when list). Other members of the envelope are skipped.
func decodeData(body []byte, list bool, each func(*decoder) error) error {
	return decodeDataWith(newDecoder(body, true), list, each)
}

func decodeDataWith(p *decoder, list bool, each func(*decoder) error) error {
	ok, err := p.open('{')
	if err != nil {
		return err
	}
	if !ok {
		return errShape
	}
	for {
		more, err := p.more()
		if err != nil {
			return err
		}
		if !more {
			return p.end()
		}
		key, err := p.name()
		if err != nil {
			return err
		}
		switch {
		case key != "data":
			err = p.skip()
		case !list:
			if p.peek() == 'n' {
				err = p.skip()
			} else {
				err = each(p)
			}
		default:
			err = p.elements(func() error { return each(p) })
		}
		if err != nil {
			return err
		}
	}
}

// elements calls each for every element of the array that comes next (none for null).
func (p *decoder) elements(each func() error) error {
	ok, err := p.open('[')
	if !ok {
		return err
	}
	for {
		more, err := p.more()
		if !more || err != nil {
			return err
		}
		if err := each(); err != nil {
			return err
		}
	}
}

// object calls member for every member of the object that comes next (none for null).
func (p *decoder) object(member func(key string) error) error {
	ok, err := p.open('{')
	if !ok {
		return err
	}
	for {
		more, err := p.more()
		if !more || err != nil {
			return err
		}
		key, err := p.name()
		if err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
	}
}

// next reads the next value whole, as the member key.
func (p *decoder) next(key string) (span, error) {
	s, e, err := p.read()
	return span{key: key, start: s, end: e}, err
}

// textTo reads a string member into dst; another kind goes to x.
func (p *decoder) textTo(key string, dst *string, x *extras) error {
	v, err := p.next(key)
	if err != nil {
		return err
	}
	s, ok := p.text(v)
	if !ok {
		x.add(v)
	}
	*dst = s
	return nil
}

func (p *decoder) record() (*attiov1.Record, error) {
	r := p.a.recs.new()
	r.Id = p.a.ids.new()
	p.activityID, p.activityBad = "", false
	var x extras
	err := p.object(func(key string) error {
		switch key {
		case "id":
			return p.ids(func(k string, v span) {
				switch k {
				case "workspace_id":
					r.Id.WorkspaceId, _ = p.text(v)
				case "object_id":
					r.Id.ObjectId, _ = p.text(v)
				case "record_id":
					r.Id.RecordId, _ = p.text(v)
				case "activity_id":
					var ok bool
					p.activityID, ok = p.text(v)
					p.activityBad = !ok
				}
			})
		case "created_at":
			v, err := p.next(key)
			if err == nil {
				r.CreatedAt = p.time(v, &x)
			}
			return err
		case "web_url":
			return p.textTo(key, &r.WebUrl, &x)
		case "values":
			var err error
			r.Values, err = p.valueMap()
			return err
		}
		v, err := p.next(key)
		if err == nil {
			x.add(v)
		}
		return err
	})
	r.ExtraJson = x.json(p)
	return r, err
}

func (p *decoder) entry() (*attiov1.Entry, error) {
	e := &attiov1.Entry{Id: &attiov1.EntryId{}}
	var x extras
	err := p.object(func(key string) error {
		switch key {
		case "id":
			return p.ids(func(k string, v span) {
				switch k {
				case "workspace_id":
					e.Id.WorkspaceId, _ = p.text(v)
				case "list_id":
					e.Id.ListId, _ = p.text(v)
				case "entry_id":
					e.Id.EntryId, _ = p.text(v)
				}
			})
		case "created_at":
			v, err := p.next(key)
			if err == nil {
				e.CreatedAt = p.time(v, &x)
			}
			return err
		case "parent_record_id":
			return p.textTo(key, &e.ParentRecordId, &x)
		case "parent_object":
			return p.textTo(key, &e.ParentObject, &x)
		case "entry_values":
			var err error
			e.EntryValues, err = p.valueMap()
			return err
		}
		v, err := p.next(key)
		if err == nil {
			x.add(v)
		}
		return err
	})
	e.ExtraJson = x.json(p)
	return e, err
}

// ids reads a composite id object, handing each member to set.
func (p *decoder) ids(set func(key string, v span)) error {
	f, mark, err := p.nextMembers()
	for _, m := range f {
		set(m.key, m)
	}
	p.pop(mark)
	return err
}

// nextMembers reads the next value whole (validated) and returns its members, none for a
// non-object. The caller pops them from mark.
func (p *decoder) nextMembers() (f fields, mark int, err error) {
	if p.peek() != '{' {
		_, _, err := p.read()
		return nil, len(p.spans), err
	}
	p.i, mark, err = p.scanObject(p.i, len(p.stack)+1, true)
	return p.spans[mark:], mark, err
}

// valueMap reads {slug: [value, ...]}; every attribute is kept, an empty list too.
func (p *decoder) valueMap() (map[string]*attiov1.ValueList, error) {
	m := make(map[string]*attiov1.ValueList, p.attrs)
	err := p.object(func(slug string) error {
		mark := len(p.vals)
		err := p.elements(func() error {
			v, err := p.nextValue()
			if err == nil {
				p.vals = append(p.vals, v)
			}
			return err
		})
		if len(p.vals) == mark {
			// Half the attributes of a record are empty: they share one list, like repeated
			// actors and times (the messages of a page are read-only once decoded).
			if p.empty == nil {
				p.empty = p.a.lists.new()
			}
			m[slug] = p.empty
			return err
		}
		list := p.a.lists.new()
		list.Values = p.a.valueSlice(p.vals[mark:])
		m[slug] = list
		p.vals = p.vals[:mark]
		return err
	})
	p.attrs = len(m)
	return m, err
}

// commonValueKeys are the keys every value carries, whatever its type.
var commonValueKeys = []string{"attribute_type", "active_from", "active_until", "created_by_actor"}

// nextValue reads the next value (validated, its members found in the same scan) and decodes it
// through the decode table.
func (p *decoder) nextValue() (*attiov1.Value, error) {
	p.peek()
	start := p.i
	f, mark, err := p.nextMembers()
	if err != nil {
		p.pop(mark)
		return nil, err
	}
	out := p.a.values.new()
	end := p.i
	if p.kind(start) != '{' {
		out.Value = &attiov1.Value_UnknownJson{UnknownJson: p.sub(start, end)}
		return out, nil
	}
	// The decoder's own extras, reused: a local one escapes (the table's decode is called through
	// a func value) and cost an allocation per value. Values do not nest, so one is enough.
	x := &p.vx
	*x = (*x)[:0]
	common := 0 // members with a common key
	var d *typedDecoder
	for _, m := range f {
		switch m.key {
		case "attribute_type":
			d = p.attributeType(m)
			if d != nil {
				out.AttributeType = d.name
			} else {
				out.AttributeType, _ = p.text(m)
			}
		case "active_from":
			out.ActiveFrom = p.time(m, x)
		case "active_until":
			out.ActiveUntil = p.time(m, x)
		case "created_by_actor":
			a, ok := p.actor(m)
			if !ok {
				x.add(m)
			}
			out.CreatedByActor = a
		default:
			continue
		}
		common++
	}
	if d == nil && out.AttributeType != "" {
		d = decoderOf[out.AttributeType] // a type name with escapes
	}
	if d != nil {
		p.got = 0
		d.decode(p, f, x, out)
		// Every member was a common key or one the type's decode found: none is unknown (the
		// usual case, no search). Otherwise (unknown or repeated keys) look at each.
		if common+p.got != len(f) {
			for _, m := range f {
				if !slices.Contains(commonValueKeys, m.key) && !slices.Contains(d.keys, m.key) {
					x.add(m)
				}
			}
		}
	} else {
		out.Value = &attiov1.Value_UnknownJson{UnknownJson: p.sub(start, end)}
	}
	out.ExtraJson = x.json(p)
	p.pop(mark)
	return out, nil
}

// attributeType is the table entry of the value's attribute_type, nil for a type it does not
// know (or a name written with escapes): found from the bytes, so a known type costs no copy.
func (p *decoder) attributeType(m span) *typedDecoder {
	if p.kind(m.start) != '"' {
		return nil
	}
	return decoderOf[string(p.in[m.start+1:m.end-1])]
}

// actor reads {type, id}; null is nil. ok is false for anything but an object or null.
func (p *decoder) actor(v span) (*attiov1.ActorReference, bool) {
	switch p.kind(v.start) {
	case 'n':
		return nil, true
	case '{':
	default:
		return nil, false
	}
	raw := p.in[v.start:v.end]
	if p.lastActor != nil && bytes.Equal(raw, p.lastActorRaw) {
		return p.lastActor, true
	}
	var t string
	var id *string
	f, mark := p.members(v.start, v.end)
	for _, m := range f {
		switch m.key {
		case "type":
			t, _ = p.text(m)
		case "id":
			id, _ = p.optText(m)
		}
	}
	p.pop(mark)
	a := p.a.actors.new()
	typ, known := ActorTypes[t]
	a.Type, a.Id = typ, id
	if !known {
		a.RawType = t
	}
	p.lastActor, p.lastActorRaw = a, raw
	return a, true
}

// status reads a status object; its unknown keys go to its own extra_json.
func (p *decoder) status(v span) *attiov1.Status {
	b := p.a.stats.new()
	st := &b.w
	st.Id = &b.m
	var x extras
	f, mark := p.members(v.start, v.end)
	for _, m := range f {
		switch m.key {
		case "id":
			p.attributeID(m, "status_id", &st.Id.WorkspaceId, &st.Id.ObjectId, &st.Id.AttributeId, &st.Id.StatusId)
		case "title":
			st.Title, _ = p.text(m)
		case "is_archived":
			st.IsArchived, _ = p.boolean(m)
		case "celebration_enabled":
			st.CelebrationEnabled, _ = p.boolean(m)
		case "target_time_in_status":
			st.TargetTimeInStatus, _ = p.optText(m)
		default:
			x.add(m)
		}
	}
	st.ExtraJson = x.json(p)
	p.pop(mark)
	return st
}

// attributeID reads the composite id of a status or option: workspace, object, attribute and the
// item itself under key.
func (p *decoder) attributeID(v span, key string, ws, obj, attr, id *string) {
	f, mark := p.members(v.start, v.end)
	for _, k := range f {
		switch k.key {
		case "workspace_id":
			*ws, _ = p.text(k)
		case "object_id":
			*obj, _ = p.text(k)
		case "attribute_id":
			*attr, _ = p.text(k)
		case key:
			*id, _ = p.text(k)
		}
	}
	p.pop(mark)
}

// selectOption reads a select option object; its unknown keys go to its own extra_json.
func (p *decoder) selectOption(v span) *attiov1.SelectOption {
	b := p.a.opts.new()
	o := &b.w
	o.Id = &b.m
	var x extras
	f, mark := p.members(v.start, v.end)
	for _, m := range f {
		switch m.key {
		case "id":
			p.attributeID(m, "option_id", &o.Id.WorkspaceId, &o.Id.ObjectId, &o.Id.AttributeId, &o.Id.OptionId)
		case "title":
			o.Title, _ = p.text(m)
		case "is_archived":
			o.IsArchived, _ = p.boolean(m)
		default:
			x.add(m)
		}
	}
	o.ExtraJson = x.json(p)
	p.pop(mark)
	return o
}

// RawItem is one record or entry exactly as Attio sent it (JSON, a validated object, a slice of
// the page), with the two keys an export walk needs.
type RawItem struct {
	ID        string // record_id or entry_id
	CreatedAt string
	JSON      []byte
}

// DecodeRawItems splits Attio's {"data": [item, ...]} answer into its items without decoding them
// (a validating scan): the view for callers who want Attio's own JSON. idKey names the id member
// to read ("record_id" or "entry_id"). The items alias body.
func DecodeRawItems(body []byte, idKey string) ([]RawItem, error) {
	var out []RawItem
	err := decodeDataWith(newDecoder(body, false), true, func(p *decoder) error {
		if p.peek() != '{' {
			_, _, err := p.read()
			if err == nil {
				err = errShape
			}
			return err
		}
		s := p.i
		f, mark, err := p.nextMembers()
		if err != nil {
			p.pop(mark)
			return err
		}
		it := RawItem{JSON: body[s:p.i:p.i]}
		for _, m := range f {
			switch m.key {
			case "id":
				g, mark := p.members(m.start, m.end)
				if v, ok := fields(g).get(idKey); ok {
					it.ID, _ = p.text(v)
				}
				p.pop(mark)
			case "created_at":
				it.CreatedAt, _ = p.text(m)
			}
		}
		p.pop(mark)
		out = append(out, it)
		return nil
	})
	return out, err
}
