package bundled

import (
	"testing"
)

// The announcement names ten speakers, seven tracks and three talks; a speaker card must work
// before a speaker's talk is announced, so all ten are present.
func TestBundledEventMatchesAnnouncement(t *testing.T) {
	ev, err := Event()
	if err != nil {
		t.Fatalf("bundled event is invalid: %v", err)
	}
	if ev.Slug != Slug || ev.TimeZone != "America/Los_Angeles" || ev.StartDate != "2024-10-23" || ev.EndDate != "2024-10-24" {
		t.Errorf("event = %s %s %s..%s", ev.Slug, ev.TimeZone, ev.StartDate, ev.EndDate)
	}
	if len(ev.Speakers) != 10 || len(ev.Tracks) != 7 || len(ev.Sessions) != 3 {
		t.Errorf("got %d speakers, %d tracks, %d sessions; want 10, 7, 3", len(ev.Speakers), len(ev.Tracks), len(ev.Sessions))
	}
	for _, s := range ev.Sessions {
		if !s.Scheduled() || s.Abstract == "" || len(s.SpeakerIDs) != 1 {
			t.Errorf("session %s: scheduled=%v abstract=%d bytes speakers=%v", s.ID, s.Scheduled(), len(s.Abstract), s.SpeakerIDs)
		}
	}
	if ev.RegistrationURL == "" {
		t.Error("the registration call to action has no URL")
	}
}
