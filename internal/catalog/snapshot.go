// Package catalog keeps the live agenda of every event as an immutable in-memory snapshot,
// publishes new revisions to the store, and watches the store for revisions written
// elsewhere. Handlers read snapshots and never touch the database for agenda data.
package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/feed"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/store"
)

// generations numbers snapshots across events, so cache keys that hold one never collide.
var generations atomic.Uint64

// Snapshot is one event at one revision, with everything that serves it pre-rendered.
type Snapshot struct {
	Event     *agenda.Event
	Revision  int
	CreatedAt time.Time // when the revision was written
	Gen       uint64    // unique per build; a tombstone expiring rebuilds the same revision
	Ledger    agenda.Ledger
	BaseURL   string
	Zone      *time.Location // the event's time zone, loaded once

	Feed *Body // every scheduled session and live tombstone

	jsonOnce   sync.Once
	json       *Body
	frabOnce   sync.Once
	frabJSON   *Body
	frabXML    *Body
	filtered   keptStore                // filtered feeds by filter key, within FilteredBudget
	rendered   keptStore                // pages, embeds, cards: rendered once each
	items      map[string]*feed.Item    // by session id: what feeds may carry
	inputs     []feed.Session           // what each item was rendered from, links aside
	shortMu    sync.Mutex               // guards short
	short      map[feed.Brevity]itemSet // shortened items, rendered when a feed needs them
	keys       map[string]itemKey       // by session id: the inputs an item was rendered from
	placed     map[string]placement     // by session id: when and on which track its item runs
	order      []string                 // ids of items by start time, then id
	header     []byte                   // event feed header
	personal   []byte                   // personal feed header
	nextExpiry time.Time
	paged      bool // the hosted agenda is served one day per page
	// kept counts the items taken from the previous snapshot; fresh lists the others, by
	// index in inputs.
	kept  int
	fresh []int
	reuse *formats.Reuse // what decoding the next revision may take from this one
}

// Decode reads a stored revision: its agenda and its feed ledger.
func Decode(rev store.Revision) (*agenda.Event, agenda.Ledger, error) {
	ev, err := formats.DecodeNative(rev.Document, rev.Event)
	if err != nil {
		return nil, nil, fmt.Errorf("decode %s #%d: %w", rev.Event, rev.Number, err)
	}
	ledger, err := decodeLedger(rev)
	return ev, ledger, err
}

func decodeLedger(rev store.Revision) (agenda.Ledger, error) {
	var ledger agenda.Ledger
	if err := json.Unmarshal(rev.Ledger, &ledger); err != nil {
		return nil, fmt.Errorf("decode %s #%d ledger: %w", rev.Event, rev.Number, err)
	}
	return ledger, nil
}

// Build decodes rev and renders its snapshot at time now; see Render. Sessions whose JSON
// reads as in prev's revision are taken as prev decoded them.
func Build(rev store.Revision, baseURL string, now time.Time, prev *Snapshot) (*Snapshot, error) {
	var reuse *formats.Reuse
	if prev != nil {
		reuse = prev.reuse
	}
	ev, next, err := formats.DecodeNativeReusing(rev.Document, rev.Event, reuse)
	if err != nil {
		return nil, fmt.Errorf("decode %s #%d: %w", rev.Event, rev.Number, err)
	}
	ledger, err := decodeLedger(rev)
	if err != nil {
		return nil, err
	}
	s := Render(ev, ledger, rev.Number, rev.CreatedAt, baseURL, now, prev)
	s.reuse = next
	return s, nil
}

// Render builds the snapshot of an event at a revision, at time now. baseURL is the public
// URL of the service, used in links inside feeds. Sessions whose feed entry reads the same
// as in prev (the event's previous snapshot, or nil) keep prev's rendered bytes, so a
// revision costs rendering only what it changed.
func Render(ev *agenda.Event, ledger agenda.Ledger, revision int, created time.Time, baseURL string, now time.Time, prev *Snapshot) *Snapshot {
	s := &Snapshot{
		Event: ev, Revision: revision, CreatedAt: created, Gen: generations.Add(1),
		Ledger: ledger, BaseURL: strings.TrimRight(baseURL, "/"), Zone: ev.Zone(),
		items: make(map[string]*feed.Item, len(ev.Sessions)), keys: make(map[string]itemKey, len(ev.Sessions)),
		placed: make(map[string]placement, len(ev.Sessions)),
		inputs: make([]feed.Session, 0, len(ev.Sessions)), short: map[feed.Brevity]itemSet{},
	}
	s.paged = scheduled(ev) > OnePageAt
	if prev != nil && (prev.BaseURL != s.BaseURL || prev.paged != s.paged) {
		prev = nil // every item's links differ
	}
	s.renderItems(now, prev)
	s.header = feed.Header(feed.Calendar{Name: ev.Name, Description: ev.Description, URL: s.PageURL()})
	s.personal = feed.Header(feed.Calendar{Name: ev.Name + " · My schedule", Description: ev.Description, URL: s.PageURL()})
	s.Feed = s.bounded(s.header, s.order, prev)
	return s
}

func (s *Snapshot) renderItems(now time.Time, prev *Snapshot) {
	ev := s.Event
	keys := ev.FeedKeys()
	for _, se := range ev.Sessions {
		e, ok := s.Ledger[se.ID]
		if !ok {
			e = agenda.Entry{Modified: s.CreatedAt}
		}
		if se.Scheduled() && e.RemovedAt.IsZero() {
			s.add(se, e, se.Status == agenda.StatusCancelled, keys[se.ID], prev)
		}
	}
	for id, e := range s.Ledger {
		if e.Tombstone == nil || e.RemovedAt.IsZero() || s.items[id] != nil {
			continue
		}
		if exp := e.Expires(); now.Before(exp) {
			// A tombstone is frozen: its key is its removal, never its (gone) agenda text.
			s.add(*e.Tombstone, e, true, 0, prev)
			if s.nextExpiry.IsZero() || exp.Before(s.nextExpiry) {
				s.nextExpiry = exp
			}
		}
	}
	// Sorted with each start beside its id: the comparisons would otherwise look both up.
	type started struct {
		id    string
		start time.Time
	}
	byStart := make([]started, 0, len(s.items))
	for id := range s.items {
		byStart = append(byStart, started{id, s.placed[id].start})
	}
	slices.SortFunc(byStart, func(a, b started) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	s.order = make([]string, len(byStart))
	for i, st := range byStart {
		s.order[i] = st.id
	}
}

// itemKey is everything a rendered item depends on. Tombstones have content 0: they are
// frozen at removal, and their sequence and modification time say which removal.
type itemKey struct {
	content   uint64
	sequence  int
	modified  int64
	cancelled bool
}

func (s *Snapshot) add(se agenda.Session, e agenda.Entry, cancelled bool, content uint64, prev *Snapshot) {
	key := itemKey{content, e.Sequence, e.Modified.UnixMicro(), cancelled}
	in := feed.Session{Session: se, Entry: e, Cancelled: cancelled}
	if old, ok := prev.reusable(se.ID, key); ok {
		s.items[se.ID] = old
		s.kept++
	} else {
		s.items[se.ID] = s.render(in, feed.Full)
		s.fresh = append(s.fresh, len(s.inputs))
	}
	s.inputs = append(s.inputs, in)
	s.keys[se.ID] = key
	s.placed[se.ID] = placement{start: se.Start, track: se.TrackID, room: se.RoomID}
}

func (s *Snapshot) reusable(id string, key itemKey) (*feed.Item, bool) {
	if s == nil {
		return nil, false
	}
	if k, ok := s.keys[id]; !ok || k != key {
		return nil, false
	}
	return s.items[id], true
}

// JSON returns the event as a native document with its revision, encoded on first use.
func (s *Snapshot) JSON() *Body {
	s.jsonOnce.Do(func() {
		doc := formats.NewDocument(s.Event)
		doc.Revision = &formats.RevisionInfo{Number: s.Revision, CreatedAt: s.CreatedAt.Format(time.RFC3339)}
		data, err := json.Marshal(doc)
		if err != nil { // cannot happen: the document is strings, slices and pointers to strings
			panic(fmt.Sprintf("encode %s: %v", s.Event.Slug, err))
		}
		s.json = Pack(data, s.CreatedAt)
	})
	return s.json
}

// Frab returns the frab/c3voc schedule.json and schedule.xml of the agenda, encoded on
// first request, once per revision.
func (s *Snapshot) Frab() (jsonBody, xmlBody *Body) {
	s.frabOnce.Do(func() {
		sched := formats.NewFrabSchedule(s.Event, s.Revision, s.PageURL())
		js, err1 := formats.EncodeFrabJSON(sched)
		xml, err2 := formats.EncodeFrabXML(sched)
		if err := errors.Join(err1, err2); err != nil { // cannot happen: strings and numbers
			panic(fmt.Sprintf("encode frab %s: %v", s.Event.Slug, err))
		}
		s.frabJSON, s.frabXML = Pack(js, s.CreatedAt), Pack(xml, s.CreatedAt)
	})
	return s.frabJSON, s.frabXML
}

// Expired reports whether a tombstone in the snapshot has expired by now, so the snapshot
// should be rebuilt without it.
func (s *Snapshot) Expired(now time.Time) bool {
	return !s.nextExpiry.IsZero() && !now.Before(s.nextExpiry)
}

// PageURL is the hosted agenda page of the event.
func (s *Snapshot) PageURL() string { return s.BaseURL + "/events/" + s.Event.Slug }

// SessionPage is the session's own page.
func (s *Snapshot) SessionPage(id string) string {
	return s.PageURL() + "/sessions/" + agenda.PathID(id)
}

// OnePageAt is the most scheduled sessions an event's hosted agenda shows on one page. A
// larger agenda is served one day per page, each within a few hundred kilobytes: at 2,000
// sessions the one page was 6.8 MB of HTML.
const OnePageAt = 150

func scheduled(ev *agenda.Event) int {
	n := 0
	for i := range ev.Sessions {
		if ev.Sessions[i].Scheduled() {
			n++
		}
	}
	return n
}

// Paged reports whether the hosted agenda is served one day per page (see OnePageAt).
func (s *Snapshot) Paged() bool { return s.paged }

// DayPage is the hosted agenda page of one day (YYYY-MM-DD in the event's zone).
func (s *Snapshot) DayPage(date string) string { return s.PageURL() + "/days/" + date }

// SessionURL is where a session is shown on the hosted agenda: its place on the event
// page, or on its day's page when the agenda is paged.
func (s *Snapshot) SessionURL(id string) string {
	if se, ok := s.Event.Session(id); ok {
		return s.sessionURL(id, se.Start)
	}
	return s.sessionURL(id, time.Time{})
}

func (s *Snapshot) sessionURL(id string, start time.Time) string {
	switch {
	case !s.paged:
		return s.PageURL() + "#session-" + agenda.PathID(id)
	case start.IsZero():
		return s.SessionPage(id) // to be announced: on no day's page
	default:
		return s.DayPage(start.In(s.Zone).Format(time.DateOnly)) + "#session-" + agenda.PathID(id)
	}
}

// InFeed reports whether a session id has a feed entry (scheduled, or a live tombstone).
func (s *Snapshot) InFeed(id string) bool { return s.items[id] != nil }

// Filter selects sessions for an event feed; empty fields select everything.
type Filter struct {
	Tracks []string // track ids
	Rooms  []string // room ids
	Day    string   // YYYY-MM-DD in the event's zone
	IDs    []string // session ids
	// Bounded keeps the feed within MaxEventFeed bytes, shortening descriptions when the
	// whole text would not fit: for event-wide feeds (calendar.ics, filtered or not).
	Bounded bool
}

// Normalize sorts a filter's lists and drops repeated ids, so that one selection has one
// cache key however a URL spells it.
func (f Filter) Normalize() Filter {
	f.Tracks = slices.Compact(slices.Sorted(slices.Values(f.Tracks)))
	f.Rooms = slices.Compact(slices.Sorted(slices.Values(f.Rooms)))
	f.IDs = slices.Compact(slices.Sorted(slices.Values(f.IDs)))
	return f
}

func (f Filter) key() string {
	return strings.Join(f.Tracks, ",") + "|" + strings.Join(f.Rooms, ",") + "|" + f.Day + "|" + strings.Join(f.IDs, ",") + "|" + strconv.FormatBool(f.Bounded)
}

// CachedFeed returns the filtered feed if it has been assembled and kept.
func (s *Snapshot) CachedFeed(f Filter) (*Body, bool) { return s.filtered.get(f.Normalize().key()) }

// FilteredFeed returns an event feed of the sessions the filter selects, under a calendar
// name that says what the filter chose. It is assembled once per snapshot and filter, and
// kept while the snapshot's FilteredBudget lasts.
func (s *Snapshot) FilteredFeed(f Filter) *Body {
	f = f.Normalize()
	b, _ := s.filtered.keep(f.key(), FilteredBudget, func() (*Body, error) { return s.filteredFeed(f), nil })
	return b
}

// FilteredBytes is what the kept filtered feeds weigh, by FilteredFeed's reckoning.
func (s *Snapshot) FilteredBytes() int64 { return s.filtered.bytes.Load() }

func (s *Snapshot) filteredFeed(f Filter) *Body {
	loc := s.Zone
	var ids []string
	for _, id := range s.order {
		if f.Day != "" && s.placed[id].start.In(loc).Format(time.DateOnly) != f.Day {
			continue
		}
		if len(f.Tracks) > 0 && !slices.Contains(f.Tracks, s.placed[id].track) {
			continue
		}
		if len(f.Rooms) > 0 && !slices.Contains(f.Rooms, s.placed[id].room) {
			continue
		}
		if len(f.IDs) > 0 && !slices.Contains(f.IDs, id) {
			continue
		}
		ids = append(ids, id)
	}
	header := feed.Header(feed.Calendar{Name: s.filterName(f), Description: s.Event.Description, URL: s.PageURL()})
	if f.Bounded {
		return s.bounded(header, ids, nil)
	}
	return s.assemble(header, ids, s.items, feed.Options{AlarmMinutes: -1})
}

// MaxEventFeed is the most an event-wide feed may weigh: Google Calendar is reported to
// drop subscribed feeds over about 1 MB.
const MaxEventFeed = 1_000_000

// bounded assembles an event feed of ids that stays within MaxEventFeed: with all the
// text when it fits, else at the first brevity level that fits (the shortest if none
// does). Items that read the same as in prev keep prev's shortened bytes too.
func (s *Snapshot) bounded(header []byte, ids []string, prev *Snapshot) *Body {
	o := feed.Options{AlarmMinutes: -1}
	set := itemSet(s.items)
	for _, level := range feed.Brevities[1:] {
		if feed.Size(header, set.pick(ids), o) <= MaxEventFeed {
			break
		}
		set = s.shortened(level, prev)
	}
	return s.assemble(header, ids, set, o)
}

// pick returns the items of ids, in order.
func (set itemSet) pick(ids []string) []*feed.Item {
	items := make([]*feed.Item, len(ids))
	for i, id := range ids {
		items[i] = set[id]
	}
	return items
}

// render renders one item at a brevity level, with the links of this snapshot.
func (s *Snapshot) render(in feed.Session, level feed.Brevity) *feed.Item {
	id := in.Session.ID
	in.PageURL, in.DetailsURL, in.Brevity = s.sessionURL(id, in.Session.Start), s.SessionPage(id), level
	return feed.Render(s.Event, in)
}

// itemSet is a rendering of every item of a snapshot, by session id.
type itemSet map[string]*feed.Item

// shortened returns every item rendered at level, rendering them the first time.
func (s *Snapshot) shortened(level feed.Brevity, prev *Snapshot) itemSet {
	s.shortMu.Lock()
	defer s.shortMu.Unlock()
	if set, ok := s.short[level]; ok {
		return set
	}
	var old itemSet
	if prev != nil {
		prev.shortMu.Lock()
		old = prev.short[level]
		prev.shortMu.Unlock()
	}
	var set itemSet
	if old != nil {
		// prev's set, less the items that left, with the items that are new or read
		// differently rendered anew: what a revision changed, not the whole event.
		set = maps.Clone(old)
		if s.kept != len(prev.keys) {
			for id := range set {
				if _, ok := s.keys[id]; !ok {
					delete(set, id)
				}
			}
		}
		for _, i := range s.fresh {
			in := s.inputs[i]
			set[in.Session.ID] = s.render(in, level)
		}
	} else {
		set = make(itemSet, len(s.items))
		for _, in := range s.inputs {
			set[in.Session.ID] = s.render(in, level)
		}
	}
	s.short[level] = set
	return set
}

func (s *Snapshot) filterName(f Filter) string {
	parts := []string{s.Event.Name}
	for _, id := range f.Tracks {
		if t, ok := s.Event.Track(id); ok {
			parts = append(parts, t.Name)
		}
	}
	for _, id := range f.Rooms {
		if r, ok := s.Event.Room(id); ok {
			parts = append(parts, r.Name)
		}
	}
	if f.Day != "" {
		if d, err := time.Parse(time.DateOnly, f.Day); err == nil {
			parts = append(parts, d.Format("Mon Jan 2"))
		}
	}
	if len(f.IDs) == 1 {
		if se, ok := s.Event.Session(f.IDs[0]); ok {
			parts = []string{se.Title}
		}
	}
	return strings.Join(parts, " · ")
}

// placement is where an item sits: the session as rendered, which for a tombstone is its
// last scheduled version.
type placement struct {
	start       time.Time
	track, room string
}

// byStart orders item ids by start time, then id, the order feeds list sessions in.
func (s *Snapshot) byStart(a, b string) int {
	if c := s.placed[a].start.Compare(s.placed[b].start); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// PersonalFeed assembles a personal feed: the chosen sessions, busy, with the reminder.
// Ids without a feed entry (TBA sessions, expired tombstones) are left out.
func (s *Snapshot) PersonalFeed(ids []string, alarmMinutes int) *Body {
	chosen := make([]string, 0, len(ids))
	for _, id := range ids {
		if s.items[id] != nil {
			chosen = append(chosen, id)
		}
	}
	slices.SortFunc(chosen, s.byStart)
	return s.assemble(s.personal, chosen, s.items, feed.Options{Busy: true, AlarmMinutes: alarmMinutes})
}

func (s *Snapshot) assemble(header []byte, ids []string, set itemSet, o feed.Options) *Body {
	items := set.pick(ids)
	modified := s.CreatedAt
	if len(ids) > 0 {
		modified = time.Time{}
	}
	for _, id := range ids {
		if m := s.Ledger[id].Modified; m.After(modified) {
			modified = m
		}
	}
	var buf bytes.Buffer
	buf.Grow(feed.Size(header, items, o))
	feed.Append(&buf, header, items, o)
	return newTaggedBody(buf.Bytes(), feed.Tag(header, items, o), modified)
}
