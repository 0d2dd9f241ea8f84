package openapitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Doc2026 is Attio's March 2026 document (testdata/attio/openapi-2026-03.yaml), the newest one
// published whole; Later2026 lists what Attio changed after it, from the endpoint reference pages.
const Doc2026 = "openapi-2026-03.yaml"

// Later2026 lists, in one place, every change Overlay2026 makes to the March 2026 document: what
// Attio's endpoint reference pages (docs.attio.com/rest-api/endpoint-reference/...) describe after
// it. Each entry is "what -> how: where it is described".
var Later2026 = []string{
	"task.completed_at -> string (date-time) or null, required: tasks reference pages; issue 17's strict client requires it",
	"thread.next_cursor, thread.has_more_comments -> string or null, boolean, both required; GET /v2/threads/{thread_id} " +
		"takes limit (1-250), cursor and created_after: threads/get-a-thread-and-its-comments",
	"currency codes EGP, GHS, IDR, OMR, QAR, TRY -> added to every currency code enum: attributes and records reference pages",
	"GET /scim/v2/Schemas 200 -> also application/scim+json: SCIM's content type (RFC 7644 §8.1), which Attio's SCIM answers",
	"new operations -> merged from later2026/*.yaml, one file per resource, each citing its reference page " +
		"(emails/list-emails, sequences/add-emails-to-the-unsubscribe-list, ...)",
	laterViews2026,
	laterFiles2026,
	laterActivityRecords2026,
}

// newCurrencies2026 are the codes Attio added after the March 2026 document.
var newCurrencies2026 = []any{"EGP", "GHS", "IDR", "OMR", "QAR", "TRY"}

// Overlay2026 applies Later2026 to the decoded March 2026 document.
func Overlay2026(doc map[string]any) {
	mergeLater2026(doc)
	if c := dig(doc, "paths", "/scim/v2/Schemas", "get", "responses", "200", "content"); c != nil {
		c["application/scim+json"] = c["application/json"]
	}
	schemas := dig(doc, "components", "schemas")
	if task := dig(schemas, "task"); task != nil {
		dig(task, "properties")["completed_at"] = map[string]any{
			"type": []any{"string", "null"}, "format": "date-time",
			"description": "When the task was completed; null while it is open.",
		}
		task["required"] = append(task["required"].([]any), "completed_at")
	}
	if thread := dig(schemas, "thread"); thread != nil {
		props := dig(thread, "properties")
		props["next_cursor"] = map[string]any{"type": []any{"string", "null"}}
		props["has_more_comments"] = map[string]any{"type": "boolean"}
		thread["required"] = append(thread["required"].([]any), "next_cursor", "has_more_comments")
	}
	if get := dig(doc, "paths", "/v2/threads/{thread_id}", "get"); get != nil {
		get["parameters"] = append(get["parameters"].([]any),
			queryParam("limit", map[string]any{"type": "integer", "minimum": 1, "maximum": 250}),
			queryParam("cursor", map[string]any{"type": "string"}),
			queryParam("created_after", map[string]any{"type": "string", "format": "date-time"}))
	}
	overlayViews(doc)
	overlayFiles(doc)
	overlayActivityRecords(doc)
	var walk func(x any)
	walk = func(x any) {
		switch v := x.(type) {
		case map[string]any:
			if e, ok := v["enum"].([]any); ok && containsStr(e, "USD") && containsStr(e, "ZAR") {
				v["enum"] = append(e, newCurrencies2026...)
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
}

func queryParam(name string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "schema": schema}
}

func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

var (
	once2026   sync.Once
	shared2026 *Validator
	err2026    error
)

// Load2026 returns the shared validator of the March 2026 document with Later2026 applied (and the
// KnownSpecErrors patches, which the 2026 document still needs).
func Load2026(t testing.TB) *Validator {
	t.Helper()
	once2026.Do(func() {
		path, err := specPath(Doc2026)
		if err != nil {
			err2026 = err
			return
		}
		shared2026, err2026 = loadYAML(path)
	})
	if err2026 != nil {
		t.Fatalf("openapitest: %v", err2026)
	}
	return shared2026
}

// Operations lists the document's operations as "METHOD /path".
func (v *Validator) Operations() []string {
	var out []string
	for path, item := range v.doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	return out
}

func loadYAML(path string) (*Validator, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var y any
	if err := yaml.Unmarshal(raw, &y); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Through JSON, so numbers are float64 and maps map[string]any, as Patch expects.
	j, err := json.Marshal(y)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		return nil, err
	}
	Overlay2026(m)
	return load(m)
}

// specPath finds testdata/attio/name in the working directory or its parents.
func specPath(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "testdata", "attio", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testdata/attio/" + name + " not found")
		}
		dir = parent
	}
}
