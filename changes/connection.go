package changes

// DefaultConnection names the change log (and the webhook path, /webhooks/attio/default) of the
// facade's default Maton connection, the one a call without a Maton-Connection header reaches.
// Every other connection's log is named by its Maton connection id.
const DefaultConnection = "default"

// ConnectionName is the change log name of a call's Maton connection ("" for the default one), so
// that the webhook endpoint records and the watchers read the same log.
func ConnectionName(matonConnection string) string {
	if matonConnection == "" {
		return DefaultConnection
	}
	return matonConnection
}
