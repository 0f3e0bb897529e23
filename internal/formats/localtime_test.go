package formats_test

import (
	"strings"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/formats"
)

func TestWallClock(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	la, _ := time.LoadLocation("America/Los_Angeles")
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	lordHowe, _ := time.LoadLocation("Australia/Lord_Howe") // a 30-minute DST shift
	wall := func(s string) time.Time {
		w, err := time.Parse("2006-01-02T15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	for _, c := range []struct {
		loc  *time.Location
		wall string
		want string // UTC, or the start of the error
	}{
		{berlin, "2025-10-25T09:00", "2025-10-25T07:00:00Z"},
		{berlin, "2025-10-26T09:00", "2025-10-26T08:00:00Z"},
		{berlin, "2025-10-26T02:30", "2025-10-26 02:30 happens twice in Europe/Berlin (02:30 CEST +02:00 and 02:30 CET +01:00)"},
		{berlin, "2025-03-30T02:30", "2025-03-30 02:30 does not exist in Europe/Berlin"},
		{la, "2024-11-03T01:15", "2024-11-03 01:15 happens twice"},
		{la, "2024-03-10T02:00", "2024-03-10 02:00 does not exist"},
		{la, "2024-10-23T08:30", "2024-10-23T15:30:00Z"},
		{kolkata, "2024-10-23T21:00", "2024-10-23T15:30:00Z"},
		{lordHowe, "2025-04-06T01:45", "2025-04-06 01:45 happens twice"},
		{lordHowe, "2025-10-05T02:15", "2025-10-05 02:15 does not exist"},
	} {
		got, err := formats.WallClock(wall(c.wall), c.loc)
		if err != nil {
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("%s in %s: error %q, want %q", c.wall, c.loc, err, c.want)
			}
			continue
		}
		if got.UTC().Format(time.RFC3339) != c.want {
			t.Errorf("%s in %s = %s, want %s", c.wall, c.loc, got.UTC().Format(time.RFC3339), c.want)
		}
	}
}
