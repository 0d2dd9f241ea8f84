//go:build !race

package attio_test

const raceEnabled = false
