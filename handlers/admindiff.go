package handlers

import (
	"encoding/json"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/formats"
)

// diffJSON is a revision's diff for the admin API: what was added, changed field by field
// (values as the native format writes them) and cancelled.
type diffJSON struct {
	Event         map[string]change `json:"event"`
	TracksChanged bool              `json:"tracksChanged"`
	RoomsChanged  bool              `json:"roomsChanged"`
	Sessions      struct {
		Added     []sessionRef    `json:"added"`
		Changed   []changedRecord `json:"changed"`
		Cancelled []sessionRef    `json:"cancelled"`
	} `json:"sessions"`
	Speakers struct {
		Added   []speakerRef    `json:"added"`
		Changed []changedRecord `json:"changed"`
		Removed []speakerRef    `json:"removed"`
	} `json:"speakers"`
}

type change struct {
	From any `json:"from"`
	To   any `json:"to"`
}

type sessionRef struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Start *string `json:"start"`
}

type speakerRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type changedRecord struct {
	ID     string            `json:"id"`
	Name   string            `json:"name"`
	Fields map[string]change `json:"fields"`
}

func newDiffJSON(prev, next *agenda.Event) diffJSON {
	if prev == nil {
		prev = &agenda.Event{}
	}
	d := agenda.Compare(prev, next)
	loc := next.Zone()
	var out diffJSON
	out.TracksChanged, out.RoomsChanged = d.TracksChanged, d.RoomsChanged
	out.Event = fieldChanges(formats.NewDocument(prev), formats.NewDocument(next), d.Event)
	session := func(ev *agenda.Event, id string) sessionRef {
		s, _ := ev.Session(id)
		return sessionRef{ID: id, Title: s.Title, Start: formats.NewSessionDoc(s, loc).Start}
	}
	speaker := func(ev *agenda.Event, id string) speakerRef {
		s, _ := ev.Speaker(id)
		return speakerRef{ID: id, Name: s.Name}
	}
	out.Sessions.Added, out.Sessions.Changed, out.Sessions.Cancelled = []sessionRef{}, []changedRecord{}, []sessionRef{}
	for _, id := range d.SessionsAdded {
		out.Sessions.Added = append(out.Sessions.Added, session(next, id))
	}
	for _, c := range d.SessionsChanged {
		a, _ := prev.Session(c.ID)
		b, _ := next.Session(c.ID)
		out.Sessions.Changed = append(out.Sessions.Changed, changedRecord{ID: c.ID, Name: b.Title,
			Fields: fieldChanges(formats.NewSessionDoc(a, loc), formats.NewSessionDoc(b, loc), c.Fields)})
	}
	for _, id := range d.SessionsRemoved {
		out.Sessions.Cancelled = append(out.Sessions.Cancelled, session(prev, id))
	}
	out.Speakers.Added, out.Speakers.Changed, out.Speakers.Removed = []speakerRef{}, []changedRecord{}, []speakerRef{}
	for _, id := range d.SpeakersAdded {
		out.Speakers.Added = append(out.Speakers.Added, speaker(next, id))
	}
	for _, c := range d.SpeakersChanged {
		a, _ := prev.Speaker(c.ID)
		b, _ := next.Speaker(c.ID)
		out.Speakers.Changed = append(out.Speakers.Changed, changedRecord{ID: c.ID, Name: b.Name,
			Fields: fieldChanges(formats.NewSpeakerDoc(a), formats.NewSpeakerDoc(b), c.Fields)})
	}
	for _, id := range d.SpeakersRemoved {
		out.Speakers.Removed = append(out.Speakers.Removed, speaker(prev, id))
	}
	return out
}

// fieldChanges takes the named fields' values from the native form of both versions.
func fieldChanges(a, b any, fields []string) map[string]change {
	am, bm := asMap(a), asMap(b)
	out := make(map[string]change, len(fields))
	for _, f := range fields {
		out[f] = change{From: am[f], To: bm[f]}
	}
	return out
}

func asMap(v any) map[string]any {
	data, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(data, &m)
	return m
}
