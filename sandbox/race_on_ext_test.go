//go:build race

package sandbox_test

// raceEnabled skips the million-record test under the race detector, whose
// instrumentation makes it minutes long; the benchmark covers that scale.
const raceEnabled = true
