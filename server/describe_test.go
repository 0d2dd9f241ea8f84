package server

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Approval summaries are cut at maxText bytes, never inside a character.
func TestTruncateKeepsUTF8(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"short", "héllo", "héllo"},
		{"ascii at the bound", strings.Repeat("a", maxText), strings.Repeat("a", maxText)},
		{"two-byte rune across the bound", strings.Repeat("a", maxText-1) + "é" + "tail", strings.Repeat("a", maxText-1) + "…"},
		{"four-byte rune across the bound", strings.Repeat("a", maxText-2) + "😀" + "tail", strings.Repeat("a", maxText-2) + "…"},
		{"rune ending at the bound", strings.Repeat("a", maxText-2) + "é" + "tail", strings.Repeat("a", maxText-2) + "é…"},
		{"all three-byte runes", strings.Repeat("日", maxText), strings.Repeat("日", maxText/3) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := truncate(tt.in)
			if !utf8.ValidString(got) {
				t.Fatalf("truncate returned invalid UTF-8: %q", got)
			}
			if got != tt.want {
				t.Fatalf("truncate = %q, want %q", got, tt.want)
			}
		})
	}
}
