package attio

import (
	"cmp"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
)

// Redacted replaces a secret in text.
const Redacted = "[REDACTED]"

const (
	// minSecretLen: shorter values are not treated as secrets; masking them would mangle ordinary
	// words of upstream messages.
	minSecretLen = 4
	// minCoreLen is the shortest base64 run kept as an alignment-independent form (see
	// SecretForms): shorter runs are too likely to occur by chance.
	minCoreLen = 8
)

// Redactor masks known secrets in text, in every form an upstream service might echo them. The
// zero value and nil mask nothing. It is immutable and safe for concurrent use.
type Redactor struct {
	secrets []string
	r       *strings.Replacer
}

// NewRedactor returns a Redactor for secrets (values shorter than 4 bytes are ignored).
func NewRedactor(secrets ...string) *Redactor {
	var forms []string
	kept := make([]string, 0, len(secrets))
	for _, s := range secrets {
		if len(s) < minSecretLen || slices.Contains(kept, s) {
			continue
		}
		kept = append(kept, s)
		forms = append(forms, SecretForms(s)...)
	}
	if len(forms) == 0 {
		return &Redactor{}
	}
	// Longest first: the replacer tries patterns in argument order at each position, so a whole
	// padded base64 form wins over its own unpadded prefix.
	slices.SortStableFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	forms = slices.Compact(forms)
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Redacted)
	}
	return &Redactor{secrets: kept, r: strings.NewReplacer(pairs...)}
}

// With returns a Redactor for r's secrets plus more (a call's own credentials).
func (r *Redactor) With(more ...string) *Redactor {
	if r == nil {
		return NewRedactor(more...)
	}
	return NewRedactor(append(slices.Clip(r.secrets), more...)...)
}

// Redact returns s with every form of every secret replaced by [REDACTED].
func (r *Redactor) Redact(s string) string {
	if r == nil || r.r == nil || s == "" {
		return s
	}
	return r.r.Replace(s)
}

// SecretForms lists the ways a secret may appear in text: raw; base64 in the standard and URL
// alphabets, padded and not; the runs of base64 characters that encode only the secret's bytes
// whatever precedes it (so it is found inside a longer base64 string, e.g. a Basic credential or
// an encoded "Bearer <key>", at any of the three byte alignments); and the URL-encoded (query and
// path) form of each of these.
func SecretForms(secret string) []string {
	if len(secret) < minSecretLen {
		return nil
	}
	b := []byte(secret)
	forms := []string{secret}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		forms = append(forms, enc.EncodeToString(b))
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for k := range 3 {
			// With k bytes before it, character i covers bits [6i, 6i+6); the ones inside the
			// secret's bits [8k, 8(k+n)) do not depend on its neighbours.
			padded := append(make([]byte, k, k+len(b)), b...)
			e := enc.EncodeToString(padded)
			from, to := (8*k+5)/6, 8*(k+len(b))/6
			if to-from >= minCoreLen {
				forms = append(forms, e[from:to])
			}
		}
	}
	for _, f := range forms[:len(forms):len(forms)] {
		forms = append(forms, url.QueryEscape(f), url.PathEscape(f))
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}
