package changes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/attio-facade/attio-facade/attio"
)

// WatchedEventTypes are the event types the facade subscribes to: what the change streams serve
// (records and list entries) and what a change to them may hide (attributes, notes, tasks).
var WatchedEventTypes = []string{
	"record.created", "record.updated", "record.deleted", "record.merged",
	"list-entry.created", "list-entry.updated", "list-entry.deleted",
	"note.created", "note.updated", "note.deleted",
	"task.created", "task.updated", "task.deleted",
}

// DefaultSubscriptionInterval is how often the subscriptions are checked and repaired.
const DefaultSubscriptionInterval = 5 * time.Minute

// SubscriptionOptions configures a Subscriber.
type SubscriptionOptions struct {
	// Client makes the facade's own webhook calls (through its write budget).
	Client *attio.Client
	// PublicURL is the facade's reachable base; each connection's webhook targets
	// PublicURL + "/webhooks/attio/" + connection.
	PublicURL string
	// Connections lists the connections to subscribe, on every pass (for example Maton's ACTIVE
	// ones). A connection named "" is the account's default (no Maton-Connection header); its
	// path segment and log are DefaultConnection.
	Connections func(ctx context.Context) ([]string, error)
	// EventTypes default to WatchedEventTypes.
	EventTypes []string
	// SecretFile, when set, keeps the webhooks' ids and secrets across restarts (mode 0600). Without
	// it a restart cannot know the secret (Attio returns it only at creation) and replaces the
	// webhook.
	SecretFile string
	// Logger logs what the subscriber does (never a secret).
	Logger *slog.Logger
}

// Subscriber keeps one webhook per connection pointing at the facade, with the event types
// watchers need, and holds the webhooks' secrets for the inbound endpoint.
type Subscriber struct {
	o SubscriptionOptions

	mu    sync.Mutex
	hooks map[string]managedHook // connection name -> its webhook
}

type managedHook struct {
	WebhookID string `json:"webhook_id"`
	Secret    string `json:"secret"`
}

// NewSubscriber checks the options and loads SecretFile if it exists.
func NewSubscriber(o SubscriptionOptions) (*Subscriber, error) {
	if o.Client == nil || o.Connections == nil {
		return nil, errors.New("changes: a Subscriber needs a client and a connection list")
	}
	if _, err := url.Parse(o.PublicURL); err != nil || o.PublicURL == "" {
		return nil, errors.New("changes: the public URL is not a URL")
	}
	o.PublicURL = strings.TrimSuffix(o.PublicURL, "/")
	if len(o.EventTypes) == 0 {
		o.EventTypes = WatchedEventTypes
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Subscriber{o: o, hooks: map[string]managedHook{}}
	if o.SecretFile != "" {
		b, err := os.ReadFile(o.SecretFile)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("webhook secret file: %w", err)
		case json.Unmarshal(b, &s.hooks) != nil:
			// It holds secrets: never echo it.
			return nil, errors.New("webhook secret file: not a JSON object of connection to {webhook_id, secret}")
		}
	}
	return s, nil
}

// Secret is the signing secret of conn's webhook (WebhookOptions.Secret).
func (s *Subscriber) Secret(conn string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.hooks[conn]
	return []byte(h.Secret), ok && h.Secret != ""
}

// Target is the URL conn's webhook delivers to.
func (s *Subscriber) Target(conn string) string {
	return s.o.PublicURL + "/webhooks/attio/" + url.PathEscape(ConnectionName(conn))
}

// Run syncs at once and then every interval until ctx ends; a failed pass is logged and retried
// at the next tick.
func (s *Subscriber) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Sync(ctx); err != nil && ctx.Err() == nil {
			s.o.Logger.Warn("webhook subscription sync failed; retrying at the next interval", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sync makes sure each connection has exactly one webhook to its target, subscribed to the event
// types, active, and with a secret the facade knows. These are the facade's own writes: no caller
// approval applies (no caller made them); they go through the client's write budget.
func (s *Subscriber) Sync(ctx context.Context) error {
	conns, err := s.o.Connections(ctx)
	if err != nil {
		return fmt.Errorf("listing connections: %w", err)
	}
	var errs []error
	for _, conn := range conns {
		if err := s.syncOne(attio.WithConnection(ctx, conn), ConnectionName(conn), conn); err != nil {
			errs = append(errs, fmt.Errorf("connection %q: %w", ConnectionName(conn), err))
		}
	}
	if err := s.save(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (s *Subscriber) syncOne(ctx context.Context, name, conn string) error {
	target := s.Target(conn)
	var ours []attio.Webhook
	for h, err := range s.o.Client.ListWebhooks(ctx, attio.PageQuery{}) {
		if err != nil {
			return err
		}
		if h.TargetURL == target {
			ours = append(ours, h)
		}
	}
	s.mu.Lock()
	known := s.hooks[name]
	s.mu.Unlock()
	// Keep the one whose secret is known and that is not degraded or inactive; replace the rest.
	var keep *attio.Webhook
	for i := range ours {
		if ours[i].ID.WebhookID == known.WebhookID && known.Secret != "" && ours[i].Status == "active" {
			keep = &ours[i]
		}
	}
	if keep == nil {
		created, err := s.o.Client.CreateWebhook(ctx, attio.WebhookInput{TargetURL: target, Subscriptions: s.subscriptions()})
		if err != nil {
			return fmt.Errorf("creating the webhook: %w", err)
		}
		s.mu.Lock()
		s.hooks[name] = managedHook{WebhookID: created.ID.WebhookID, Secret: created.Secret}
		s.mu.Unlock()
		why := "none pointed at the facade"
		if len(ours) > 0 {
			why = "replacing one that was " + ours[0].Status + " or whose secret was unknown"
		}
		s.o.Logger.Info("webhook created", "connection", name, "webhook_id", created.ID.WebhookID, "reason", why)
	} else if !sameTypes(keep.Subscriptions, s.o.EventTypes) {
		subs := s.subscriptions()
		if _, err := s.o.Client.UpdateWebhook(ctx, keep.ID.WebhookID, attio.WebhookUpdate{Subscriptions: &subs}); err != nil {
			return fmt.Errorf("updating the webhook's subscriptions: %w", err)
		}
		s.o.Logger.Info("webhook subscriptions updated", "connection", name, "webhook_id", keep.ID.WebhookID)
	}
	for _, h := range ours {
		if keep != nil && h.ID.WebhookID == keep.ID.WebhookID {
			continue
		}
		if err := s.o.Client.DeleteWebhook(ctx, h.ID.WebhookID); err != nil {
			return fmt.Errorf("deleting a replaced webhook: %w", err)
		}
		s.o.Logger.Info("webhook deleted", "connection", name, "webhook_id", h.ID.WebhookID, "status", h.Status)
	}
	return nil
}

func (s *Subscriber) subscriptions() []attio.WebhookSubscriptionInput {
	out := make([]attio.WebhookSubscriptionInput, len(s.o.EventTypes))
	for i, t := range s.o.EventTypes {
		out[i] = attio.WebhookSubscriptionInput{EventType: t}
	}
	return out
}

// sameTypes: subs are exactly the event types, unfiltered.
func sameTypes(subs []attio.WebhookSubscription, types []string) bool {
	var have []string
	for _, s := range subs {
		if f := strings.TrimSpace(string(s.Filter)); f != "" && f != "null" {
			return false
		}
		have = append(have, s.EventType)
	}
	want := slices.Clone(types)
	slices.Sort(have)
	slices.Sort(want)
	return slices.Equal(have, want)
}

// save writes the secrets file (0600, replaced atomically), if there is one.
func (s *Subscriber) save() error {
	if s.o.SecretFile == "" {
		return nil
	}
	s.mu.Lock()
	b, err := json.Marshal(s.hooks)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.o.SecretFile), ".webhook-secrets-*")
	if err != nil {
		return fmt.Errorf("webhook secret file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("webhook secret file: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("webhook secret file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("webhook secret file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.o.SecretFile); err != nil {
		return fmt.Errorf("webhook secret file: %w", err)
	}
	return nil
}
