package attio

import (
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
	got := epUpdateSelectOption.path("objects", "companies", "categories", "B2B / SaaS")
	if want := "/objects/companies/attributes/categories/options/B2B%20%2F%20SaaS"; got != want {
		t.Errorf("path = %s, want %s", got, want)
	}
	if got := epGetConnection.path("c1"); got != "/connections/c1" {
		t.Errorf("control path = %s", got)
	}
}
