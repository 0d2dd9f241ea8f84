package attio

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2023, 5, 23, 14, 42, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{"-1", 0},
		{"Tue, 23 May 2023 14:42:01 GMT", time.Second}, // Attio's documented form
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"Tue, 23 May 2023 14:41:00 GMT", 0}, // in the past
		{"soon", 0},
	}
	for _, c := range cases {
		if got := parseRetryAfter(c.in, now); got != c.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestEndpointPathEscapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		option, want string
	}{
		{"B2B / SaaS", "/objects/companies/attributes/categories/options/B2B%20%2F%20SaaS"},
		{"%2e%2e", "/objects/companies/attributes/categories/options/%252e%252e"},
		{"a?b#c", "/objects/companies/attributes/categories/options/a%3Fb%23c"},
		{"../..", "/objects/companies/attributes/categories/options/..%2F.."},
		{"x\x00\n", "/objects/companies/attributes/categories/options/x%00%0A"},
	}
	for _, c := range cases {
		got, err := epUpdateSelectOption.path("objects", "companies", "categories", c.option)
		if err != nil || got != c.want {
			t.Errorf("path(%q) = %s, %v; want %s", c.option, got, err, c.want)
		}
	}
	// Dot segments and empty values would name another resource once a hop resolves them.
	for _, bad := range []string{"..", ".", ""} {
		if got, err := epUpdateSelectOption.path("objects", "companies", "categories", bad); !errors.Is(err, ErrPathParam) {
			t.Errorf("path(%q) = %s, %v; want ErrPathParam", bad, got, err)
		}
	}
	if got, err := epGetConnection.path("c1"); err != nil || got != "/connections/c1" {
		t.Errorf("control path = %s, %v", got, err)
	}
}
