// Times, formatted only through Intl.DateTimeFormat: the browser's time-zone database does
// DST changes and half-hour zones right; we never add offsets by hand.

const cache = new Map()

/** fmt returns a cached Intl.DateTimeFormat for a locale, zone and options. */
export function fmt(locale, zone, opts) {
  const key = locale + "|" + zone + "|" + Object.keys(opts).map((k) => k + "=" + opts[k]).join()
  let f = cache.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(locale || undefined, { ...opts, timeZone: zone || undefined })
    cache.set(key, f)
  }
  return f
}

let local
const zones = new Map()

/** localZone is the visitor's IANA zone, read once: a new Intl.DateTimeFormat per call cost 100 ms a day switch at 400 sessions. */
export function localZone() {
  return local || (local = new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC')
}

/** validZone returns zone if the browser knows it, else '' (remembered: a page names few zones). */
export function validZone(zone) {
  if (!zone) return ''
  let z = zones.get(zone)
  if (z === undefined) {
    try {
      z = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone
    } catch (e) {
      z = ''
    }
    if (zones.size < 64) zones.set(zone, z)
  }
  return z
}

const memo = new Map()

// once remembers a formatted instant: an agenda has few distinct start times, and Intl
// formatting dominates the cost of rendering hundreds of sessions.
function once(key, f) {
  let v = memo.get(key)
  if (v === undefined) {
    v = f()
    memo.set(key, v)
  }
  return v
}

/** dayKey is the YYYY-MM-DD date of an instant in a zone. */
export function dayKey(ms, zone) {
  return once('d' + ms + zone, () => {
    const p = {}
    for (const part of fmt('en-US', zone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms)) p[part.type] = part.value
    return p.year + '-' + p.month + '-' + p.day
  })
}

/** clock is a time of day ("10:00" or "10:00 AM", as the locale writes it). */
export function clock(ms, locale, zone) {
  return once('c' + ms + locale + zone, () => fmt(locale, zone, { hour: 'numeric', minute: '2-digit' }).format(ms))
}

/** dayLabel is a long date ("Wednesday, October 23"). */
export function dayLabel(ms, locale, zone) {
  return fmt(locale, zone, { weekday: 'long', month: 'long', day: 'numeric' }).format(ms)
}

/** zoneName is the name of a zone at an instant: short ("PDT", "GMT+5:30") or long. */
export function zoneName(ms, locale, zone, long) {
  return once('z' + ms + locale + zone + !!long, () => {
    const part = fmt(locale, zone, { hour: 'numeric', timeZoneName: long ? 'long' : 'short' }).formatToParts(ms).find((x) => x.type === 'timeZoneName')
    return part ? part.value : zone
  })
}

/** range is "10:00 – 10:30 PDT", with the day when asked. */
export function range(s, locale, zone, withDay) {
  const day = withDay ? fmt(locale, zone, { weekday: 'short', month: 'short', day: 'numeric' }).format(s.startMs) + ', ' : ''
  return day + clock(s.startMs, locale, zone) + ' – ' + clock(s.endMs, locale, zone) + ' ' + zoneName(s.startMs, locale, zone)
}

/** iso is an RFC 3339 UTC instant for <time datetime>. */
export function iso(ms) {
  return new Date(ms).toISOString()
}
