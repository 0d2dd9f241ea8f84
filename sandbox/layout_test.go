package sandbox

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxFileLines keeps the package laid out one concept per file.
const maxFileLines = 600

// TestFileSizes: no source file of the sandbox (tests included) outgrows
// maxFileLines.
func TestFileSizes(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "openapitest"} {
		names, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range names {
			if !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if n := bytes.Count(b, []byte("\n")); n > maxFileLines {
				t.Errorf("%s: %d lines, over %d: split it by concept", filepath.Join(dir, e.Name()), n, maxFileLines)
			}
		}
	}
}

// TestNoInitNoHTTPTest: routes come from newAPI, not init(), and the
// package's non-test code does not import net/http/httptest.
func TestNoInitNoHTTPTest(t *testing.T) {
	t.Parallel()
	names, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range names {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"net/http/httptest"` {
				t.Errorf("%s imports net/http/httptest", n)
			}
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "init" {
				t.Errorf("%s declares init()", n)
			}
		}
	}
}
