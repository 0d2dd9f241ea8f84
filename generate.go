package attiofacade

// `go generate ./...` and `make generate` are the same command: regenerate gen/ from proto/.
//go:generate ./scripts/generate.sh
