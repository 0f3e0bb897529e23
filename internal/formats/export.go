package formats

import (
	"encoding/json"
	"time"

	"github.com/confcal/confcal/internal/agenda"
)

// NewDocument returns the native document of an event, with times in the event's zone.
func NewDocument(ev *agenda.Event) *Document {
	loc := ev.Zone()
	d := &Document{
		Schema: SchemaURL, Slug: ev.Slug, Name: ev.Name, Description: ev.Description,
		TimeZone: ev.TimeZone, StartDate: ev.StartDate, EndDate: ev.EndDate, Location: ev.Location,
		Website: ev.Website, RegistrationURL: ev.RegistrationURL, RegistrationLabel: ev.RegistrationLabel, JoinURL: ev.JoinURL,
		Tracks:   make([]TrackDoc, 0, len(ev.Tracks)),
		Speakers: make([]SpeakerDoc, 0, len(ev.Speakers)),
		Sessions: make([]SessionDoc, 0, len(ev.Sessions)),
	}
	for _, t := range ev.Tracks {
		d.Tracks = append(d.Tracks, TrackDoc{ID: t.ID, Name: t.Name, Description: t.Description, Color: t.Color})
	}
	for _, r := range ev.Rooms {
		d.Rooms = append(d.Rooms, RoomDoc{ID: r.ID, Name: r.Name, Description: r.Description, Capacity: r.Capacity})
	}
	for _, s := range ev.Speakers {
		d.Speakers = append(d.Speakers, NewSpeakerDoc(s))
	}
	for _, s := range ev.Sessions {
		d.Sessions = append(d.Sessions, NewSessionDoc(s, loc))
	}
	return d
}

// NewSpeakerDoc returns the native form of a speaker.
func NewSpeakerDoc(s agenda.Speaker) SpeakerDoc {
	sd := SpeakerDoc{ID: s.ID, Name: s.Name, Title: s.Title, Company: s.Company, Bio: s.Bio, PhotoURL: s.PhotoURL}
	for _, l := range s.Links {
		sd.Links = append(sd.Links, LinkDoc{Title: l.Title, URL: l.URL})
	}
	return sd
}

// NewSessionDoc returns the native form of a session, with times in loc.
func NewSessionDoc(s agenda.Session, loc *time.Location) SessionDoc {
	sd := SessionDoc{
		ID: s.ID, Title: s.Title, Abstract: s.Abstract, Kind: string(s.Kind), TrackID: s.TrackID, RoomID: s.RoomID,
		SpeakerIDs: s.SpeakerIDs, JoinURL: s.JoinURL, Status: string(s.Status),
	}
	if sd.SpeakerIDs == nil {
		sd.SpeakerIDs = []string{}
	}
	if s.Scheduled() {
		start, end := s.Start.In(loc).Format(time.RFC3339), s.End.In(loc).Format(time.RFC3339)
		sd.Start, sd.End = &start, &end
	}
	return sd
}

// EncodeNative returns the event as an indented native document.
func EncodeNative(ev *agenda.Event) ([]byte, error) {
	return json.MarshalIndent(NewDocument(ev), "", "  ")
}
