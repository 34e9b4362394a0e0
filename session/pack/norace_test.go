//go:build !race

package pack

// raceOn says the race detector is on: it makes allocations of its own.
const raceOn = false
