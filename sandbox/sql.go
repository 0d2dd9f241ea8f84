package sandbox

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// SQL (beta, Enterprise plan), as Attio describes POST /v2/sql:
// https://docs.attio.com/rest-api/endpoint-reference/sql/query-sql and https://docs.attio.com/sql/overview.
// The body is {"sql": "..."}; the answer is {"data": {"rows": [{column: value, ...}]}}, each row an
// object whose keys are the selected columns in order. Only SELECT is accepted (INSERT, UPDATE,
// DELETE and DDL are rejected); a query Attio cannot run is a 400 filter_error. Tables are the
// objects (objects.<slug>, or the bare slug) and lists (lists.<slug>). The sandbox runs a small
// subset: SELECT * or a column list FROM one table [WHERE column = literal [AND ...]] [ORDER BY
// column [ASC|DESC]] [LIMIT n]. Columns are record_id (entry_id and parent_record_id in lists),
// created_at and the attribute slugs: a single-valued attribute is a scalar or null, a multiselect
// one an array.

func sqlRoutes(rs *routes) {
	rs.read("POST", "/v2/sql", hQuerySQL)
}

type sqlToken struct {
	s   string
	lit bool // a quoted string literal
}

func sqlTokens(q string) ([]sqlToken, *apiError) {
	var out []sqlToken
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r) || r == ';':
			i++
		case r == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs); j++ {
				if rs[j] == '\'' {
					if j+1 < len(rs) && rs[j+1] == '\'' {
						b.WriteRune('\'')
						j++
						continue
					}
					break
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, filterError("Syntax error: unterminated string literal.")
			}
			out = append(out, sqlToken{s: b.String(), lit: true})
			i = j + 1
		case r == ',' || r == '=' || r == '*':
			out = append(out, sqlToken{s: string(r)})
			i++
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '"' || r == '-':
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '.' || rs[j] == '"' || rs[j] == '-') {
				j++
			}
			out = append(out, sqlToken{s: strings.ReplaceAll(string(rs[i:j]), `"`, "")})
			i = j
		default:
			return nil, filterError("Syntax error at or near %q.", string(r))
		}
	}
	return out, nil
}

type sqlQuery struct {
	table   *collection
	columns []string
	where   [][2]sqlToken
	orderBy string
	desc    bool
	limit   int
}

func (t sqlToken) is(kw string) bool { return !t.lit && strings.EqualFold(t.s, kw) }

func parseSQL(ws *workspace, q string) (*sqlQuery, *apiError) {
	toks, err := sqlTokens(q)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 || !toks[0].is("select") {
		return nil, filterError("Only SELECT statements are supported: the SQL interface is read-only.")
	}
	p := &sqlQuery{limit: -1}
	i := 1
	for ; i < len(toks) && !toks[i].is("from"); i++ {
		if toks[i].s == "," {
			continue
		}
		p.columns = append(p.columns, toks[i].s)
	}
	if len(p.columns) == 0 || i+1 >= len(toks) {
		return nil, filterError("Syntax error: expected SELECT <columns> FROM <table>.")
	}
	name := toks[i+1].s
	switch schema, table, ok := strings.Cut(name, "."); {
	case ok && schema == "objects":
		p.table = ws.object(table)
	case ok && schema == "lists":
		p.table = ws.list(table)
	case !ok:
		if p.table = ws.object(name); p.table == nil {
			p.table = ws.list(name)
		}
	}
	if p.table == nil {
		return nil, filterError("Table %q does not exist.", name)
	}
	i += 2
	for i < len(toks) {
		switch {
		case toks[i].is("where") || toks[i].is("and"):
			if i+3 >= len(toks) || toks[i+2].s != "=" {
				return nil, filterError("Syntax error: expected <column> = <value> after %s.", strings.ToUpper(toks[i].s))
			}
			p.where = append(p.where, [2]sqlToken{toks[i+1], toks[i+3]})
			i += 4
		case toks[i].is("order") && i+2 < len(toks) && toks[i+1].is("by"):
			p.orderBy = toks[i+2].s
			i += 3
			if i < len(toks) && (toks[i].is("asc") || toks[i].is("desc")) {
				p.desc = toks[i].is("desc")
				i++
			}
		case toks[i].is("limit") && i+1 < len(toks):
			n, err := strconv.Atoi(toks[i+1].s)
			if err != nil || n < 0 {
				return nil, filterError("LIMIT must be a non-negative integer.")
			}
			p.limit = n
			i += 2
		default:
			return nil, filterError("Syntax error at or near %q.", toks[i].s)
		}
	}
	if len(p.columns) == 1 && p.columns[0] == "*" {
		p.columns = p.table.sqlColumns()
	}
	for k, c := range p.columns {
		p.columns[k] = p.table.unqualify(c)
	}
	for _, c := range append(append([]string{}, p.columns...), p.orderBy) {
		if c != "" && !p.table.hasSQLColumn(c) {
			return nil, filterError("Column %q does not exist in table %q.", c, name)
		}
	}
	for k, w := range p.where {
		if p.where[k][0].s = p.table.unqualify(w[0].s); !p.table.hasSQLColumn(p.where[k][0].s) {
			return nil, filterError("Column %q does not exist in table %q.", w[0].s, name)
		}
	}
	if p.orderBy != "" {
		p.orderBy = p.table.unqualify(p.orderBy)
	}
	return p, nil
}

func (c *collection) unqualify(col string) string {
	for _, prefix := range []string{"objects." + c.slug + ".", "lists." + c.slug + ".", c.slug + "."} {
		if strings.HasPrefix(col, prefix) {
			return col[len(prefix):]
		}
	}
	return col
}

func (c *collection) idColumns() []string {
	if c.isList {
		return []string{"entry_id", "parent_record_id", "created_at"}
	}
	return []string{"record_id", "created_at"}
}

func (c *collection) sqlColumns() []string {
	cols := c.idColumns()
	for _, a := range c.attrs {
		if !a.archived {
			cols = append(cols, a.slug)
		}
	}
	return cols
}

func (c *collection) hasSQLColumn(col string) bool {
	for _, id := range c.idColumns() {
		if col == id {
			return true
		}
	}
	a := c.attrBySlug[col]
	return a != nil && !a.archived
}

// sqlScalar writes one active value as a SQL result value.
func sqlScalar(w *jw, a *attribute, v *value) { a.typ.impl().sql(w, a, v) }

// sqlCell is a column's value of one item as comparable text (for WHERE and ORDER BY) and writes
// it when w is not nil.
func (c *collection) sqlCell(w *jw, it *item, col string) string {
	switch col {
	case "record_id", "entry_id":
		if w != nil {
			w.id(it.id)
		}
		return it.id.String()
	case "parent_record_id":
		if w != nil {
			w.id(it.parentRec)
		}
		return it.parentRec.String()
	case "created_at":
		if w != nil {
			w.ts(it.createdAt)
		}
		return strconv.FormatInt(it.createdAt, 10)
	}
	a := c.attrBySlug[col]
	var active []*value
	for k := range it.vals {
		if v := &it.vals[k]; v.attr == a.idx && v.until == 0 {
			active = append(active, v)
		}
	}
	var texts []string
	for _, v := range active {
		texts = append(texts, sqlText(a, v))
	}
	if w != nil {
		switch {
		case a.multi:
			w.arrOpen()
			for _, v := range active {
				sqlScalar(w, a, v)
			}
			w.arrClose()
		case len(active) == 0:
			w.null()
		default:
			sqlScalar(w, a, active[0])
		}
	}
	return strings.Join(texts, ",")
}

func sqlText(a *attribute, v *value) string {
	w := &jw{}
	sqlScalar(w, a, v)
	s := string(w.b)
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

func hQuerySQL(rc *reqCtx) ([]byte, *apiError) {
	if rc.body == nil {
		return nil, bodyError([]any{"sql"}, "Required")
	}
	q, err := reqString(rc.body, "sql")
	if err != nil {
		return nil, err
	}
	p, err := parseSQL(rc.ws, q)
	if err != nil {
		return nil, err
	}
	c := p.table
	var rows []*item
	for _, it := range c.items {
		if it == nil {
			continue
		}
		ok := true
		for _, wh := range p.where {
			ok = ok && c.sqlCell(nil, it, wh[0].s) == wh[1].s
		}
		if ok {
			rows = append(rows, it)
		}
	}
	if p.orderBy != "" {
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := c.sqlCell(nil, rows[i], p.orderBy), c.sqlCell(nil, rows[j], p.orderBy)
			if fa, ea := strconv.ParseFloat(a, 64); ea == nil {
				if fb, eb := strconv.ParseFloat(b, 64); eb == nil {
					return (fa < fb) != p.desc && fa != fb
				}
			}
			return (a < b) != p.desc && a != b
		})
	}
	if p.limit >= 0 && p.limit < len(rows) {
		rows = rows[:p.limit]
	}
	w := &jw{}
	w.objOpen()
	w.key("data")
	w.objOpen()
	w.key("rows")
	w.arrOpen()
	for _, it := range rows {
		w.objOpen()
		for _, col := range p.columns {
			w.key(col)
			c.sqlCell(w, it, col)
		}
		w.objClose()
	}
	w.arrClose()
	w.objClose()
	w.objClose()
	return w.b, nil
}
