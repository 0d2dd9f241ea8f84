package attiofacade

import _ "embed"

// descriptorSet is the whole contract as one FileDescriptorSet (`buf build proto`): attio.v1 with
// its comments, and every file it imports or its errors carry (buf/validate, google/rpc, the
// well-known types), so a client needs nothing else. ./scripts/generate.sh rebuilds it; CI checks
// that the committed copy is fresh.
//
//go:embed descriptors/attio-v1.binpb
var descriptorSet []byte

// DescriptorSet returns the serialized FileDescriptorSet of the public contract. Callers must not
// modify the returned slice.
func DescriptorSet() []byte { return descriptorSet }
