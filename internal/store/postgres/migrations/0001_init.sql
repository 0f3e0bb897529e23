-- Agenda revisions: each holds the whole agenda document and the feed ledger derived from it.
CREATE TABLE revisions (
    event      TEXT        NOT NULL,
    number     INTEGER     NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    hash       TEXT        NOT NULL,
    summary    TEXT        NOT NULL,
    document   BYTEA       NOT NULL,
    ledger     BYTEA       NOT NULL,
    PRIMARY KEY (event, number)
);

-- Personal schedules. Only hashes of the feed and edit tokens are kept.
CREATE TABLE schedules (
    id            TEXT        PRIMARY KEY,
    event         TEXT        NOT NULL,
    feed_hash     TEXT        NOT NULL UNIQUE,
    edit_hash     TEXT        NOT NULL,
    sessions      JSONB       NOT NULL,
    alarm_minutes INTEGER     NOT NULL,
    version       INTEGER     NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX schedules_event ON schedules (event);
