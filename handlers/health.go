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

// readyz answers 200 only when the store answers and the agenda snapshots are loaded.
func (r *healthRoutes) readyz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	checks := gin.H{"store": "ok", "agenda": "ok"}
	status := http.StatusOK
	if err := r.db.Ping(ctx); err != nil {
		checks["store"], status = "unreachable", http.StatusServiceUnavailable
	}
	if !r.agenda.Loaded() {
		checks["agenda"], status = "not loaded", http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"status": map[bool]string{true: "ready", false: "not ready"}[status == http.StatusOK], "checks": checks})
}
