package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/store"
)

// RevisionReader is what the public changes feed needs of the store.
type RevisionReader interface {
	Revision(ctx context.Context, event string, number int) (store.Revision, error)
	Revisions(ctx context.Context, event string) ([]store.Revision, error)
}

// maxChanges is how many revisions the changes feed lists.
const maxChanges = 30

var (
	atomType   = []string{"application/atom+xml; charset=utf-8"}
	cacheShort = []string{"public, max-age=300"}
)

// changeRoutes serve /events/{event}/changes.atom and .json: the event's revisions, newest
// first, each with its changes in sentences. Built once per revision of the event.
type changeRoutes struct {
	agenda Agenda
	store  RevisionReader
	log    *slog.Logger
	mu     sync.Mutex
	built  map[string]*changeSet // by event
}

type changeSet struct {
	gen        uint64 // the snapshot it was built for
	atom, json *catalog.Body
}

type changeJSON struct {
	Revision  int       `json:"revision"`
	CreatedAt time.Time `json:"createdAt"`
	Summary   string    `json:"summary"`
	Changes   []string  `json:"changes"`
}

func (r *changeRoutes) atomFeed(c *gin.Context) { r.serve(c, true) }
func (r *changeRoutes) jsonFeed(c *gin.Context) { r.serve(c, false) }

func (r *changeRoutes) serve(c *gin.Context, atom bool) {
	snap, err := snapshot(r.agenda, c)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	set, err := r.set(c.Request.Context(), snap)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	if atom {
		writeBody(c, set.atom, atomType, cacheShort)
		return
	}
	c.Writer.Header()["Access-Control-Allow-Origin"] = anyOrigin
	writeBody(c, set.json, jsonType, cacheShort)
}

func (r *changeRoutes) set(ctx context.Context, snap *catalog.Snapshot) (*changeSet, error) {
	slug := snap.Event.Slug
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.built[slug]; s != nil && s.gen == snap.Gen {
		return s, nil
	}
	entries, err := r.entries(ctx, slug, snap.Revision)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(map[string]any{"event": slug, "name": snap.Event.Name, "revisions": entries})
	if err != nil {
		return nil, err
	}
	s := &changeSet{gen: snap.Gen, atom: catalog.NewBody(atomOf(snap, entries), snap.CreatedAt), json: catalog.NewBody(js, snap.CreatedAt)}
	if r.built == nil {
		r.built = map[string]*changeSet{}
	}
	r.built[slug] = s
	return s, nil
}

// entries describes the newest revisions up to head, each against the one before it.
func (r *changeRoutes) entries(ctx context.Context, slug string, head int) ([]changeJSON, error) {
	revs, err := r.store.Revisions(ctx, slug)
	if err != nil {
		return nil, err
	}
	// One more than listed, so that the oldest listed can be compared with its predecessor.
	var list []store.Revision
	for _, rev := range revs {
		if rev.Number <= head && len(list) <= maxChanges {
			list = append(list, rev)
		}
	}
	// Each revision is decoded once and only two are held at a time: at 5,000 sessions one
	// decoded revision is tens of MB.
	decoded := 0
	decode := func(i int) (*agenda.Event, error) {
		if i >= len(list) {
			return nil, nil
		}
		full, err := r.store.Revision(ctx, slug, list[i].Number)
		if err != nil {
			return nil, err
		}
		decoded += len(full.Document)
		ev, _, err := catalog.Decode(full)
		return ev, err
	}
	defer func() { catalog.ReleaseAfter(decoded) }() // decoded is read at return
	out := []changeJSON{}
	cur, err := decode(0)
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(list) && i < maxChanges; i++ {
		prev, err := decode(i + 1)
		if err != nil {
			return nil, err
		}
		changes := nonNil(agenda.Describe(prev, cur))
		if prev == nil && len(changes) > 10 { // the first load lists everything: say it short
			changes = []string{fmt.Sprintf("Agenda published: %d sessions, %d speakers", len(cur.Sessions), len(cur.Speakers))}
		}
		out = append(out, changeJSON{Revision: list[i].Number, CreatedAt: list[i].CreatedAt, Summary: list[i].Summary, Changes: changes})
		cur = prev
	}
	return out, nil
}

// Atom 1.0 (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Content struct {
		Type string `xml:"type,attr"`
		Text string `xml:",chardata"`
	} `xml:"content"`
}

func atomOf(snap *catalog.Snapshot, entries []changeJSON) []byte {
	host := "confcal"
	if u, err := url.Parse(snap.BaseURL); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	idBase := "tag:" + host + ",2024:confcal/" + snap.Event.Slug
	f := atomFeed{ID: idBase + "/changes", Title: snap.Event.Name + ": agenda changes",
		Updated: snap.CreatedAt.UTC().Format(time.RFC3339), Author: atomAuthor{Name: snap.Event.Name},
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: snap.PageURL() + "/changes.atom"}, {Rel: "alternate", Type: "text/html", Href: snap.PageURL()}}}
	for _, e := range entries {
		a := atomEntry{ID: fmt.Sprintf("%s/revision/%d", idBase, e.Revision), Title: fmt.Sprintf("Revision %d: %s", e.Revision, e.Summary),
			Updated: e.CreatedAt.UTC().Format(time.RFC3339), Link: atomLink{Rel: "alternate", Type: "text/html", Href: snap.PageURL()}}
		a.Content.Type, a.Content.Text = "text", strings.Join(e.Changes, "\n")
		f.Entries = append(f.Entries, a)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil { // cannot happen: strings only
		panic(err)
	}
	b.WriteByte('\n')
	return b.Bytes()
}
