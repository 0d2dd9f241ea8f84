# Convenience targets; each is one line of shell you can also run by hand.
.PHONY: run sandbox test generate lint breaking bench-export

run:          ## the facade on the embedded sandbox
	go run ./cmd/attio-facade

sandbox:      ## only the Maton + Attio sandbox, on 127.0.0.1:8090
	go run ./cmd/attio-facade sandbox

test:         ## every test, as CI runs them
	go test -race -timeout 30m ./...

generate:     ## regenerate gen/ and descriptors/ from proto/ (first build of buf: 3-5 minutes)
	./scripts/generate.sh

lint:
	go tool -modfile=tools/go.mod buf lint

breaking:     ## proto changes against the committed baseline (docs/api-compatibility.md)
	./scripts/breaking.sh

bench-export: ## naive offset loop vs the facade's export (docs/benchmarks.md)
	go test -run '^$$' -bench BenchmarkExport -benchtime 1x -timeout 30m ./server/
