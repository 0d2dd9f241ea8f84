package interceptors

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
)

// apiKeys finds principals by the SHA-256 of the presented key, so the configuration never holds a
// usable key. Looking the hash up in a map leaks nothing useful through timing: an attacker would
// need a preimage of a configured hash to learn anything.
type apiKeys struct {
	byHash map[[sha256.Size]byte]*Principal
}

func parseKeyHash(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != sha256.Size {
		return "", errors.New("sha256 must be 64 hex digits (the SHA-256 of the key, never the key)")
	}
	return s, nil
}

func newAPIKeys(cfg []APIKeyConfig) (*apiKeys, error) {
	k := &apiKeys{byHash: make(map[[sha256.Size]byte]*Principal, len(cfg))}
	for _, c := range cfg {
		s, err := parseKeyHash(c.SHA256)
		if err != nil {
			return nil, err
		}
		var h [sha256.Size]byte
		hex.Decode(h[:], []byte(s)) //nolint:errcheck // checked by parseKeyHash
		k.byHash[h] = &Principal{
			Kind:               KindAPIKey,
			Name:               c.Name,
			Scopes:             slices.Clone(c.Scopes),
			Connections:        slices.Clone(c.Connections),
			AutoApprove:        c.AutoApprove,
			AutoApproveDeletes: c.AutoApproveDeletes,
		}
	}
	return k, nil
}

func sandboxKeys() *apiKeys {
	k := &apiKeys{byHash: map[[sha256.Size]byte]*Principal{}}
	for token, p := range SandboxPrincipals() {
		k.byHash[sha256.Sum256([]byte(token))] = p
	}
	return k
}

// lookup returns a copy of the principal so handlers cannot alter the configuration.
func (k *apiKeys) lookup(token string) *Principal {
	p, ok := k.byHash[sha256.Sum256([]byte(token))]
	if !ok {
		return nil
	}
	c := *p
	c.Scopes, c.Connections = slices.Clone(p.Scopes), slices.Clone(p.Connections)
	return &c
}
