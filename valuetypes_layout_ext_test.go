package attiofacade_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/attio-facade/attio-facade/attio"
)

// typeTables are the only places that may switch on an attribute type: attio (the codec of Attio's
// JSON, one Go type per attribute type), the server's one table of value conversions, and the
// sandbox's one table of attribute types (valueTypes, its rows in valuetypes_*.go). Adding a value
// type touches these, the proto, and nothing else.
var typeTables = []string{"attio/*", "server/mapper_values.go", "sandbox/valuetypes*.go"}

// TestNoTypeSwitchOutsideTheTables: no switch outside typeTables has a case naming an attribute
// type, whether by attio's constant (attio.TypeCurrency), the sandbox's (tCurrency), a contract
// oneof field (*attiov1.Value_Currency, *attiov1.ValueInput_Currency) or, two or more in one switch,
// Attio's spelling ("currency", "select"); nor does a comparison test for one by attio's constant
// or by Attio's spelling (typ == "currency"). The sandbox's record references are compared by
// constant where they are structure (relations, paths through references), not per-type behaviour.
func TestNoTypeSwitchOutsideTheTables(t *testing.T) {
	t.Parallel()
	n := newTypeNames(t)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "gen", "node_modules", "testdata", ".git", "web", "clients":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || inTypeTables(path) {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		for _, where := range n.switchesOnTypes(f) {
			t.Errorf("%s: a switch or test on attribute types (%s) outside the type tables %v", path, where, typeTables)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTypeSwitchFinder: the finder above sees each way of naming a type, and leaves alone switches
// that only share a word with one (a property named "domain", a log format "text").
func TestTypeSwitchFinder(t *testing.T) {
	t.Parallel()
	n := newTypeNames(t)
	for _, tc := range []struct {
		name, body string
		flagged    bool
	}{
		{"sandbox constant", `switch a.typ { case tCurrency: }`, true},
		{"attio constant", `switch v.AttributeType { case attio.TypeSelect, attio.TypeStatus: }`, true},
		{"contract oneof", `switch v := in.GetValue().(type) { case *attiov1.Value_Currency: _ = v }`, true},
		{"input oneof", `switch in.GetValue().(type) { case *attiov1.ValueInput_PhoneNumber: }`, true},
		{"two slugs", `switch typ { case "record-reference": case "currency": }`, true},
		{"one slug as a property name", `switch name { case "", "domain": case "root_domain": }`, false},
		{"raw oneof fields", `switch in.GetValue().(type) { case *attiov1.ValueInput_RawJson: }`, false},
		{"other constants", `switch k { case kString, kNumber: }`, false},
		{"a slug compared to a type", `if typ == "currency" || a.Type != "status" {}`, true},
		{"attio's constant compared", `if attio.TypeText == v.AttributeType {}`, true},
		{"a slug compared to something else", `if format == "date" || name == "domain" {}`, false},
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package x\nfunc f() {\n"+tc.body+"\n}\n", 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := len(n.switchesOnTypes(f)) > 0; got != tc.flagged {
			t.Errorf("%s: flagged %v, want %v", tc.name, got, tc.flagged)
		}
	}
}

func inTypeTables(path string) bool {
	path = filepath.ToSlash(path)
	for _, p := range typeTables {
		if ok, _ := filepath.Match(p, path); ok {
			return true
		}
	}
	return false
}

// typeNames are the ways code names an attribute type.
type typeNames struct {
	slugs   map[string]bool // "record-reference"
	camel   map[string]bool // "RecordReference", as in attio.TypeRecordReference and attiov1.Value_RecordReference
	sandbox map[string]bool // tRecordRef: the constants of the sandbox's attrType
}

func newTypeNames(t *testing.T) *typeNames {
	t.Helper()
	n := &typeNames{slugs: map[string]bool{}, camel: map[string]bool{}, sandbox: map[string]bool{}}
	for _, s := range attio.ValueTypes() {
		n.slugs[s] = true
		var b strings.Builder
		for _, part := range strings.Split(s, "-") {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
		n.camel[b.String()] = true
	}
	f, err := parser.ParseFile(token.NewFileSet(), "sandbox/valuetypes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST || len(g.Specs) == 0 {
			continue
		}
		if first := g.Specs[0].(*ast.ValueSpec); first.Type == nil || types(first.Type) != "attrType" {
			continue
		}
		for _, s := range g.Specs {
			for _, id := range s.(*ast.ValueSpec).Names {
				if id.Name != "numAttrTypes" {
					n.sandbox[id.Name] = true
				}
			}
		}
	}
	if len(n.sandbox) != len(n.slugs) {
		t.Fatalf("sandbox/valuetypes.go: %d attrType constants, attio has %d types", len(n.sandbox), len(n.slugs))
	}
	return n
}

func types(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// switchesOnTypes lists the switches of f with a case that names an attribute type.
func (n *typeNames) switchesOnTypes(f *ast.File) []string {
	var found []string
	ast.Inspect(f, func(node ast.Node) bool {
		var body *ast.BlockStmt
		switch s := node.(type) {
		case *ast.BinaryExpr:
			if x := n.comparison(s); x != "" {
				found = append(found, x)
			}
			return true
		case *ast.SwitchStmt:
			body = s.Body
		case *ast.TypeSwitchStmt:
			body = s.Body
		default:
			return true
		}
		var named, slugs []string
		for _, st := range body.List {
			for _, e := range st.(*ast.CaseClause).List {
				if x := n.names(e); x != "" {
					named = append(named, x)
				}
				if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil && n.slugs[s] && !slices.Contains(slugs, s) {
						slugs = append(slugs, s)
					}
				}
			}
		}
		if len(slugs) >= 2 {
			named = append(named, slugs...)
		}
		if len(named) > 0 {
			found = append(found, strings.Join(named, ", "))
		}
		return true
	})
	return found
}

// comparison tells which type an == or != names by attio's constant, or by Attio's spelling
// against something named as a type (typ == "currency").
func (n *typeNames) comparison(e *ast.BinaryExpr) string {
	if e.Op != token.EQL && e.Op != token.NEQ {
		return ""
	}
	for _, pair := range [][2]ast.Expr{{e.X, e.Y}, {e.Y, e.X}} {
		if x := n.names(pair[0]); strings.HasPrefix(x, "attio.") {
			return x
		}
		lit, ok := pair[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			continue
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || !n.slugs[s] {
			continue
		}
		var other string
		switch o := pair[1].(type) {
		case *ast.Ident:
			other = o.Name
		case *ast.SelectorExpr:
			other = o.Sel.Name
		}
		if strings.Contains(strings.ToLower(other), "typ") {
			return other + " == " + lit.Value
		}
	}
	return ""
}

// names tells which type a case expression names by a constant or a contract oneof field, if any.
func (n *typeNames) names(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	switch x := e.(type) {
	case *ast.Ident:
		if n.sandbox[x.Name] {
			return x.Name
		}
	case *ast.SelectorExpr:
		pkg, ok := x.X.(*ast.Ident)
		if !ok {
			return ""
		}
		name := x.Sel.Name
		switch {
		case pkg.Name == "attio" && strings.HasPrefix(name, "Type") && n.camel[strings.TrimPrefix(name, "Type")],
			pkg.Name == "attiov1" && strings.HasPrefix(name, "Value_") && n.camel[strings.TrimPrefix(name, "Value_")],
			pkg.Name == "attiov1" && strings.HasPrefix(name, "ValueInput_") && n.camel[strings.TrimPrefix(name, "ValueInput_")]:
			return pkg.Name + "." + name
		}
	}
	return ""
}
