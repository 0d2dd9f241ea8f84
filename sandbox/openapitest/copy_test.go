package openapitest_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// The spec and examples under testdata/attio are copies of ../shared/attio (Attio's document as
// published on 2025-10-01): the hash pins the spec, and where the shared originals exist, the
// copies must equal them.
func TestReferenceCopiesAreExact(t *testing.T) {
	t.Parallel()
	const wantSpec = "84e338aea34b4ec7a6220a5729f2449b0f0fce0f555cb8f57caf58fcece6c1f7"
	b, err := os.ReadFile("../../testdata/attio/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != wantSpec {
		t.Fatalf("testdata/attio/openapi.json is not Attio's published document (sha256 %x)", sum)
	}
	// ../shared/attio/openapi-2026-03.yaml: interfere-inc/attio .speakeasy/out.openapi.yaml @ 55d8fe5.
	const want2026 = "499cab79065901f482ec49d9d0758086cfbe6e794ba4f9b3fb88d225d8a9e884"
	b, err = os.ReadFile("../../testdata/attio/openapi-2026-03.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want2026 {
		t.Fatalf("testdata/attio/openapi-2026-03.yaml is not Attio's March 2026 document (sha256 %x)", sum)
	}
	shared, err := filepath.Glob("../../../shared/attio/examples/*.json")
	if err != nil || len(shared) == 0 {
		t.Skip("../shared/attio is not present on this machine")
	}
	for _, orig := range shared {
		want, _ := os.ReadFile(orig)
		got, err := os.ReadFile(filepath.Join("../../testdata/attio/examples", filepath.Base(orig)))
		if err != nil || string(got) != string(want) {
			t.Errorf("testdata copy of %s differs or is missing", filepath.Base(orig))
		}
	}
}
