package formats

import (
	"fmt"
	"time"
)

// WallClock reads a venue-local time ("2025-10-26T02:30:00", no offset) in loc. A wall time
// that does not exist there (skipped when clocks go forward) or that happens twice (when
// they go back) is an error naming both readings: sources that give local times without an
// offset cannot say which one they meant, and guessing silently moves a session by an hour.
func WallClock(wall time.Time, loc *time.Location) (time.Time, error) {
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	// time.Date picks one reading; look for every instant whose wall clock in loc is this one.
	guess := time.Date(y, mo, d, h, mi, s, 0, loc)
	var found []time.Time
	for _, probe := range []time.Duration{-3 * time.Hour, 0, 3 * time.Hour} {
		_, offset := guess.Add(probe).Zone()
		t := time.Date(y, mo, d, h, mi, s, 0, time.UTC).Add(-time.Duration(offset) * time.Second)
		if sameWall(t.In(loc), y, mo, d, h, mi, s) && !containsInstant(found, t) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return time.Time{}, fmt.Errorf("%s does not exist in %s (the clocks skip it for daylight saving time)",
			wall.Format("2006-01-02 15:04"), loc)
	default:
		a, b := found[0].In(loc), found[1].In(loc)
		if a.After(b) {
			a, b = b, a
		}
		return time.Time{}, fmt.Errorf("%s happens twice in %s (%s and %s): give the time with its UTC offset",
			wall.Format("2006-01-02 15:04"), loc, a.Format("15:04 MST -07:00"), b.Format("15:04 MST -07:00"))
	}
}

func sameWall(t time.Time, y int, mo time.Month, d, h, mi, s int) bool {
	ty, tmo, td := t.Date()
	th, tmi, ts := t.Clock()
	return ty == y && tmo == mo && td == d && th == h && tmi == mi && ts == s
}

func containsInstant(ts []time.Time, t time.Time) bool {
	for _, x := range ts {
		if x.Equal(t) {
			return true
		}
	}
	return false
}
