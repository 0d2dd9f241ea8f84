package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a command leaves a goroutine behind once it returned.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
