package main

import (
	"context"
	"errors"
)

func runExport(ctx context.Context, args []string, env environment) error {
	return errors.New("export: not built yet")
}
