package sandbox

import (
	"sort"
	"sync"
)

// derivedKind marks system attributes whose value is computed from the record
// itself (id, creation time, creator) instead of being stored per record.
type derivedKind uint8

const (
	dNone derivedKind = iota
	dRecordID
	dCreatedAt
	dCreatedBy
)

// choice is what select options and statuses share.
type choice struct {
	id       uuid
	title    string
	archived bool
}

func (c *choice) base() *choice { return c }

type option struct{ choice }

type status struct {
	choice
	celebration bool
	targetTime  string // "" = null
}

type attribute struct {
	id          uuid
	owner       *collection
	idx         uint16
	slug        string
	title       string
	description string // "" = null
	typ         attrType
	system      bool
	writable    bool
	required    bool
	unique      bool
	multi       bool
	archived    bool
	defaultJSON []byte // nil = null
	createdAt   int64
	currency    string // default currency code, "" = null
	currencyFmt string // display type, "" = null
	allowed     []uuid // record-reference targets; nil = null
	relation    *attribute
	options     []*option
	statuses    []*status
	derived     derivedKind
}

func (a *attribute) findOption(s string) *option { o, _ := findChoice(a.options, s); return o }

func (a *attribute) findStatus(s string) *status { st, _ := findChoice(a.statuses, s); return st }

// findChoice finds an option or status by id, else by title.
func findChoice[T interface{ base() *choice }](items []T, s string) (T, bool) {
	if u, ok := parseUUID(s); ok {
		for _, x := range items {
			if x.base().id == u {
				return x, true
			}
		}
	}
	for _, x := range items {
		if x.base().title == s {
			return x, true
		}
	}
	var zero T
	return zero, false
}

func (a *attribute) optionByID(u uuid) *option {
	for _, o := range a.options {
		if o.id == u {
			return o
		}
	}
	return nil
}

func (a *attribute) statusByID(u uuid) *status {
	for _, o := range a.statuses {
		if o.id == u {
			return o
		}
	}
	return nil
}

// value is one stored attribute value, current or historic. Kept flat and
// small (72 bytes) because a generated workspace holds millions of them; the
// meaning of s/f/ref/aux depends on the attribute type (see values.go).
type value struct {
	s     string
	f     float64
	ref   uuid
	from  int64
	until int64 // 0 while the value is active
	ext   *valueExt
	actor int32
	attr  uint16
	aux   uint16
}

// valueExt holds the rare wide values (locations, interactions).
type valueExt struct {
	lines                               [4]string
	locality, region, postcode, country string
	lat, lng                            string
	interactedAt                        int64
	owner                               int32
}

type item struct {
	id        uuid
	createdAt int64
	createdBy int32
	parentObj int16 // list entries: index of the parent object
	parentRec uuid
	vals      []value
}

func (it *item) key() itemKey { return itemKey{it.createdAt, it.id} }

type itemKey struct {
	ts int64
	id uuid
}

func (a itemKey) less(b itemKey) bool {
	if a.ts != b.ts {
		return a.ts < b.ts
	}
	return string(a.id[:]) < string(b.id[:])
}

type memberAccess struct {
	member uuid
	level  string
}

// collection is an object (records) or a list (entries): both have attributes
// and items kept sorted by (created_at, id) so that default-ordered pages and
// created_at range filters are binary searches, not scans.
type collection struct {
	ws        *workspace
	idx       int
	isList    bool
	activity  bool // an activity's attributes and records (beta): in no objects or lists slot, idx -1
	id        uuid
	slug      string
	singular  string
	plural    string
	name      string
	parents   []uuid
	access    string
	members   []memberAccess
	createdBy int32
	createdAt int64

	attrs      []*attribute
	attrBySlug map[string]*attribute
	attrByID   map[uuid]*attribute

	items []*item
	byID  map[uuid]*item
	views []*savedView // saved views, in view id order
	// uniq indexes the active values of unique attributes so that create,
	// assert and matching-attribute references stay O(1) at a million rows.
	uniq map[uint16]map[string]*item
}

func (c *collection) attr(slugOrID string) *attribute {
	if a := c.attrBySlug[slugOrID]; a != nil {
		return a
	}
	if u, ok := parseUUID(slugOrID); ok {
		return c.attrByID[u]
	}
	return nil
}

func (c *collection) insert(it *item) {
	k := it.key()
	n := len(c.items)
	if n == 0 || c.items[n-1].key().less(k) {
		c.items = append(c.items, it)
	} else {
		i := sort.Search(n, func(i int) bool { return k.less(c.items[i].key()) })
		c.items = append(c.items, nil)
		copy(c.items[i+1:], c.items[i:])
		c.items[i] = it
	}
	c.byID[it.id] = it
}

func (c *collection) remove(it *item) {
	k := it.key()
	i := sort.Search(len(c.items), func(i int) bool { return !c.items[i].key().less(k) })
	if i < len(c.items) && c.items[i] == it {
		copy(c.items[i:], c.items[i+1:])
		c.items[len(c.items)-1] = nil
		c.items = c.items[:len(c.items)-1]
	}
	delete(c.byID, it.id)
	for ai, idx := range c.uniq {
		for _, v := range it.vals {
			if v.attr == ai && v.until == 0 {
				if k := uniqKey(c.attrs[ai], &v); idx[k] == it {
					delete(idx, k)
				}
			}
		}
	}
}

type actor struct {
	typ string // "system", "workspace-member", "api-token", "app"
	id  uuid
}

type member struct {
	id        uuid
	first     string
	last      string
	avatar    string
	email     string
	access    string
	createdAt int64
}

type note struct {
	id        uuid
	parentObj int
	parentRec uuid
	title     string
	meetingID uuid
	plain     string
	markdown  string
	tags      []noteTag
	createdBy int32
	createdAt int64
}

type noteTag struct {
	member uuid // workspace-member tag when non-zero
	obj    string
	rec    uuid
}

type linkedRecord struct {
	obj int
	rec uuid
}

type task struct {
	id        uuid
	content   string
	deadline  string // "" = null
	completed bool
	linked    []linkedRecord
	assignees []uuid
	createdBy int32
	createdAt int64
	// completedAt is when it last became completed; 0 while open (completed_at null).
	completedAt int64
}

type comment struct {
	id         uuid
	thread     *thread
	content    string
	author     uuid
	resolvedAt int64
	resolvedBy int32
	createdAt  int64
}

type thread struct {
	id        uuid
	comments  []*comment
	recObj    int
	rec       uuid
	list      int // -1 when on a record
	entry     uuid
	createdAt int64
}

type meetingTime struct {
	date     string // all-day meetings
	datetime string
	tz       string
	at       int64
}

type participant struct {
	status    string
	organizer bool
	email     string
}

type meeting struct {
	id          uuid
	title       string
	description string
	allDay      bool
	start, end  meetingTime
	parts       []participant
	linked      []linkedRecord
	createdBy   int32
	createdAt   int64
	recordings  []*recording
	externalRef string // the find-or-create key of POST /v2/meetings; "" for seeded meetings
}

type segment struct {
	speech     string
	start, end float64
	speaker    string
}

type recording struct {
	id         uuid
	meeting    *meeting
	status     string
	createdBy  int32
	createdAt  int64
	transcript []segment
}

type webhook struct {
	id        uuid
	target    string
	subs      []byte // JSON array as written by the client
	status    string
	secret    string
	createdAt int64
}

type workspace struct {
	mu sync.RWMutex

	id        uuid
	name      string
	slug      string
	logo      string
	tokenID   uuid
	tokenIdx  int32
	createdAt int64

	actors   []actor
	actorIdx map[actor]int32

	members []*member
	objects []*collection
	lists   []*collection

	notes    []*note
	tasks    []*task
	threads  []*thread
	comments map[uuid]*comment
	meetings []*meeting
	webhooks []*webhook
	files    []*fileEntry

	scim         scimState
	activities   []*activityDef
	emails       []*email
	unsubscribed map[string]int64 // sequences unsubscribe list: normalized address -> when added
}

func (ws *workspace) actorIndex(a actor) int32 {
	if i, ok := ws.actorIdx[a]; ok {
		return i
	}
	i := int32(len(ws.actors))
	ws.actors = append(ws.actors, a)
	ws.actorIdx[a] = i
	return i
}

func (ws *workspace) memberActor(id uuid) int32 {
	return ws.actorIndex(actor{typ: "workspace-member", id: id})
}

// tokenActorIdx is the API token every API write is attributed to; its
// actor index exists from creation so readers never grow the actor table.
func (ws *workspace) tokenActorIdx() int32 { return ws.tokenIdx }

func (ws *workspace) object(slugOrID string) *collection {
	for _, o := range ws.objects {
		if o.slug == slugOrID {
			return o
		}
	}
	if u, ok := parseUUID(slugOrID); ok {
		for _, o := range ws.objects {
			if o.id == u {
				return o
			}
		}
	}
	return nil
}

func (ws *workspace) list(slugOrID string) *collection {
	for _, o := range ws.lists {
		if o.slug == slugOrID {
			return o
		}
	}
	if u, ok := parseUUID(slugOrID); ok {
		for _, o := range ws.lists {
			if o.id == u {
				return o
			}
		}
	}
	return nil
}

func (ws *workspace) member(idOrEmail string) *member {
	u, isID := parseUUID(idOrEmail)
	for _, m := range ws.members {
		if (isID && m.id == u) || (!isID && equalFold(m.email, idOrEmail)) {
			return m
		}
	}
	return nil
}
