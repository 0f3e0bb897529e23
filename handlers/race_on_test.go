//go:build race

package handlers_test

// raceOn: the race detector multiplies memory, so memory bounds do not hold under it.
const raceOn = true
