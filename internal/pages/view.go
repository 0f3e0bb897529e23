package pages

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/feed"
	"github.com/confcal/confcal/internal/l10n"
)

type agendaView struct {
	Event     *agenda.Event
	BaseURL   string
	WidgetURL string
	EmbedURL  string
	Dates     string
	Zone      string // e.g. "PDT (America/Los_Angeles)"
	PageURL   string
	APIURL    string
	Subscribe feed.Subscribe
	Tracks    []trackView
	Rooms     []trackView // the same: a name and its feed
	Days      []dayView   // every day, or only Day's when paged
	TBA       []sessionView
	Speakers  []speakerView // nil when paged: they have their own page
	// Paged: one day per page, sessions without abstracts and web-calendar links (their
	// pages have them); Nav links every day's page.
	Paged       bool
	Day         string // the day shown when paged (YYYY-MM-DD)
	Nav         []dayLink
	SpeakersURL string
}

type dayLink struct {
	Date, Label, URL string
	Sessions         int
	Current          bool
	InFrame          bool // an embed's link, which stays in its frame
}

type trackView struct {
	ID, Name, FeedURL, WebcalURL string
}

type dayView struct {
	Date, Label, FeedURL string
	Slots                []slotView
}

type slotView struct {
	Start, End       string // "08:30"
	StartISO, EndISO string
	Zone             string
	Sessions         []sessionView
}

type sessionView struct {
	Brief                  bool // on a paged agenda: no abstract, no web-calendar links
	ID, Title, Kind, Track string
	Room                   string
	PageURL                string
	When, StartISO         string // "Wednesday, October 23 · 08:30–09:00 PDT"; "" when TBA
	Abstract               string
	Cancelled              bool
	Speakers               []speakerRef
	JoinURL                string
	ICSURL                 string
	Add                    feed.AddOne
}

type speakerRef struct {
	ID, Name, Title, PageURL string
}

type speakerView struct {
	agenda.Speaker
	PageURL  string
	Sessions []sessionRef
}

type sessionRef struct {
	ID, Title, PageURL string
}

// newAgendaView lays out an event's agenda page. day picks the day shown when the agenda
// is paged ("" for the first, which also lists what is to be announced); an unknown day is
// agenda.ErrNotFound. An agenda that is not paged shows every day whatever day says.
func newAgendaView(s *catalog.Snapshot, day string, l *l10n.Lang) (agendaView, error) {
	ev := s.Event
	loc := s.Zone
	v := agendaView{
		Event: ev, Dates: dateRange(ev, l), PageURL: s.PageURL(), APIURL: s.BaseURL + "/api/v1/events/" + ev.Slug,
		BaseURL: s.BaseURL, EmbedURL: s.BaseURL + "/embed/" + ev.Slug + "/agenda",
		Subscribe: feed.SubscribeLinks(s.PageURL()+"/calendar.ics", ev.Name),
		Paged:     s.Paged(), SpeakersURL: s.PageURL() + "/speakers",
	}
	first, _ := time.Parse(time.DateOnly, ev.StartDate)
	v.Zone = time.Date(first.Year(), first.Month(), first.Day(), 12, 0, 0, 0, loc).Format("MST") + " (" + ev.TimeZone + ")"
	for _, t := range ev.Tracks {
		u := s.PageURL() + "/tracks/" + agenda.PathID(t.ID) + ".ics"
		v.Tracks = append(v.Tracks, trackView{ID: t.ID, Name: t.Name, FeedURL: u, WebcalURL: feed.SubscribeLinks(u, "").WebcalURL})
	}
	for _, r := range ev.Rooms {
		u := s.PageURL() + "/rooms/" + agenda.PathID(r.ID) + ".ics"
		v.Rooms = append(v.Rooms, trackView{ID: r.ID, Name: r.Name, FeedURL: u, WebcalURL: feed.SubscribeLinks(u, "").WebcalURL})
	}
	all := days(s, loc, v.Paged, l)
	if day != "" && !slices.ContainsFunc(all, func(d dayView) bool { return d.Date == day }) {
		return v, agenda.ErrNotFound
	}
	if !v.Paged {
		v.Days = all
	} else {
		if day == "" && len(all) > 0 {
			day = all[0].Date
		}
		v.Day = day
		for _, d := range all {
			n := 0
			for _, sl := range d.Slots {
				n += len(sl.Sessions)
			}
			v.Nav = append(v.Nav, dayLink{Date: d.Date, Label: d.Label, URL: s.DayPage(d.Date), Sessions: n, Current: d.Date == day})
			if d.Date == day {
				v.Days = []dayView{d}
			}
		}
	}
	if !v.Paged || day == "" || len(all) > 0 && day == all[0].Date {
		for _, se := range ev.Sessions {
			if !se.Scheduled() {
				v.TBA = append(v.TBA, newSessionView(s, se, v.Paged, l))
			}
		}
	}
	if !v.Paged {
		for _, sp := range ev.Speakers {
			v.Speakers = append(v.Speakers, newSpeakerView(s, sp))
		}
	}
	return v, nil
}

func newSpeakerView(s *catalog.Snapshot, sp agenda.Speaker) speakerView {
	sv := speakerView{Speaker: sp, PageURL: speakerURL(s, sp.ID)}
	for _, se := range s.Event.Sessions {
		if slices.Contains(se.SpeakerIDs, sp.ID) {
			sv.Sessions = append(sv.Sessions, sessionRef{ID: se.ID, Title: se.Title, PageURL: sessionURL(s, se.ID)})
		}
	}
	return sv
}

// sessionURL and speakerURL are the hosted pages of one session and one speaker.
func sessionURL(s *catalog.Snapshot, id string) string {
	return s.PageURL() + "/sessions/" + agenda.PathID(id)
}
func speakerURL(s *catalog.Snapshot, id string) string {
	return s.PageURL() + "/speakers/" + agenda.PathID(id)
}

// days lays the scheduled sessions out by day and time slot, in the event's zone. Every day
// of the event appears, even before its sessions are announced.
func days(s *catalog.Snapshot, loc *time.Location, brief bool, l *l10n.Lang) []dayView {
	ev := s.Event
	sessions := slices.Clone(ev.Sessions)
	slices.SortStableFunc(sessions, func(a, b agenda.Session) int { return a.Start.Compare(b.Start) })
	first, err1 := time.Parse(time.DateOnly, ev.StartDate)
	last, err2 := time.Parse(time.DateOnly, ev.EndDate)
	if err1 != nil || err2 != nil {
		return nil
	}
	var out []dayView
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		day := dayView{Date: date, Label: l.Day(d), FeedURL: s.PageURL() + "/calendar.ics?day=" + date}
		for _, se := range sessions {
			if !se.Scheduled() || se.Start.In(loc).Format(time.DateOnly) != date {
				continue
			}
			n := len(day.Slots)
			if n == 0 || day.Slots[n-1].StartISO != se.Start.In(loc).Format(time.RFC3339) {
				day.Slots = append(day.Slots, newSlot(se, loc))
				n++
			}
			day.Slots[n-1].Sessions = append(day.Slots[n-1].Sessions, newSessionView(s, se, brief, l))
		}
		out = append(out, day)
	}
	return out
}

func newSlot(se agenda.Session, loc *time.Location) slotView {
	start, end := se.Start.In(loc), se.End.In(loc)
	return slotView{
		Start: start.Format("15:04"), End: end.Format("15:04"), Zone: start.Format("MST"),
		StartISO: start.Format(time.RFC3339), EndISO: end.Format(time.RFC3339),
	}
}

// newSessionView is a session as the pages show it; brief leaves out what only its own
// page needs (the abstract and the web-calendar links).
func newSessionView(s *catalog.Snapshot, se agenda.Session, brief bool, l *l10n.Lang) sessionView {
	ev := s.Event
	v := sessionView{
		Brief: brief, ID: se.ID, Title: se.Title, Kind: l.T(string(se.Kind)), Abstract: se.Abstract, PageURL: sessionURL(s, se.ID),
		Cancelled: se.Status == agenda.StatusCancelled, JoinURL: ev.JoinURLFor(se),
	}
	if se.Scheduled() {
		start, end := se.Start.In(s.Zone), se.End.In(s.Zone)
		v.StartISO = start.Format(time.RFC3339)
		times := start.Format("15:04") + "–" + end.Format("15:04 MST")
		if l.Dir == "rtl" {
			times = "\u2066" + times + "\u2069" // left to right, isolated: 08:30–09:00 stays in order
		}
		v.When = l.Day(start) + " · " + times
	}
	if t, ok := ev.Track(se.TrackID); ok {
		v.Track = t.Name
	}
	v.Room = ev.RoomName(se)
	var names []string
	for _, id := range se.SpeakerIDs {
		sp, _ := ev.Speaker(id)
		v.Speakers = append(v.Speakers, speakerRef{ID: sp.ID, Name: sp.Name, Title: sp.Title, PageURL: speakerURL(s, sp.ID)})
		names = append(names, sp.Name)
	}
	if brief {
		v.Abstract = ""
	}
	if s.InFeed(se.ID) {
		v.ICSURL = sessionURL(s, se.ID) + ".ics"
	}
	if s.InFeed(se.ID) && !brief {
		details := strings.Join(names, ", ")
		if v.JoinURL != "" {
			details += "\n\nJoin: " + v.JoinURL
		}
		details += "\nAgenda: " + s.SessionURL(se.ID)
		v.Add = feed.AddLinks(ev.Name+": "+se.Title, strings.TrimSpace(details), cmp.Or(v.Room, v.JoinURL), se.Start, se.End)
	}
	return v
}
