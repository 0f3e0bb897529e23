// Requests to the confcal API: only ever to the origin the script was loaded from, never
// with credentials, never with cookies.

let origin = ''

/** setOrigin fixes the API origin (from the script's own src). */
export function setOrigin(o) {
  origin = o
}

export function apiOrigin() {
  return origin
}

/** hosted is the URL of a page on the service (the hosted agenda, a speaker's section). */
export function hosted(event, hash) {
  return origin + '/events/' + encodeURIComponent(event) + (hash ? '#' + hash : '')
}

/**
 * request calls the API. body is a JSON string (built by the caller: pages with patched
 * Array.prototype.toJSON break JSON.stringify of arrays).
 * @returns {Promise<any>} the parsed JSON, or null for 204
 */
export async function request(method, path, token, body) {
  const headers = {}
  if (token) headers.Authorization = 'Bearer ' + token
  if (body) headers['Content-Type'] = 'application/json'
  const res = await fetch(origin + '/api/v1' + path, { method, headers, body, credentials: 'omit', mode: 'cors' })
  if (!res.ok) {
    const err = new Error(method + ' ' + path + ': ' + res.status)
    err.status = res.status
    throw err
  }
  return res.status === 204 ? null : res.json()
}

const events = new Map()

/**
 * loadEvent fetches an event once per page, however many elements show it, and indexes it.
 * @returns {Promise<EventData>}
 */
export function loadEvent(slug) {
  let p = events.get(slug)
  if (!p) {
    p = request('GET', '/events/' + encodeURIComponent(slug)).then(index)
    p.catch(() => events.delete(slug)) // a later element may retry
    events.set(slug, p)
  }
  return p
}

/**
 * @typedef {{id: string, title: string, abstract?: string, kind?: string, trackId?: string,
 *   roomId?: string, speakerIds: string[], start: string|null, end: string|null, status?: string,
 *   startMs: number, endMs: number, track?: any, room?: any, speakers: any[]}} Session
 * @typedef {{event: any, sessions: Session[], byId: Map<string, Session>, speakers: Map<string, any>,
 *   tracks: Map<string, any>, rooms: Map<string, any>, talks: Map<string, Session[]>}} EventData
 */
function index(ev) {
  const tracks = new Map()
  for (const t of ev.tracks || []) tracks.set(t.id, { ...t, i: tracks.size })
  const rooms = new Map()
  for (const r of ev.rooms || []) rooms.set(r.id, { ...r, i: rooms.size })
  const speakers = new Map()
  for (const s of ev.speakers || []) speakers.set(s.id, s)
  const talks = new Map()
  const sessions = (ev.sessions || []).map((s) => {
    const o = {
      ...s,
      startMs: s.start ? Date.parse(s.start) : NaN,
      endMs: s.end ? Date.parse(s.end) : NaN,
      track: tracks.get(s.trackId),
      room: rooms.get(s.roomId),
      speakers: (s.speakerIds || []).map((id) => speakers.get(id)).filter(Boolean),
    }
    for (const sp of o.speakers) {
      if (!talks.has(sp.id)) talks.set(sp.id, [])
      talks.get(sp.id).push(o)
    }
    return o
  })
  // Scheduled sessions by start, then room order, then track order; TBA ones last.
  const order = [...tracks.keys()]
  const places = [...rooms.keys()]
  sessions.sort((a, b) => (a.startMs || Infinity) - (b.startMs || Infinity) ||
    places.indexOf(a.roomId) - places.indexOf(b.roomId) || order.indexOf(a.trackId) - order.indexOf(b.trackId))
  const byId = new Map()
  for (const s of sessions) byId.set(s.id, s)
  return { event: ev, sessions, byId, speakers, tracks, rooms, talks }
}
