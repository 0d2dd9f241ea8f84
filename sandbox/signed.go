package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The signed host: where a download's redirect points, as Attio's signed storage URLs do. It is a
// separate listener (Server starts it on its own loopback port) that takes no API key: the URL's
// signature and expiry are its only credential. It keeps the headers of every request it serves
// (SignedRequests), so tests can prove no API key or connection header reached it.

// SignedURLLifetime is how long a signed download URL stays valid.
const SignedURLLifetime = 5 * time.Minute

type signedHost struct {
	key []byte

	mu       sync.Mutex
	base     string // e.g. http://127.0.0.1:40123; "" until a listener serves it
	seen     []http.Header
	redirect string // when set, every request is answered 302 to it (a misbehaving store)
}

func newSignedHost() *signedHost {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return &signedHost{key: k}
}

func (h *signedHost) sig(ws, file uuid, exp int64) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(ws.String() + "/" + file.String() + "/" + strconv.FormatInt(exp, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// signURL is the signed URL of a stored file, valid SignedURLLifetime from now (nanoseconds).
func (s *Sandbox) signURL(ws, file uuid, now int64) string {
	h := s.signed
	exp := time.Unix(0, now).Add(SignedURLLifetime).Unix()
	h.mu.Lock()
	base := h.base
	h.mu.Unlock()
	if base == "" {
		base = "http://127.0.0.1:1" // no listener: nothing answers there
	}
	return base + "/signed/" + ws.String() + "/" + file.String() + "?expires=" + strconv.FormatInt(exp, 10) + "&signature=" + h.sig(ws, file, exp)
}

// SignedHandler serves the signed download URLs (Server mounts it on its own port).
func (s *Sandbox) SignedHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := s.signed
		h.mu.Lock()
		h.seen = append(h.seen, r.Header.Clone())
		redirect := h.redirect
		h.mu.Unlock()
		if redirect != "" {
			http.Redirect(w, r, redirect, http.StatusFound)
			return
		}
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/signed/"), "/")
		var ws, file uuid
		ok := len(parts) == 2 && r.Method == http.MethodGet
		if ok {
			var ok1, ok2 bool
			ws, ok1 = parseUUID(parts[0])
			file, ok2 = parseUUID(parts[1])
			ok = ok1 && ok2
		}
		exp, err := strconv.ParseInt(r.URL.Query().Get("expires"), 10, 64)
		if !ok || err != nil || !hmac.Equal([]byte(r.URL.Query().Get("signature")), []byte(h.sig(ws, file, exp))) {
			http.Error(w, "signature does not match", http.StatusForbidden)
			return
		}
		if s.now().Unix() > exp {
			http.Error(w, "the signed URL has expired", http.StatusForbidden)
			return
		}
		content, ctype, found := s.content(ws, file)
		if !found {
			http.Error(w, "no such file", http.StatusNotFound)
			return
		}
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		_, _ = w.Write(content)
	})
}

// SetSignedBaseURL says where SignedHandler is served (Server does it).
func (s *Sandbox) SetSignedBaseURL(base string) {
	s.signed.mu.Lock()
	s.signed.base = strings.TrimSuffix(base, "/")
	s.signed.mu.Unlock()
}

// SignedRequests returns the headers of every request the signed host has served.
func (s *Sandbox) SignedRequests() []http.Header {
	s.signed.mu.Lock()
	defer s.signed.mu.Unlock()
	return append([]http.Header(nil), s.signed.seen...)
}

// SetSignedRedirect makes the signed host answer every request with a redirect to url (a store
// that redirects again); "" restores it.
func (s *Sandbox) SetSignedRedirect(url string) {
	s.signed.mu.Lock()
	s.signed.redirect = url
	s.signed.mu.Unlock()
}
