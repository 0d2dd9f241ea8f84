package protocodec

// For the public-API tests (package protocodec_test): the sandbox's records, as the internal tests
// use them.
var (
	AdaResponse = adaResponse
	Records     = records
	Lax         = lax
)
