-- Agenda revisions: each holds the whole agenda document and the feed ledger derived from it.
CREATE TABLE revisions (
    event      TEXT    NOT NULL,
    number     INTEGER NOT NULL,
    created_at INTEGER NOT NULL, -- Unix microseconds, UTC
    hash       TEXT    NOT NULL,
    summary    TEXT    NOT NULL,
    document   BLOB    NOT NULL,
    ledger     BLOB    NOT NULL,
    PRIMARY KEY (event, number)
);

-- Personal schedules. Only hashes of the feed and edit tokens are kept.
CREATE TABLE schedules (
    id            TEXT    PRIMARY KEY,
    event         TEXT    NOT NULL,
    feed_hash     TEXT    NOT NULL UNIQUE,
    edit_hash     TEXT    NOT NULL,
    sessions      TEXT    NOT NULL, -- JSON array of session ids
    alarm_minutes INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
