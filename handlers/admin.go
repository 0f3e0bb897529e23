package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/agenda"
	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/formats"
	"github.com/confcal/confcal/internal/importer"
	"github.com/confcal/confcal/internal/store"
)

// AdminStore is what the organizer API needs of the store.
type AdminStore interface {
	catalog.Writer
	Revision(ctx context.Context, event string, number int) (store.Revision, error)
	Revisions(ctx context.Context, event string) ([]store.Revision, error)
	DeleteEvent(ctx context.Context, event string, now time.Time) error
}

// Admin configures the organizer API under /api/v1/admin. Without a Token it is off and
// every admin path answers 404.
type Admin struct {
	Token   string
	Store   AdminStore
	Fetcher *importer.Fetcher
	// Refresh makes a written revision serve at once (the catalog's Refresh).
	Refresh func(ctx context.Context) error
	// Forget drops what the schedule service cached for a deleted event.
	Forget func(event string)
	// Sync reports the scheduled syncs, for GET /api/v1/admin/sync; nil if none.
	Sync func() any
	Now  func() time.Time
}

type adminRoutes struct {
	Admin
	tokenSum [32]byte
	log      *slog.Logger
}

func newAdminRoutes(a Admin, log *slog.Logger) *adminRoutes {
	if a.Now == nil {
		a.Now = time.Now
	}
	if a.Fetcher == nil {
		a.Fetcher = &importer.Fetcher{}
	}
	return &adminRoutes{Admin: a, tokenSum: sha256.Sum256([]byte(a.Token)), log: log}
}

// auth lets a request through with the right bearer token. The comparison takes the same
// time whatever the token, and the token is never logged (the access log has no headers).
func (r *adminRoutes) auth(c *gin.Context) {
	if r.Token == "" {
		fail(c, r.log, notFound("no such path"))
		c.Abort()
		return
	}
	given, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	sum := sha256.Sum256([]byte(given))
	if !ok || subtle.ConstantTimeCompare(sum[:], r.tokenSum[:]) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="confcal admin"`)
		fail(c, r.log, &apiError{http.StatusUnauthorized, "unauthorized", "a valid admin token is required (Authorization: Bearer …)"})
		c.Abort()
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// publishJSON answers a write that may have made a revision.
type publishJSON struct {
	Event    string      `json:"event"`
	Revision int         `json:"revision"`
	Created  bool        `json:"created"`
	Summary  string      `json:"summary"`
	Changes  []string    `json:"changes"`
	Warnings []fieldJSON `json:"warnings"` // what was changed or assumed to accept the document
	// MoreWarnings counts the warnings past the first agenda.MaxShown.
	MoreWarnings int `json:"moreWarnings,omitempty"`
}

// put creates or replaces an event from the request body: 201 new event, 200 new
// revision, 204 no change.
func (r *adminRoutes) put(c *gin.Context) {
	req, err := r.request(c, c.Query("format"), c.Query("timeZone"), c.Query("trackCategory"))
	if err != nil {
		fail(c, r.log, err)
		return
	}
	if err := uploadType(c); err != nil {
		fail(c, r.log, err)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, r.Fetcher.MaxSizeOrDefault()))
	if err != nil {
		fail(c, r.log, err)
		return
	}
	r.publish(c, req, data)
}

type importBody struct {
	URL           string `json:"url"`
	Format        string `json:"format"`
	TimeZone      string `json:"timeZone"`
	TrackCategory string `json:"trackCategory"`
}

// importURL fetches a document from a URL and publishes it like put.
func (r *adminRoutes) importURL(c *gin.Context) {
	var body importBody
	if err := requireJSON(c); err != nil {
		fail(c, r.log, err)
		return
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		fail(c, r.log, badRequest("body: want {\"url\", \"format\", \"timeZone\", \"trackCategory\"}: "+err.Error()))
		return
	}
	if !importer.IsURL(body.URL) {
		fail(c, r.log, &agenda.ValidationError{Problems: agenda.Problems{{Field: "url", Message: "want an http(s) URL"}}})
		return
	}
	req, err := r.request(c, body.Format, body.TimeZone, body.TrackCategory)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	data, err := r.Fetcher.Read(c.Request.Context(), body.URL)
	if errors.Is(err, importer.ErrTooLarge) {
		fail(c, r.log, &apiError{http.StatusRequestEntityTooLarge, "too_large", err.Error()})
		return
	}
	if err != nil {
		fail(c, r.log, &apiError{http.StatusBadGateway, "fetch_failed", err.Error()})
		return
	}
	r.publish(c, req, data)
}

func (r *adminRoutes) request(c *gin.Context, format, zone, category string) (importer.Request, error) {
	slug := c.Param("event")
	if !agenda.ValidSlug(slug) {
		return importer.Request{}, badRequest("event " + quote(slug) + ": want lowercase letters, digits and dashes")
	}
	f, err := formats.ParseFormat(format)
	if err != nil {
		return importer.Request{}, badRequest("format: " + err.Error())
	}
	return importer.Request{Event: slug, Format: f, TimeZone: zone, TrackCategory: category}, nil
}

// publish reads data on top of the current revision and publishes it; nothing is written
// when the document has problems.
func (r *adminRoutes) publish(c *gin.Context, req importer.Request, data []byte) {
	ctx := c.Request.Context()
	prev, _, err := catalog.Current(ctx, r.Store, req.Event)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	ev, warns, err := importer.Parse(req, data, prev)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	r.write(c, prev, ev, warns)
}

// write publishes ev on top of prev. Warnings go with the answer; a 204 (nothing changed)
// has no body, so it counts them in X-Confcal-Warnings.
func (r *adminRoutes) write(c *gin.Context, prev, ev *agenda.Event, warns agenda.Problems) {
	ctx := c.Request.Context()
	res, err := catalog.Publish(ctx, r.Store, ev, r.Now())
	if err != nil {
		fail(c, r.log, err)
		return
	}
	c.Header("X-Confcal-Revision", strconv.Itoa(res.Revision))
	if len(warns) > 0 {
		c.Header("X-Confcal-Warnings", strconv.Itoa(len(warns)))
	}
	if !res.Changed {
		c.Status(http.StatusNoContent)
		return
	}
	if err := r.Refresh(ctx); err != nil {
		r.log.Warn("refresh after publish", "event", ev.Slug, "err", err)
	}
	r.log.Info("agenda published", "event", ev.Slug, "revision", res.Revision, "summary", res.Summary)
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	shown, more := warns.Head()
	c.JSON(status, publishJSON{Event: ev.Slug, Revision: res.Revision, Created: res.Created, Summary: res.Summary,
		Changes: nonNil(agenda.Describe(prev, ev)), Warnings: fieldsJSON(shown), MoreWarnings: more})
}

type revisionJSON struct {
	Number    int       `json:"number"`
	CreatedAt time.Time `json:"createdAt"`
	Summary   string    `json:"summary"`
}

func (r *adminRoutes) revisions(c *gin.Context) {
	revs, err := r.Store.Revisions(c.Request.Context(), c.Param("event"))
	if err != nil {
		fail(c, r.log, err)
		return
	}
	if len(revs) == 0 {
		fail(c, r.log, notFound("unknown event "+quote(c.Param("event"))))
		return
	}
	out := make([]revisionJSON, 0, len(revs))
	for _, rev := range revs {
		out = append(out, revisionJSON{Number: rev.Number, CreatedAt: rev.CreatedAt, Summary: rev.Summary})
	}
	c.JSON(http.StatusOK, gin.H{"event": c.Param("event"), "revisions": out})
}

// revision answers the diff of revision n against n-1.
func (r *adminRoutes) revision(c *gin.Context) {
	ctx := c.Request.Context()
	slug := c.Param("event")
	n, rev, ev, err := r.load(c, ctx, slug)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	var prev *agenda.Event
	if n > 1 {
		if _, _, prev, err = r.loadNumber(ctx, slug, n-1); err != nil {
			fail(c, r.log, err)
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{
		"number": n, "createdAt": rev.CreatedAt, "summary": rev.Summary,
		"changes": nonNil(agenda.Describe(prev, ev)), "diff": newDiffJSON(prev, ev),
	})
}

// restore publishes revision n's agenda as a new revision: feeds move forward, with
// SEQUENCE raised on every session the restore changes.
func (r *adminRoutes) restore(c *gin.Context) {
	ctx := c.Request.Context()
	_, _, ev, err := r.load(c, ctx, c.Param("event"))
	if err != nil {
		fail(c, r.log, err)
		return
	}
	prev, _, err := catalog.Current(ctx, r.Store, ev.Slug)
	if err != nil {
		fail(c, r.log, err)
		return
	}
	r.write(c, prev, ev, nil)
}

func (r *adminRoutes) remove(c *gin.Context) {
	slug := c.Param("event")
	err := r.Store.DeleteEvent(c.Request.Context(), slug, r.Now())
	if errors.Is(err, store.ErrNotFound) {
		fail(c, r.log, notFound("unknown event "+quote(slug)))
		return
	}
	if err != nil {
		fail(c, r.log, err)
		return
	}
	if r.Forget != nil {
		r.Forget(slug)
	}
	if err := r.Refresh(c.Request.Context()); err != nil {
		r.log.Warn("refresh after delete", "event", slug, "err", err)
	}
	r.log.Info("event deleted", "event", slug)
	c.Status(http.StatusNoContent)
}

func (r *adminRoutes) sync(c *gin.Context) {
	if r.Sync == nil {
		c.JSON(http.StatusOK, gin.H{"sources": []any{}})
		return
	}
	c.JSON(http.StatusOK, gin.H{"sources": r.Sync()})
}

func (r *adminRoutes) load(c *gin.Context, ctx context.Context, slug string) (int, store.Revision, *agenda.Event, error) {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		return 0, store.Revision{}, nil, badRequest("revision: want a positive number, got " + quote(c.Param("n")))
	}
	return r.loadNumber(ctx, slug, n)
}

func (r *adminRoutes) loadNumber(ctx context.Context, slug string, n int) (int, store.Revision, *agenda.Event, error) {
	rev, err := r.Store.Revision(ctx, slug, n)
	if errors.Is(err, store.ErrNotFound) {
		return 0, rev, nil, notFound("event " + quote(slug) + " has no revision " + strconv.Itoa(n))
	}
	if err != nil {
		return 0, rev, nil, err
	}
	ev, _, err := catalog.Decode(rev)
	return n, rev, ev, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
