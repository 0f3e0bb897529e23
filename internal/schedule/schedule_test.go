package schedule

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := NewToken()
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) < 16 {
			t.Fatalf("token %q: %d bytes, %v", tok, len(raw), err)
		}
		if seen[tok] {
			t.Fatal("token repeated")
		}
		seen[tok] = true
	}
	tok := NewToken()
	h := Hash(tok)
	if len(h) != 64 || h == tok || !Matches(tok, h) || Matches(tok+"x", h) || Matches("", h) {
		t.Errorf("hash %q does not match its token alone", h)
	}
	if a, b := NewID(), NewID(); a == b || len(a) != 16 {
		t.Errorf("ids %q %q", a, b)
	}
}

func TestSelection(t *testing.T) {
	known := func(id string) bool { return id == "a" || id == "b" }
	got, err := Selection([]string{"b", "a", "b"}, known)
	if err != nil || !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Selection = %v, %v", got, err)
	}
	_, err = Selection([]string{"a", "x", "y"}, known)
	var ve *agenda.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 || ve.Problems[0].Field != "sessions[1]" || ve.Problems[1].Field != "sessions[2]" {
		t.Errorf("unknown ids: %v", err)
	}
	if _, err := Selection(make([]string, MaxSessions+1), known); !errors.As(err, &ve) || ve.Problems[0].Field != "sessions" {
		t.Errorf("too many: %v", err)
	}
	for _, m := range []int{-1, MaxAlarm + 1} {
		if _, err := Alarm(&m); err == nil {
			t.Errorf("Alarm(%d) accepted", m)
		}
	}
	if m, err := Alarm(nil); m != NoAlarm || err != nil {
		t.Errorf("Alarm(nil) = %d, %v", m, err)
	}
}

// A cached feed follows the schedule: a star shows at once, and a rotated or deleted feed
// token stops working at once even though its lookup was cached.
func TestServiceCacheFollowsChanges(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newService(t, 20)
	c, err := s.Create(ctx, "synth", []string{"session-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.Feed(ctx, c.FeedToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Star(ctx, c.Schedule.ID, c.EditToken, "session-2"); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Feed(ctx, c.FeedToken)
	if after.ETag == before.ETag || after.Len() <= before.Len() {
		t.Error("feed did not follow a star")
	}
	if _, err := s.Star(ctx, c.Schedule.ID, "wrong", "session-3"); !errors.Is(err, agenda.ErrNotFound) {
		t.Errorf("star with a wrong token: %v", err)
	}
	_, newToken, err := s.Rotate(ctx, c.Schedule.ID, c.EditToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Feed(ctx, c.FeedToken); !errors.Is(err, agenda.ErrNotFound) {
		t.Errorf("old feed token after rotation: %v", err)
	}
	if _, err := s.Feed(ctx, newToken); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, c.Schedule.ID, c.EditToken); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Feed(ctx, newToken); !errors.Is(err, agenda.ErrNotFound) {
		t.Errorf("feed token after delete: %v", err)
	}
}

// A change made by another instance reaches this one's cache through Invalidate, called
// with the feed hash a change notification carries.
func TestServiceInvalidate(t *testing.T) {
	ctx := context.Background()
	here, st, cat := newService(t, 20)
	there := NewService(st, cat, func() time.Time { return t1 })
	c, err := here.Create(ctx, "synth", []string{"session-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := here.Feed(ctx, c.FeedToken)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := there.Star(ctx, c.Schedule.ID, c.EditToken, "session-2")
	if err != nil {
		t.Fatal(err)
	}
	if cached, _ := here.Feed(ctx, c.FeedToken); cached.ETag != before.ETag {
		t.Fatal("the feed changed without an invalidation: the test no longer shows the cache")
	}
	here.Invalidate(sc.FeedHash)
	if after, _ := here.Feed(ctx, c.FeedToken); after.ETag == before.ETag {
		t.Error("the star made elsewhere is not in the feed after Invalidate")
	}
	if _, _, err := there.Rotate(ctx, c.Schedule.ID, c.EditToken); err != nil {
		t.Fatal(err)
	}
	here.Invalidate(Hash(c.FeedToken))
	if _, err := here.Feed(ctx, c.FeedToken); !errors.Is(err, agenda.ErrNotFound) {
		t.Errorf("a feed token rotated elsewhere, after Invalidate: %v", err)
	}
}
