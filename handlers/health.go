package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

type healthRoutes struct {
	agenda Agenda
	db     Pinger
}

// healthz answers while the process runs.
func (r *healthRoutes) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 while the instance can serve: once the agenda snapshots are loaded.
// A database outage does not take it out of the load balancer, since every instance would
// go at once while each still serves the agenda and the feeds it has seen: the answer says
// "degraded" and names the store as unreachable (docs/deploy.md). 503 only before the
// agenda is loaded.
func (r *healthRoutes) readyz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	checks := gin.H{"store": "ok", "agenda": "ok"}
	state, status := "ready", http.StatusOK
	if err := r.db.Ping(ctx); err != nil {
		checks["store"], state = "unreachable", "degraded"
	}
	if !r.agenda.Loaded() {
		checks["agenda"], state, status = "not loaded", "not ready", http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"status": state, "checks": checks})
}
