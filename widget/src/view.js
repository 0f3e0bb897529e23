// Pieces shared by the elements: a session item with its star button, abstracts as
// paragraphs, overlap detection among starred sessions, and keeping star buttons current.
import { h, link, emit } from './dom.js'
import { apiOrigin } from './api.js'
import { star, stars, onChange } from './stars.js'
import { iso, range } from './time.js'
import { t, parts } from './i18n.js'

/** paragraphs splits text on blank lines into <p> elements. */
export function paragraphs(text) {
  return String(text || '').split(/\r?\n\s*\r?\n/).map((t) => t.trim()).filter(Boolean).map((t) => h('p', { text: t, dir: 'auto' }))
}

// abstract is a closed <details> whose paragraphs are built when first opened: hundreds of
// long abstracts would otherwise double the nodes of a first render.
function abstract(el, text) {
  const d = h('details', { ontoggle: () => d.open && d.childElementCount === 1 && d.append(...paragraphs(text)) }, h('summary', { text: t(el, 'Abstract') }))
  return d
}

/** when is a <time> range of a session in a zone, or "To be announced". */
export function when(s, el, withDay) {
  if (!(s.startMs >= 0)) return h('span', { class: 'mu', text: t(el, 'Time to be announced') })
  return h('time', { datetime: iso(s.startMs), text: range(s, el.loc, el.zone, withDay) })
}

/** speakerLine is "Name (title), Name (title)". */
export function speakerLine(s) {
  return s.speakers.map((sp) => sp.name + (sp.title ? ' (' + sp.title + ')' : '')).join(', ')
}

/** joinURL is the session's join link, else the event's (as the hosted pages do). */
export function joinURL(s, ev) {
  return s.joinUrl || ev.joinUrl || ''
}

/** sessionPage is the hosted page of a session. */
export function sessionPage(ev, s) {
  return apiOrigin() + '/events/' + encodeURIComponent(ev.slug) + '/sessions/' + encodeURIComponent(s.id)
}

/** live tells whether a session is running at ms (the visitor's clock). */
export function live(s, ms) {
  return s.startMs <= ms && ms < s.endMs && s.status !== 'cancelled'
}

/**
 * sessionItem is one session as a list item with a star button. opts.heading is the title's
 * heading tag; opts.time adds the time range; opts.abstract adds the abstract; opts.open
 * makes the title a link to the session's page that opens the details in place.
 */
export function sessionItem(el, s, opts) {
  const ev = el.data.event
  const cancelled = s.status === 'cancelled'
  const starred = stars(ev.slug).has(s.id)
  const btn = h('button', {
    class: 'star', part: 'star', type: 'button', 'aria-pressed': String(starred),
    'aria-label': t(el, 'Star: {title}', { title: s.title }), title: t(el, 'Add to my schedule'), text: starred ? '★' : '☆',
    onclick: () => {
      const on = btn.getAttribute('aria-pressed') !== 'true'
      star(ev.slug, s.id, on).catch(() => {})
      emit(el, 'star', { event: ev.slug, session: s.id, starred: on })
    },
  })
  const warn = h('p', { class: 'warn', hidden: true })
  // In the grid the column names the room, and the time comes first.
  const meta = parts(el, [!opts.brief && s.kind && t(el, s.kind), s.track && s.track.name, !opts.brief && s.room && s.room.name, cancelled && t(el, 'Cancelled')])
  const ics = s.startMs >= 0 && !cancelled ? sessionPage(ev, s) + '.ics' : ''
  const join = joinURL(s, ev)
  const title = opts.open
    ? h('a', { href: sessionPage(ev, s), text: s.title, onclick: (e) => {
      if (e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
      e.preventDefault()
      opts.open(s)
    } })
    : s.title
  const li = h('li', { class: 's' + (starred ? ' on' : '') + (cancelled ? ' x' : '') + (s.track ? ' k' + s.track.i : ''), part: 'session', 'data-id': s.id },
    btn,
    h('p', { class: 'meta', part: 'meta' }, opts.range && h('time', { datetime: iso(s.startMs), text: opts.range }), opts.range && meta && h('br'), meta),
    // heading="hide": the page's own h1 names the session.
    opts.heading !== '' && h(opts.heading || 'h5', { part: 'title', dir: 'auto' }, title),
    opts.time && h('p', { class: 'mu' }, when(s, el, true)),
    s.speakers.length > 0 && h('p', { class: 'by', part: 'speakers', dir: 'auto', text: opts.brief ? s.speakers.map((p) => p.name).join(', ') : speakerLine(s) }),
    warn,
    opts.abstract && s.abstract && abstract(el, s.abstract),
    !opts.brief && h('p', { class: 'acts' },
      ics && h('a', { href: ics, text: t(el, 'Add to calendar (.ics)') }),
      join && !cancelled && link(join, t(el, 'Join'), { class: 'join' })))
  ;(el.items || (el.items = new Map())).set(s.id, { btn, li, warn, s })
  return li
}

/** overlaps maps each starred session to the titles of the other starred ones it overlaps. */
export function overlaps(data, set) {
  const on = [...set].map((id) => data.byId.get(id)).filter((s) => s && s.startMs >= 0 && s.status !== 'cancelled')
  const out = new Map()
  for (const a of on) {
    for (const b of on) {
      if (a !== b && a.startMs < b.endMs && b.startMs < a.endMs) {
        if (!out.has(a.id)) out.set(a.id, [])
        out.get(a.id).push(b.title)
      }
    }
  }
  return out
}

/**
 * track keeps an element's star buttons and overlap notes current when stars change
 * anywhere on the page: attribute and text updates only, no re-render.
 */
export function trackStars(el, after) {
  if (el.unwatch) return
  el.unwatch = onChange((event) => {
    if (!el.data || event !== el.data.event.slug) return
    syncStars(el)
    if (after) after()
  })
}

/** syncStars brings the element's items in line with the starred set. */
export function syncStars(el) {
  if (!el.data || !el.items) return
  const set = stars(el.data.event.slug)
  const clash = overlaps(el.data, set)
  for (const [id, it] of el.items) {
    // Only what changed is written, so a star touches a handful of nodes.
    const on = set.has(id)
    if (it.btn.getAttribute('aria-pressed') !== String(on)) {
      it.btn.setAttribute('aria-pressed', String(on))
      it.btn.textContent = on ? '★' : '☆'
      it.li.classList.toggle('on', on)
    }
    const c = clash.get(id)
    const note = c ? t(el, 'Overlaps with {titles}', { titles: c.map((x) => '“' + x + '”').join(', ') }) : ''
    if (it.warn.textContent !== note) {
      it.warn.textContent = note
      it.warn.hidden = !c
    }
  }
}
