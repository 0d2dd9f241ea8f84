package sandbox

import "strings"

// attrDef describes an attribute compactly for the standard-object tables and
// the seed loader.
type attrDef struct {
	Slug        string   `json:"api_slug"`
	Title       string   `json:"title"`
	Type        string   `json:"type"`
	Description string   `json:"description,omitempty"`
	Multi       bool     `json:"is_multiselect,omitempty"`
	Unique      bool     `json:"is_unique,omitempty"`
	Required    bool     `json:"is_required,omitempty"`
	ReadOnly    bool     `json:"read_only,omitempty"`
	System      bool     `json:"is_system_attribute,omitempty"`
	Options     []string `json:"options,omitempty"`
	Statuses    []string `json:"statuses,omitempty"`
	Targets     []string `json:"allowed_objects,omitempty"`
	Currency    string   `json:"default_currency_code,omitempty"`
	Relation    string   `json:"relationship,omitempty"` // "object.attribute" of the inverse side
	ID          string   `json:"id,omitempty"`
}

type objectDef struct {
	slug, singular, plural string
	attrs                  []attrDef
}

func sys(slug, title, typ string) attrDef {
	return attrDef{Slug: slug, Title: title, Type: typ, System: true}
}

func ro(d attrDef) attrDef    { d.ReadOnly = true; return d }
func multi(d attrDef) attrDef { d.Multi = true; return d }
func uniq(d attrDef) attrDef  { d.Unique = true; return d }
func req(d attrDef) attrDef   { d.Required = true; return d }
func opts(d attrDef, o ...string) attrDef {
	d.Options = o
	return d
}
func ref(d attrDef, rel string, targets ...string) attrDef {
	d.Targets = targets
	d.Relation = rel
	return d
}

var interactionAttrs = []attrDef{
	ro(sys("first_calendar_interaction", "First calendar interaction", "interaction")),
	ro(sys("last_calendar_interaction", "Last calendar interaction", "interaction")),
	ro(sys("next_calendar_interaction", "Next calendar interaction", "interaction")),
	ro(sys("first_email_interaction", "First email interaction", "interaction")),
	ro(sys("last_email_interaction", "Last email interaction", "interaction")),
	ro(sys("first_interaction", "First interaction", "interaction")),
	ro(sys("last_interaction", "Last interaction", "interaction")),
	ro(sys("next_interaction", "Next interaction", "interaction")),
	ro(sys("strongest_connection_strength_legacy", "Strongest connection strength (legacy)", "number")),
	ro(opts(sys("strongest_connection_strength", "Strongest connection strength", "select"), "Very weak", "Weak", "Good", "Strong", "Very strong")),
	ro(sys("strongest_connection_user", "Strongest connection user", "actor-reference")),
}

var socialAttrs = []attrDef{
	sys("angellist", "AngelList", "text"),
	sys("facebook", "Facebook", "text"),
	sys("instagram", "Instagram", "text"),
	sys("linkedin", "LinkedIn", "text"),
	sys("twitter", "Twitter", "text"),
	ro(sys("twitter_follower_count", "Twitter follower count", "number")),
}

func cat(parts ...[]attrDef) []attrDef {
	var out []attrDef
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var createdAttrs = []attrDef{
	ro(sys("created_at", "Created at", "timestamp")),
	ro(sys("created_by", "Created by", "actor-reference")),
}

// standardObjects mirrors Attio's standard objects and their system
// attributes (order as the live API returns them).
var standardObjects = []objectDef{
	{"users", "User", "Users", cat([]attrDef{
		ro(uniq(sys("record_id", "Record ID", "text"))),
		ref(sys("person", "Person", "record-reference"), "", "people"),
		uniq(sys("primary_email_address", "Primary email address", "email-address")),
		uniq(sys("user_id", "ID", "text")),
		multi(ref(sys("workspace", "Workspace", "record-reference"), "workspaces.users", "workspaces")),
	}, createdAttrs)},
	{"people", "Person", "People", cat([]attrDef{
		ro(uniq(sys("record_id", "Record ID", "text"))),
		sys("name", "Name", "personal-name"),
		multi(uniq(sys("email_addresses", "Email addresses", "email-address"))),
		sys("description", "Description", "text"),
		ref(sys("company", "Company", "record-reference"), "companies.team", "companies"),
		sys("job_title", "Job title", "text"),
		sys("avatar_url", "Avatar URL", "text"),
		multi(sys("phone_numbers", "Phone numbers", "phone-number")),
		sys("primary_location", "Primary location", "location"),
	}, socialAttrs, interactionAttrs, []attrDef{
		multi(ref(sys("associated_deals", "Associated deals", "record-reference"), "deals.associated_people", "deals")),
		multi(ref(sys("associated_users", "Associated users", "record-reference"), "", "users")),
	}, createdAttrs)},
	{"deals", "Deal", "Deals", cat([]attrDef{
		ro(uniq(sys("record_id", "Record ID", "text"))),
		req(sys("name", "Deal name", "text")),
		req(attrDef{Slug: "stage", Title: "Deal stage", Type: "status", System: true,
			Statuses: []string{"Lead", "In Progress", "Won 🎉", "Lost"}}),
		req(sys("owner", "Deal owner", "actor-reference")),
		{Slug: "value", Title: "Deal value", Type: "currency", System: true, Currency: "USD"},
		multi(ref(sys("associated_people", "Associated people", "record-reference"), "people.associated_deals", "people")),
		ref(sys("associated_company", "Associated company", "record-reference"), "companies.associated_deals", "companies"),
	}, createdAttrs)},
	{"companies", "Company", "Companies", cat([]attrDef{
		ro(uniq(sys("record_id", "Record ID", "text"))),
		sys("name", "Name", "text"),
		multi(uniq(sys("domains", "Domains", "domain"))),
		sys("description", "Description", "text"),
		multi(ref(sys("team", "Team", "record-reference"), "people.company", "people")),
		multi(opts(sys("categories", "Categories", "select"), "B2B", "B2C", "E-commerce", "Enterprise", "Hardware",
			"Health Care", "Information Technology", "Internet", "SaaS", "Software", "Technology")),
		sys("primary_location", "Primary location", "location"),
		sys("logo_url", "Logo URL", "text"),
	}, socialAttrs, []attrDef{
		opts(sys("estimated_arr_usd", "Estimated ARR", "select"), "$0-$1M", "$1M-$10M", "$10M-$50M",
			"$50M-$100M", "$100M-$250M", "$250M-$500M", "$500M-$1B", "$1B-$10B", "$10B+"),
		{Slug: "funding_raised_usd", Title: "Funding raised", Type: "currency", System: true, Currency: "USD"},
		sys("foundation_date", "Foundation date", "date"),
		opts(sys("employee_range", "Employee range", "select"), "1-10", "11-50", "51-250", "251-1K",
			"1K-5K", "5K-10K", "10K-50K", "50K-100K", "100K+"),
	}, interactionAttrs, []attrDef{
		multi(ref(sys("associated_deals", "Associated deals", "record-reference"), "deals.associated_company", "deals")),
		multi(ref(sys("associated_workspaces", "Associated workspaces", "record-reference"), "workspaces.company", "workspaces")),
	}, createdAttrs)},
	{"workspaces", "Workspace", "Workspaces", cat([]attrDef{
		ro(uniq(sys("record_id", "Record ID", "text"))),
		uniq(sys("workspace_id", "Workspace ID", "text")),
		sys("name", "Name", "text"),
		multi(ref(sys("users", "Users", "record-reference"), "users.workspace", "users")),
		ref(sys("company", "Company", "record-reference"), "companies.associated_workspaces", "companies"),
		sys("avatar_url", "Avatar URL", "text"),
	}, createdAttrs)},
}

// systemAttrs are the attributes every new custom object starts with.
var customObjectAttrs = cat([]attrDef{ro(uniq(sys("record_id", "Record ID", "text")))}, createdAttrs)

// listSystemAttrs are the attributes every list starts with.
var listSystemAttrs = createdAttrs

func newCollection(ws *workspace, isList bool, id uuid, slug string, createdAt int64) *collection {
	c := &collection{
		ws: ws, isList: isList, id: id, slug: slug, createdAt: createdAt,
		attrBySlug: map[string]*attribute{},
		attrByID:   map[uuid]*attribute{},
		byID:       map[uuid]*item{},
		uniq:       map[uint16]map[string]*item{},
	}
	if isList {
		c.idx = len(ws.lists)
		ws.lists = append(ws.lists, c)
	} else {
		c.idx = len(ws.objects)
		ws.objects = append(ws.objects, c)
	}
	return c
}

// addAttr creates an attribute from a definition. Record-reference targets
// and relationships are resolved later (resolveRefs) because standard objects
// point at each other.
func (c *collection) addAttr(d attrDef, createdAt int64) *attribute {
	typ, _ := parseAttrType(d.Type)
	a := &attribute{
		owner: c, idx: uint16(len(c.attrs)), slug: d.Slug, title: d.Title, description: d.Description,
		typ: typ, system: d.System, writable: !d.ReadOnly, required: d.Required, unique: d.Unique,
		multi: d.Multi, createdAt: createdAt, currency: d.Currency,
	}
	if d.ID != "" {
		a.id = mustUUID(d.ID)
	} else {
		a.id = nameUUID(c.id, "attribute:"+d.Slug)
	}
	switch d.Slug {
	case "record_id":
		if a.system {
			a.derived = dRecordID
		}
	case "created_at":
		if a.system {
			a.derived = dCreatedAt
		}
	case "created_by":
		if a.system {
			a.derived = dCreatedBy
		}
	}
	if typ == tCurrency && a.currency != "" {
		a.currencyFmt = "symbol"
	}
	for _, o := range d.Options {
		a.options = append(a.options, &option{choice{id: nameUUID(a.id, "option:"+o), title: o}})
	}
	for _, s := range d.Statuses {
		st := &status{choice: choice{id: nameUUID(a.id, "status:"+s), title: s}}
		st.celebration = strings.HasPrefix(s, "Won")
		a.statuses = append(a.statuses, st)
	}
	if a.unique && a.derived == dNone {
		c.uniq[a.idx] = map[string]*item{}
	}
	c.attrs = append(c.attrs, a)
	c.attrBySlug[a.slug] = a
	c.attrByID[a.id] = a
	return a
}

type pendingRef struct {
	a        *attribute
	targets  []string
	relation string
}

func (ws *workspace) resolveRefs(p []pendingRef) {
	for _, r := range p {
		r.a.allowed = []uuid{}
		for _, t := range r.targets {
			if o := ws.object(t); o != nil {
				r.a.allowed = append(r.a.allowed, o.id)
			}
		}
		if r.relation != "" {
			obj, at, _ := strings.Cut(r.relation, ".")
			if o := ws.object(obj); o != nil {
				if inv := o.attrBySlug[at]; inv != nil {
					r.a.relation = inv
				}
			}
		}
	}
}

func newWorkspace(id uuid, name, slug string, createdAt int64) *workspace {
	ws := &workspace{
		id: id, name: name, slug: slug, createdAt: createdAt,
		actorIdx: map[actor]int32{},
		comments: map[uuid]*comment{},
		tokenID:  nameUUID(id, "api-token"),
	}
	ws.actorIndex(actor{typ: "system"}) // index 0
	ws.tokenIdx = ws.actorIndex(actor{typ: "api-token", id: ws.tokenID})
	var pending []pendingRef
	for _, od := range standardObjects {
		c := newCollection(ws, false, nameUUID(id, "object:"+od.slug), od.slug, createdAt)
		c.singular, c.plural = od.singular, od.plural
		for _, d := range od.attrs {
			a := c.addAttr(d, createdAt)
			if a.typ == tRecordRef {
				pending = append(pending, pendingRef{a, d.Targets, d.Relation})
			}
		}
	}
	ws.resolveRefs(pending)
	ws.activityDefs() // the system activity exists from the start: readers never add it
	return ws
}
