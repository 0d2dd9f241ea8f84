// Package changes receives Attio's webhooks and keeps what they report as a change log per
// connection, for the change streams (ChangeService). A delivery is accepted only with a valid
// signature, recorded once per Idempotency-Key, split into its events, and acknowledged only once
// they are in the log.
package changes
