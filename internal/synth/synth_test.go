package synth

import (
	"testing"

	"github.com/confcal/confcal/internal/agenda"
)

func TestEventIsValid(t *testing.T) {
	for _, o := range []Options{{Sessions: 300, Tracks: 8, Days: 2}, {Sessions: 1000, Tracks: 8}, {Sessions: 10, Tracks: 1, Days: 1}} {
		ev := Event(o)
		if err := agenda.Validate(ev); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
		if len(ev.Sessions) != o.Sessions || len(ev.Tracks) != o.Tracks {
			t.Errorf("%+v: %d sessions, %d tracks", o, len(ev.Sessions), len(ev.Tracks))
		}
	}
}
