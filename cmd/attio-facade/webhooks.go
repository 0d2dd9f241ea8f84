package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/attio-facade/attio-facade/changes"
)

// webhookRoutes builds the inbound webhook endpoint (changes.WebhookPattern) from the secrets
// file, a JSON object of connection name to the signing secret of that connection's webhook. It
// returns no route without a file (an empty map, for the caller's other routes), and the
// secrets for the redaction list.
func webhookRoutes(path string, maxBody int64, log changes.Log, logs *changes.Logs, logger *slog.Logger, managed *changes.Subscriber) (map[string]http.Handler, []string, error) {
	if path == "" && managed == nil {
		return map[string]http.Handler{}, nil, nil
	}
	var secretOf map[string]string
	if path == "" {
		secretOf = map[string]string{}
	} else if b, err := os.ReadFile(path); err != nil {
		return nil, nil, fmt.Errorf("--webhook-secrets-file: %w", err)
	} else if err := json.Unmarshal(b, &secretOf); err != nil {
		// The file holds secrets: never echo it, or json's error (which may quote it).
		return nil, nil, errors.New("--webhook-secrets-file: want a JSON object of connection name to webhook secret")
	}
	secrets := make([]string, 0, len(secretOf))
	for conn, s := range secretOf {
		if conn == "" || s == "" {
			return nil, nil, errors.New("--webhook-secrets-file: a connection name or a secret is empty")
		}
		secrets = append(secrets, s)
	}
	h := changes.NewWebhookHandler(changes.WebhookOptions{
		Secret: func(conn string) ([]byte, bool) {
			// The managed webhook's secret first: it is the one deliveries are signed with now.
			if managed != nil {
				if s, ok := managed.Secret(conn); ok {
					return s, true
				}
			}
			s, ok := secretOf[conn]
			return []byte(s), ok
		},
		Log: log, Logs: logs, MaxBody: maxBody, Logger: logger,
	})
	return map[string]http.Handler{changes.WebhookPattern: h}, secrets, nil
}
