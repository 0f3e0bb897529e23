// The visitor's personal schedule per event: created on the first star, kept in one
// prefixed localStorage key of the host page's origin, changed through the API one step at
// a time, and shared by every element on the page.
import { request, apiOrigin } from './api.js'

const KEY = 'confcal:v1'
const listeners = new Set()
const live = new Map() // event → Set of starred session ids, as shown
let memory = '' // stands in when the page's storage is blocked
let queue = Promise.resolve()
let inFlight = 0 // stars sent or waiting to be sent

// The key holds one line per schedule, "origin event id editToken feedURL session…",
// not JSON: pages with old Prototype.js patch toJSON on arrays and strings, which would
// corrupt what JSON.stringify writes. None of these fields contains a space.
function readAll() {
  let text = memory
  try {
    text = localStorage.getItem(KEY) || ''
  } catch (e) {
    // storage blocked (third-party iframe, privacy mode): this page keeps a copy
  }
  const all = {}
  for (const line of text.split('\n')) {
    const [origin, event, id, edit, feed, ...sessions] = line.split(' ')
    if (feed) all[origin + ' ' + event] = { id, edit, feed, sessions: sessions.join(' ') }
  }
  return all
}

function key(event) {
  return apiOrigin() + ' ' + event
}

/** saved returns the stored schedule of an event, or null. */
export function saved(event) {
  return readAll()[key(event)] || null
}

function save(event, s) {
  const all = readAll()
  if (s) all[key(event)] = s
  else delete all[key(event)]
  const lines = []
  for (const k in all) {
    const v = all[k]
    lines.push([k, v.id, v.edit, v.feed, v.sessions].join(' ').trim())
  }
  memory = lines.join('\n')
  try {
    localStorage.setItem(KEY, memory)
  } catch (e) {
    // storage full or blocked: the in-memory copy keeps this page working
  }
}

function ids(s) {
  return s && s.sessions ? s.sessions.split(' ').filter(Boolean) : []
}

/** stars is the set of starred session ids of an event, as shown on the page. */
export function stars(event) {
  if (!live.has(event)) live.set(event, new Set(ids(saved(event))))
  return live.get(event)
}

/** onChange registers fn(event, detail) for every change of stars; returns the unsubscriber. */
export function onChange(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

function notify(event, detail) {
  for (const fn of listeners) fn(event, detail || {})
}

// adoptServer saves what the API answered. The page shows the answer only when no star
// other than the caller's own is still on its way: an earlier answer would undo a later
// star for a moment. mine is 1 when a star step calls, 0 otherwise.
function adoptServer(event, s, r, mine) {
  const next = { ...s, sessions: (r.sessions || []).join(' ') }
  save(event, next)
  if (inFlight - mine <= 0) live.set(event, new Set(r.sessions || []))
  notify(event)
}

// jsonIDs writes the request body by hand, as JSON.stringify cannot be trusted on pages
// that patch toJSON. Session ids are kept as sources write them: any text without white
// space or control characters (the server enforces it), so only " and \ need escaping.
function jsonIDs(list) {
  return '{"sessions":[' + list.filter((x) => /^[^\s\x00-\x1f\x7f]+$/.test(x)).map((x) => '"' + x.replace(/["\\]/g, '\\$&') + '"').join(',') + ']}'
}

async function create(event, list) {
  const r = await request('POST', '/events/' + encodeURIComponent(event) + '/schedules', null, jsonIDs(list))
  adoptServer(event, { id: r.id, edit: r.editToken, feed: r.feedUrl }, r, 1)
}

/**
 * star stars (on) or unstars a session: shown at once, sent to the API in order, and
 * undone on the page if the API refuses.
 * @returns {Promise<void>}
 */
export function star(event, session, on) {
  const set = stars(event)
  if (set.has(session) === on) return Promise.resolve()
  if (on) set.add(session)
  else set.delete(session)
  notify(event, { session, starred: on })
  const step = async () => {
    const s = saved(event)
    if (!s) return on ? create(event, [...set]) : undefined
    try {
      const path = '/schedules/' + encodeURIComponent(s.id) + '/sessions/' + encodeURIComponent(session)
      adoptServer(event, s, await request(on ? 'PUT' : 'DELETE', path, s.edit), 1)
    } catch (err) {
      if (err.status !== 404 || !saved(event)) throw err
      // The schedule was deleted elsewhere: start a new one with what is shown.
      save(event, null)
      if (set.size) await create(event, [...set])
    }
  }
  inFlight++
  const p = queue.then(step).finally(() => inFlight--).catch((err) => {
    if (on) set.delete(session)
    else set.add(session)
    notify(event, { session, starred: !on, error: err })
    throw err
  })
  queue = p.catch(() => {})
  return p
}

const refreshed = new Set()

/** refresh reads the stored schedule back from the API once per page (stars made elsewhere). */
export function refresh(event) {
  const s = saved(event)
  if (!s || refreshed.has(event)) return
  refreshed.add(event)
  queue = queue.then(async () => {
    try {
      adoptServer(event, s, await request('GET', '/schedules/' + encodeURIComponent(s.id), s.edit), 0)
    } catch (err) {
      if (err.status === 404) {
        save(event, null)
        live.set(event, new Set())
        notify(event)
      }
    }
  })
}

/** feedToken is the secret part of a feed URL. */
function feedToken(u) {
  const m = /\/feeds\/([A-Za-z0-9_-]+)\.ics$/.exec(u || '')
  return m ? m[1] : ''
}

/**
 * scheduleLink is the "my schedule link": this page's URL with the schedule in the
 * fragment (never sent to any server). It carries the edit token, so it is the owner's key.
 */
export function scheduleLink(event) {
  const s = saved(event)
  if (!s) return ''
  return location.href.split('#')[0] + '#confcal=' + [event, s.id, s.edit, feedToken(s.feed)].join('.')
}

/** parseLink reads a schedule link (or just its fragment); null when it is not one. */
export function parseLink(text) {
  const m = /(?:^|#)confcal=([a-z0-9-]+)\.([a-z0-9]+)\.([A-Za-z0-9_-]{20,})\.([A-Za-z0-9_-]{20,})\s*$/.exec(String(text).trim())
  return m ? { event: m[1], id: m[2], edit: m[3], feed: apiOrigin() + '/feeds/' + m[4] + '.ics' } : null
}

/** pending is a schedule link found in the page's own URL, if any. */
export function pending() {
  return parseLink(location.hash)
}

/** adopt makes a schedule link this origin's schedule for its event, after checking it. */
export async function adopt(link) {
  const r = await request('GET', '/schedules/' + encodeURIComponent(link.id), link.edit)
  if (r.event !== link.event) throw new Error('schedule link of another event')
  refreshed.add(link.event)
  adoptServer(link.event, { id: link.id, edit: link.edit, feed: link.feed }, r, 0)
  if (pending()) history.replaceState(history.state, '', location.href.split('#')[0])
}
