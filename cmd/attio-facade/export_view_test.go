package main

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

func TestExportViewChoice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flag, format string
		resume       bool
		saved, want  string
		err          string
	}{
		{format: "jsonl", want: viewAttio},
		{format: "csv", want: viewTyped},
		{flag: "typed", format: "jsonl", want: viewTyped},
		{format: "jsonl", resume: true, saved: "typed", want: viewTyped},
		{format: "jsonl", resume: true, saved: "", want: viewTyped}, // a state file from before views
		{format: "jsonl", resume: true, saved: "attio", want: viewAttio},
		{flag: "attio", format: "jsonl", resume: true, saved: "typed", err: "was written with --view typed"},
		{flag: "attio", format: "csv", err: "needs --format jsonl"},
		{flag: "proto", format: "jsonl", err: "want attio or typed"},
	} {
		got, err := exportView(tc.flag, tc.format, tc.resume, tc.saved)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("exportView(%q, %q, %v, %q) = %q, %v; want %q, %q", tc.flag, tc.format, tc.resume, tc.saved, got, err, tc.want, tc.err)
		}
	}
}

// An item of Attio's JSON with newlines in it (a pretty-printing upstream) still makes one line.
func TestExportRawItemIsOneLine(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	w := &exportWriter{format: "jsonl", buf: bufio.NewWriter(&out)}
	for _, item := range []string{`{"id":{"record_id":"a"}}`, "{\n  \"id\": {\"record_id\": \"b\\nc\"}\r\n}"} {
		if err := w.writeRaw([]byte(item)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.writeRaw([]byte("{\n")); err == nil {
		t.Error("broken JSON with a newline was written")
	}
	_ = w.buf.Flush()
	want := `{"id":{"record_id":"a"}}` + "\n" + `{"id":{"record_id":"b\nc"}}` + "\n"
	if out.String() != want {
		t.Errorf("wrote %q, want %q", out.String(), want)
	}
}
