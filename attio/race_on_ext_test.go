//go:build race

package attio_test

// raceEnabled skips allocation bounds under the race detector, whose sync.Pool drops a quarter of
// what is put back at random.
const raceEnabled = true
