package changes

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// WebhookPattern is the route of the inbound endpoint, one per connection.
const WebhookPattern = "POST /webhooks/attio/{connection}"

// Headers of Attio's deliveries.
const (
	HeaderSignature   = "Attio-Signature"
	HeaderIdempotency = "Idempotency-Key"
)

// DefaultMaxBody bounds a delivery's body.
const DefaultMaxBody = 1 << 20

// WebhookOptions configures NewWebhookHandler.
type WebhookOptions struct {
	// Secret returns the signing secret of connection's webhook; false for a connection the
	// facade takes no deliveries for.
	Secret func(connection string) ([]byte, bool)
	// Log records the events.
	Log Log
	// Logs names the log a delivery is recorded in: the path's connection, but under Maton
	// DefaultConnection is the default connection's id (nil: DefaultConnection).
	Logs *Logs
	// MaxBody is the largest body accepted; larger ones get 413 and nothing is recorded. Default
	// DefaultMaxBody.
	MaxBody int64
	// Now stamps the events' Received; default time.Now.
	Now func() time.Time
	// Logger logs refused deliveries (never their bodies, signatures or secrets); default
	// slog.Default().
	Logger *slog.Logger
}

// NewWebhookHandler returns the inbound webhook endpoint, to mount at WebhookPattern. It checks the
// signature (hex HMAC-SHA256 of the raw body with the connection's secret, compared in constant
// time) before it parses anything, answers 401 to anything unsigned or signed otherwise, records a
// delivery's events once per Idempotency-Key (a delivery without one is named by its body's
// hash), and answers 200 only once they are recorded: on any other answer Attio delivers again.
func NewWebhookHandler(o WebhookOptions) http.Handler {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &webhookHandler{o}
}

type webhookHandler struct{ o WebhookOptions }

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	conn := r.PathValue("connection")
	refuse := func(status int, why string) {
		h.o.Logger.Warn("webhook delivery refused", "connection", conn, "status", status, "reason", why)
		http.Error(w, why, status)
	}
	secret, ok := h.o.Secret(conn)
	if !ok {
		// As for a bad signature: the answer tells nobody which connections exist.
		refuse(http.StatusUnauthorized, "invalid signature")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.o.MaxBody))
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			refuse(http.StatusRequestEntityTooLarge, "body larger than the webhook body limit")
			return
		}
		refuse(http.StatusBadRequest, "could not read the body")
		return
	}
	if !validSignature(secret, body, r.Header.Get(HeaderSignature)) {
		refuse(http.StatusUnauthorized, "invalid signature")
		return
	}
	key := r.Header.Get(HeaderIdempotency)
	if key == "" {
		sum := sha256.Sum256(body)
		key = "body:" + hex.EncodeToString(sum[:])
	}
	events, err := splitDelivery(body, conn, key, h.o.Now())
	if err != nil {
		refuse(http.StatusBadRequest, err.Error())
		return
	}
	logName, err := h.o.Logs.Name(r.Context(), conn)
	if err != nil {
		// Not recorded: Attio must deliver it again.
		refuse(http.StatusServiceUnavailable, "could not resolve the default connection")
		return
	}
	dup, err := h.o.Log.Record(r.Context(), logName, key, events)
	if err != nil {
		// Not recorded: Attio must deliver it again.
		refuse(http.StatusServiceUnavailable, "could not record the events")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	recorded := len(events)
	if dup {
		recorded = 0
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"recorded": recorded, "duplicate": dup})
}

// validSignature: sig is the hex HMAC-SHA256 of body with secret.
func validSignature(secret, body []byte, sig string) bool {
	got, err := hex.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	return hmac.Equal(bodyMAC(secret, body), got)
}

// Sign returns the Attio-Signature of body with secret (for the sandbox and tests).
func Sign(secret, body []byte) string { return hex.EncodeToString(bodyMAC(secret, body)) }

func bodyMAC(secret, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return mac.Sum(nil)
}
