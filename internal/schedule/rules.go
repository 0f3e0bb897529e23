package schedule

import (
	"fmt"
	"slices"

	"github.com/confcal/confcal/internal/agenda"
)

// Limits on a schedule.
const (
	MaxSessions = 500
	MaxAlarm    = 1440 // minutes: a day
	NoAlarm     = -1
)

// Selection checks a requested list of session ids against the agenda: known reports whether
// the current agenda has a session. It returns the ids sorted and without duplicates, or a
// *agenda.ValidationError that lists every unknown id by its position.
func Selection(ids []string, known func(id string) bool) ([]string, error) {
	var ps agenda.Problems
	if len(ids) > MaxSessions {
		ps.Add("sessions", "%d sessions; a schedule holds at most %d", len(ids), MaxSessions)
		return nil, ps.Err()
	}
	for i, id := range ids {
		if !known(id) {
			ps.Add(fmt.Sprintf("sessions[%d]", i), "unknown session %q", id)
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Alarm checks a requested reminder: nil means none.
func Alarm(minutes *int) (int, error) {
	if minutes == nil {
		return NoAlarm, nil
	}
	if *minutes < 0 || *minutes > MaxAlarm {
		var ps agenda.Problems
		ps.Add("reminderMinutes", "want 0 to %d minutes, or null for no reminder", MaxAlarm)
		return 0, ps.Err()
	}
	return *minutes, nil
}
