-- Events an organizer deleted: remembered so that the bundled sample is not loaded again
-- on the next start. Publishing the event anew clears its row.
CREATE TABLE deleted_events (
    event      TEXT        PRIMARY KEY,
    deleted_at TIMESTAMPTZ NOT NULL
);
