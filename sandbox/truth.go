package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Ground truth for tests: read the state directly, bypassing HTTP (and its
// rate limits and counters). connID "" means the default connection.

func (s *Sandbox) collection(connID, slug string, list bool) (*workspace, *collection, error) {
	ws, err := s.workspaceFor(connID)
	if err != nil {
		return nil, nil, err
	}
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	if list {
		if c := ws.list(slug); c != nil {
			return ws, c, nil
		}
		return nil, nil, fmt.Errorf("%w %q", errNoList, slug)
	}
	if c := ws.object(slug); c != nil {
		return ws, c, nil
	}
	return nil, nil, fmt.Errorf("%w %q", errNoObject, slug)
}

// Records lists the record ids of an object in Attio's default order
// (created_at, then record_id).
func (s *Sandbox) Records(connID, object string) ([]string, error) {
	ws, c, err := s.collection(connID, object, false)
	if err != nil {
		return nil, err
	}
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	out := make([]string, len(c.items))
	for i, it := range c.items {
		out[i] = it.id.String()
	}
	return out, nil
}

// RecordCount is the number of records of an object.
func (s *Sandbox) RecordCount(connID, object string) (int, error) {
	ws, c, err := s.collection(connID, object, false)
	if err != nil {
		return 0, err
	}
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	return len(c.items), nil
}

// Entries lists the entry ids of a list in default order.
func (s *Sandbox) Entries(connID, list string) ([]string, error) {
	ws, c, err := s.collection(connID, list, true)
	if err != nil {
		return nil, err
	}
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	out := make([]string, len(c.items))
	for i, it := range c.items {
		out[i] = it.id.String()
	}
	return out, nil
}

// RecordCreatedAt returns a record's created_at in Attio's nanosecond form.
func (s *Sandbox) RecordCreatedAt(connID, object, recordID string) (string, error) {
	ws, c, err := s.collection(connID, object, false)
	if err != nil {
		return "", err
	}
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	u, _ := parseUUID(recordID)
	it := c.byID[u]
	if it == nil {
		return "", fmt.Errorf("sandbox: record %q not found", recordID)
	}
	return fmtTS(it.createdAt), nil
}

// GenerateOptions tunes Generate.
type GenerateOptions struct {
	Seed  uint64        // PRNG seed; the same seed gives the same values (ids stay random)
	Start time.Time     // created_at of the first record (default 2020-01-01T00:00:00Z)
	Step  time.Duration // spacing of created_at (default 1s); each record adds sub-Step nanosecond jitter
	// FillRatio is the share of optional attributes given a value (default 0.6).
	FillRatio float64
}

var (
	genFirst = strings.Fields(`Ada Alan Grace Linus Margaret Ken Barbara Dennis Frances Edsger Radia Tim Hedy John Katherine
		Donald Sophie Vint Annie Guido Mary Brian Jean Niklaus Lynn Bjarne Shafi Leslie Joan Yukihiro Carol Robert Ivan Evelyn`)
	genLast = strings.Fields(`Lovelace Turing Hopper Torvalds Hamilton Thompson Liskov Ritchie Allen Dijkstra Perlman
		Berners-Lee Lamarr McCarthy Johnson Knuth Wilson Cerf Easley Rossum Keller Kernighan Sammet Wirth Conway Stroustrup
		Goldwasser Lamport Clarke Matsumoto Shaw Tarjan Sutherland Berezin`)
	genCompanyA = strings.Fields(`Acme Globex Initech Umbrella Hooli Vandelay Stark Wayne Tyrell Cyberdyne Soylent Wonka
		Gringotts Aperture Monarch Oscorp Nakatomi Dunder Pied Prestige`)
	genCompanyB = strings.Fields(`Analytics Labs Systems Robotics Health Logistics Capital Energy Foods Media Software
		Networks Dynamics Ventures Bio Cloud Security Mobility`)
	genTitles = []string{"CEO", "CTO", "VP Sales", "Account Executive", "Software Engineer", "Product Manager",
		"Head of Marketing", "Designer", "Data Scientist", "Operations Lead", "Customer Success Manager", "CFO"}
	genCities = []valueExt{
		{lines: [4]string{"1 Infinite Loop"}, locality: "Cupertino", region: "California", postcode: "95014", country: "US", lat: "37.331820", lng: "-122.031180"},
		{lines: [4]string{"10 Downing Street"}, locality: "London", region: "England", postcode: "SW1A 2AA", country: "GB", lat: "51.503364", lng: "-0.127625"},
		{lines: [4]string{"Unter den Linden 77"}, locality: "Berlin", region: "Berlin", postcode: "10117", country: "DE", lat: "52.516275", lng: "13.377704"},
		{lines: [4]string{"55 Rue du Faubourg Saint-Honoré"}, locality: "Paris", region: "Île-de-France", postcode: "75008", country: "FR"},
		{lines: [4]string{"7140 Preston Rd"}, locality: "Plano", region: "Texas", postcode: "75024", country: "US"},
		{locality: "Sydney", region: "New South Wales", postcode: "2000", country: "AU"},
	}
	genWords = strings.Fields(`pipeline renewal onboarding enterprise pilot integration expansion migration roadmap
		procurement security review champion budget quarterly kickoff feedback`)
)

// Generate adds n synthetic records to an object, with realistic values for
// every attribute type the object has (unique attributes get unique values;
// record references point at existing records of the target object). It is
// built for scale: values are constructed directly (no JSON, no coercion) and
// the new records are merged into the sorted index in one pass, so a million
// records take seconds. The inverse side of relationship attributes is not
// written for generated references.
func (s *Sandbox) Generate(connID, object string, n int, opt GenerateOptions) error {
	ws, err := s.workspaceFor(connID)
	if err != nil {
		return err
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	c := ws.object(object)
	if c == nil {
		return fmt.Errorf("%w %q", errNoObject, object)
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Start.IsZero() {
		opt.Start = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if opt.Step <= 0 {
		opt.Step = time.Second
	}
	if opt.FillRatio <= 0 {
		opt.FillRatio = 0.6
	}
	g := &generator{ws: ws, c: c, rnd: rand.New(rand.NewPCG(opt.Seed, opt.Seed*0x9e3779b97f4a7c15+1)), fill: opt.FillRatio}
	g.prepare()
	start := opt.Start.UnixNano()
	step := int64(opt.Step)
	fresh := make([]*item, n)
	items := make([]item, n) // one allocation for all records
	for i := range n {
		it := &items[i]
		it.id = g.uuid()
		it.createdAt = start + int64(i)*step + g.rnd.Int64N(step)
		it.createdBy = g.actors[g.rnd.IntN(len(g.actors))]
		it.parentObj = -1
		g.fillValues(it, i)
		fresh[i] = it
	}
	// Merge the (already sorted) new records with the existing ones.
	old := c.items
	merged := make([]*item, 0, len(old)+n)
	i, j := 0, 0
	for i < len(old) && j < len(fresh) {
		if old[i].key().less(fresh[j].key()) {
			merged = append(merged, old[i])
			i++
		} else {
			merged = append(merged, fresh[j])
			j++
		}
	}
	merged = append(merged, old[i:]...)
	merged = append(merged, fresh[j:]...)
	c.items = merged
	for _, it := range fresh {
		c.byID[it.id] = it
	}
	return nil
}

type generator struct {
	ws      *workspace
	c       *collection
	rnd     *rand.Rand
	fill    float64
	actors  []int32
	targets map[uint16][]uuid
	tag     string
}

func (g *generator) uuid() uuid {
	var u uuid
	a, b := g.rnd.Uint64(), g.rnd.Uint64()
	for k := 0; k < 8; k++ {
		u[k] = byte(a >> (8 * k))
		u[8+k] = byte(b >> (8 * k))
	}
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

func (g *generator) prepare() {
	for _, m := range g.ws.members {
		g.actors = append(g.actors, g.ws.memberActor(m.id))
	}
	if len(g.actors) == 0 {
		g.actors = []int32{g.ws.tokenIdx}
	}
	g.targets = map[uint16][]uuid{}
	for _, a := range g.c.attrs {
		if a.typ != tRecordRef || len(a.allowed) == 0 {
			continue
		}
		for _, o := range g.ws.objects {
			if o.id == a.allowed[0] && o != g.c {
				ids := make([]uuid, 0, min(len(o.items), 10000))
				for k, it := range o.items {
					if k >= 10000 {
						break
					}
					ids = append(ids, it.id)
				}
				g.targets[a.idx] = ids
			}
		}
	}
	// A per-call tag keeps unique values unique across several Generate calls.
	g.tag = strconv.FormatUint(g.rnd.Uint64()%1_000_000, 36)
}

// genRecord is what one generated record's values share (a person's name, a company).
type genRecord struct {
	it                   *item
	i                    int
	first, last, company string
}

func (g *generator) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

func (g *generator) fillValues(it *item, i int) {
	r := g.rnd
	first, last := g.pick(genFirst), g.pick(genLast)
	rec := &genRecord{it: it, i: i, first: first, last: last, company: g.pick(genCompanyA) + " " + g.pick(genCompanyB)}
	vals := make([]value, 0, 16)
	for _, a := range g.c.attrs {
		if a.derived != dNone || a.archived {
			continue
		}
		always := a.required || a.unique || a.slug == "name"
		if !always && r.Float64() >= g.fill*ifThen(a.writable, 1, 0.5) {
			continue
		}
		v := value{attr: a.idx, from: it.createdAt, actor: it.createdBy}
		if !a.typ.impl().generate(g, a, rec, &v) {
			continue
		}
		vals = append(vals, v)
		if idx := g.c.uniq[a.idx]; idx != nil {
			idx[uniqKey(a, &vals[len(vals)-1])] = it
		}
	}
	it.vals = vals
}

func ifThen(c bool, a, b float64) float64 {
	if c {
		return a
	}
	return b
}
