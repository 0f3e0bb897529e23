package handlers

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/confcal/confcal/internal/catalog"
	"github.com/confcal/confcal/internal/pages"
)

// Deps is what the routes need.
type Deps struct {
	Agenda    Agenda
	Schedules Schedules
	Store     Pinger
	Revisions RevisionReader // revisions for the public changes feed
	BaseURL   string         // public URL of the service, without a trailing slash
	Log       *slog.Logger
	Access    *AccessLog // one line per request; nil for none
	Admin     Admin      // the organizer API; off without a token
	Limits    Limits     // abuse limits and bounds on expensive work; zero for none
	Metrics   *Metrics   // what requests are counted in; nil for none. Served on its own listener (Metrics.Handler), never here
}

// New returns the HTTP handler with every route of the public contract.
func New(d Deps) (http.Handler, error) {
	scripts, err := newScriptRoutes(time.Now())
	if err != nil {
		return nil, err
	}
	renderer, err := pages.New(scripts.WidgetPath())
	if err != nil {
		return nil, err
	}
	apiDocs := newDocRoutes(time.Now(), d.Log)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = false
	// Ids are kept as sources write them and may hold "/": links escape it (%2F), and Gin
	// must match on the escaped path to keep it inside one parameter. pathParams unescapes
	// the values, as paths escape them: Gin's own unescaping would read "+" as a space.
	r.UseRawPath, r.UnescapePathValues = true, false
	r.HandleMethodNotAllowed = true
	lim := newLimiters(d.Limits)
	fr := newFramer(d.Log, d.Access, d.Metrics, lim)
	r.Use(frame(fr), pathParams, cors())

	events := &eventRoutes{agenda: d.Agenda, log: d.Log}
	feeds := &feedRoutes{gate: lim.render, agenda: d.Agenda, schedules: d.Schedules, log: d.Log, metrics: d.Metrics}
	schedules := &scheduleRoutes{agenda: d.Agenda, schedules: d.Schedules, baseURL: d.BaseURL, log: d.Log}
	page := &pageRoutes{gate: lim.render, agenda: d.Agenda, pages: renderer, css: catalog.NewBody(pages.CSS(), time.Now()), log: d.Log}
	health := &healthRoutes{agenda: d.Agenda, db: d.Store}
	oembed := &oembedRoutes{agenda: d.Agenda, baseURL: d.BaseURL, log: d.Log}
	changes := &changeRoutes{agenda: d.Agenda, store: d.Revisions, log: d.Log}

	read := func(g gin.IRoutes, path string, h gin.HandlerFunc) {
		g.GET(path, h)
		g.HEAD(path, h)
	}
	read(r, "/", page.index)
	read(r, pageRoute, page.event)
	read(r, "/assets/agenda.css", page.stylesheet)
	read(r, widgetRoute, scripts.latest)
	read(r, "/widget/:file", scripts.pinned)
	read(r, "/embed.js", scripts.embedJS)
	read(r, "/l10n/:file", scripts.l10n)
	read(r, eventFeedRoute, feeds.calendar)
	read(r, "/events/:event/tracks/:file", feeds.track)
	read(r, "/events/:event/rooms/:file", feeds.room)
	read(r, "/events/:event/sessions/:file", func(c *gin.Context) {
		// One path segment holds either the session's page or its .ics download.
		if strings.HasSuffix(c.Param("file"), ".ics") {
			feeds.session(c)
		} else {
			page.session(c)
		}
	})
	read(r, "/events/:event/speakers", page.speakers)
	read(r, "/events/:event/speakers/:id", page.speaker)
	read(r, "/events/:event/days/:date", page.day)
	read(r, "/events/:event/changes.atom", changes.atomFeed)
	read(r, "/events/:event/changes.json", changes.jsonFeed)
	read(r, "/events/:event/schedule.json", feeds.frabJSON)
	read(r, "/events/:event/schedule.xml", feeds.frabXML)
	read(r, "/events/:event/speakers/:id/card.svg", page.card)
	read(r, "/embed/:event/:kind", page.embed)
	read(r, "/embed/:event/:kind/:id", page.embed)
	read(r, "/oembed", oembed.serve)
	read(r, personalRoute, feeds.personal)
	read(r, "/healthz", health.healthz)
	read(r, "/api/docs", apiDocs.docs)
	read(r, "/readyz", health.readyz)

	api := r.Group("/api/v1")
	read(api, "/openapi.json", apiDocs.openapiJSON)
	read(api, "/openapi.yaml", apiDocs.openapiYAML)
	read(api, "/events", events.list)
	read(api, strings.TrimPrefix(eventJSONRoute, api.BasePath()), events.event)
	read(api, "/events/:event/sessions/:id", events.session)
	read(api, "/events/:event/speakers/:id", events.speaker)
	db := gated(lim.database)
	api.POST("/events/:event/schedules", lim.rate("schedules created", lim.create, lim.hourly), db, schedules.create)
	sch := api.Group("/schedules", lim.rate("schedule requests", lim.writes), db)
	sch.GET("/:id", schedules.get)
	sch.PUT("/:id", schedules.replace)
	sch.DELETE("/:id", schedules.remove)
	sch.PUT("/:id/sessions/:session", schedules.star)
	sch.DELETE("/:id/sessions/:session", schedules.unstar)
	sch.POST("/:id/rotate", schedules.rotate)

	admin := newAdminRoutes(d.Admin, d.Log)
	adm := api.Group("/admin", lim.rate("admin requests", lim.admin), admin.auth, gated(lim.adminGate))
	adm.PUT("/events/:event", admin.put)
	adm.DELETE("/events/:event", admin.remove)
	adm.POST("/events/:event/import", admin.importURL)
	adm.GET("/events/:event/revisions", admin.revisions)
	adm.GET("/events/:event/revisions/:n", admin.revision)
	adm.POST("/events/:event/revisions/:n/restore", admin.restore)
	adm.GET("/sync", admin.sync)

	r.NoRoute(func(c *gin.Context) { fail(c, d.Log, notFound("no such path")) })
	r.NoMethod(func(c *gin.Context) {
		fail(c, d.Log, &apiError{http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed"})
	})
	return &front{engine: r, frame: fr, feeds: feeds, agenda: d.Agenda, scripts: scripts}, nil
}

// pathParams unescapes path parameters matched on an escaped path (see UseRawPath).
func pathParams(c *gin.Context) {
	if c.Request.URL.RawPath == "" {
		return // nothing was escaped: Gin matched the decoded path
	}
	for i, p := range c.Params {
		if v, err := url.PathUnescape(p.Value); err == nil {
			c.Params[i].Value = v
		}
	}
}

// front serves what is fetched most past Gin's router and context, through the same
// frame: personal feeds, which calendar apps poll all day, and the kept responses hot
// finds. Everything else goes to Gin, which also holds those routes, answers them when hot
// does not, and answers their other methods.
type front struct {
	engine  *gin.Engine
	frame   *framer
	feeds   *feedRoutes
	agenda  Agenda
	scripts *scriptRoutes
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, ok := f.hot(r)
	if !ok {
		f.engine.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	id := f.frame.begin(r, w.Header())
	status, size := http.StatusInternalServerError, 0
	defer func() {
		if err := recover(); err != nil {
			f.frame.panicked(err, h.route, id)
			// If the body had begun, net/http only logs the extra status line.
			status, size = writeError(w, r, h.route, f.frame.log, errInternal)
		}
		f.frame.end(start, r, h.route, status, size, id)
	}()
	status, size = f.serve(w, r, h)
}

// Routes lists the method and path pattern (Gin's, ":name" for a parameter) of every route
// that h, made by New, serves.
func Routes(h http.Handler) [][2]string {
	f, ok := h.(*front)
	if !ok {
		return nil
	}
	var out [][2]string
	for _, r := range f.engine.Routes() {
		out = append(out, [2]string{r.Method, r.Path})
	}
	return out
}
