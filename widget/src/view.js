// Pieces shared by the elements: a session item with its star button, abstracts as
// paragraphs, overlap detection among starred sessions, and keeping star buttons current.
import { h, link, emit } from './dom.js'
import { apiOrigin } from './api.js'
import { star, stars, onChange } from './stars.js'
import { iso, range } from './time.js'

/** paragraphs splits text on blank lines into <p> elements. */
export function paragraphs(text) {
  return String(text || '').split(/\r?\n\s*\r?\n/).map((t) => t.trim()).filter(Boolean).map((t) => h('p', { text: t }))
}

// abstract is a closed <details> whose paragraphs are built when first opened: hundreds of
// long abstracts would otherwise double the nodes of a first render.
function abstract(text) {
  const d = h('details', { ontoggle: () => d.open && d.childElementCount === 1 && d.append(...paragraphs(text)) }, h('summary', { text: 'Abstract' }))
  return d
}

/** when is a <time> range of a session in a zone, or "To be announced". */
export function when(s, el, withDay) {
  if (!(s.startMs >= 0)) return h('span', { class: 'mu', text: 'Time to be announced' })
  return h('time', { datetime: iso(s.startMs), text: range(s, el.loc, el.zone, withDay) })
}

/** speakerLine is "Name (title), Name (title)". */
export function speakerLine(s) {
  return s.speakers.map((sp) => sp.name + (sp.title ? ' (' + sp.title + ')' : '')).join(', ')
}

/**
 * sessionItem is one session as a list item with a star button. opts.heading is the title's
 * heading tag; opts.time adds the time range; opts.abstract adds the abstract.
 */
export function sessionItem(el, s, opts) {
  const ev = el.data.event
  const cancelled = s.status === 'cancelled'
  const starred = stars(ev.slug).has(s.id)
  const btn = h('button', {
    class: 'star', part: 'star', type: 'button', 'aria-pressed': String(starred),
    'aria-label': 'Star: ' + s.title, title: 'Add to my schedule', text: starred ? '★' : '☆',
    onclick: () => {
      const on = btn.getAttribute('aria-pressed') !== 'true'
      star(ev.slug, s.id, on).catch(() => {})
      emit(el, 'star', { event: ev.slug, session: s.id, starred: on })
    },
  })
  const warn = h('p', { class: 'warn', hidden: true })
  const meta = [s.kind, s.track && s.track.name, s.room && s.room.name, cancelled && 'Cancelled'].filter(Boolean).join(' · ')
  const ics = s.startMs >= 0 && !cancelled ? apiOrigin() + '/events/' + encodeURIComponent(ev.slug) + '/sessions/' + encodeURIComponent(s.id) + '.ics' : ''
  const li = h('li', { class: 's' + (starred ? ' on' : '') + (cancelled ? ' x' : ''), part: 'session', 'data-id': s.id },
    h('p', { class: 'meta', part: 'meta', text: meta }),
    h(opts.heading || 'h5', { part: 'title', text: s.title }),
    opts.time && h('p', { class: 'mu' }, when(s, el, true)),
    s.speakers.length > 0 && h('p', { class: 'by', part: 'speakers', text: speakerLine(s) }),
    warn,
    opts.abstract && s.abstract && abstract(s.abstract),
    h('p', { class: 'acts' },
      ics && h('a', { href: ics, text: 'Add to calendar (.ics)' }),
      s.joinUrl && link(s.joinUrl, 'Join')),
    btn)
  ;(el.items || (el.items = new Map())).set(s.id, { btn, li, warn })
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
    const note = c ? 'Overlaps with ' + c.map((t) => '“' + t + '”').join(', ') : ''
    if (it.warn.textContent !== note) {
      it.warn.textContent = note
      it.warn.hidden = !c
    }
  }
}
