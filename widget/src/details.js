// The details of one session in a modal <dialog>: time in the shown and the event's zone,
// room, speakers linking to their pages, the abstract, every add-to-calendar target the
// hosted page offers and the join link, first when the session is live.
import { h, link } from './dom.js'
import { hosted, apiOrigin } from './api.js'
import { paragraphs, joinURL, sessionPage, live } from './view.js'
import { range, iso } from './time.js'
import { t, parts } from './i18n.js'

// stamp is an instant as Google Calendar's dates take it: 20241023T153000Z.
function stamp(ms) {
  return new Date(ms).toISOString().replace(/[-:]|\.\d+/g, '')
}

/** addLinks are the one-off add-to-calendar links of a session, as the hosted page builds them. */
export function addLinks(el, ev, s) {
  const join = joinURL(s, ev)
  const details = (s.speakers.map((p) => p.name).join(', ') + (join ? '\n\nJoin: ' + join : '') +
    '\nAgenda: ' + hosted(ev.slug, 'session-' + encodeURIComponent(s.id))).trim()
  const title = ev.name + ': ' + s.title
  const where = (s.room && s.room.name) || join
  const g = new URLSearchParams({ action: 'TEMPLATE', text: title, details, location: where, dates: stamp(s.startMs) + '/' + stamp(s.endMs) })
  const o = new URLSearchParams({ rru: 'addevent', subject: title, body: details, location: where,
    startdt: new Date(s.startMs).toISOString().replace(/\.\d+/, ''), enddt: new Date(s.endMs).toISOString().replace(/\.\d+/, '') })
  return [
    [t(el, 'Download .ics'), sessionPage(ev, s) + '.ics'],
    ['Google Calendar', 'https://calendar.google.com/calendar/render?' + g],
    ['Outlook.com', 'https://outlook.live.com/calendar/0/action/compose?' + o],
    ['Microsoft 365', 'https://outlook.office.com/calendar/0/action/compose?' + o],
  ]
}

/**
 * openDetails shows a session's details in the element's dialog, and puts #session-ID in
 * the address (when the page's own fragment is free) so the view can be shared.
 */
export function openDetails(el, s, opener) {
  const ev = el.data.event
  let d = el.dialog
  if (!d || !d.isConnected) {
    d = el.dialog = h('dialog', { class: 'dlg', part: 'details', 'aria-labelledby': 'dt',
      onclick: (e) => e.target === d && d.close(),
      onclose: () => {
        if (location.hash === d.hash) history.replaceState(history.state, '', location.href.split('#')[0])
        if (d.opener && d.opener.isConnected) d.opener.focus()
      } })
    el.root.append(el.speak(d))
  }
  const cancelled = s.status === 'cancelled'
  const timed = s.startMs >= 0
  const join = !cancelled && joinURL(s, ev)
  const now = live(s, Date.now())
  const meta = parts(el, [now && t(el, 'Live now'), s.kind && t(el, s.kind), s.track && s.track.name, s.room && s.room.name, cancelled && t(el, 'Cancelled')])
  d.replaceChildren(
    h('form', { method: 'dialog', class: 'dh' },
      h('p', { class: 'meta', text: meta }),
      h('button', { class: 'btn', type: 'submit', part: 'button', text: t(el, 'Close') })),
    h('h3', { id: 'dt', dir: 'auto', text: s.title }),
    timed
      ? h('p', null, h('time', { datetime: iso(s.startMs), text: range(s, el.loc, el.zone, true) }),
        el.zone !== ev.timeZone && h('span', { class: 'mu', text: ' · ' + t(el, 'event time {time}', { time: range(s, el.loc, ev.timeZone, true) }) }))
      : h('p', { class: 'mu', text: t(el, 'Time to be announced') }),
    join ? h('p', null, link(join, t(el, now ? 'Join now' : 'Join'), { class: 'btn' + (now ? ' pri' : ''), part: 'button' })) : '',
    s.speakers.length ? h('ul', { class: 'who', 'aria-label': t(el, 'Speakers') }, s.speakers.map((p) =>
      h('li', null, h('a', { href: apiOrigin() + '/events/' + encodeURIComponent(ev.slug) + '/speakers/' + encodeURIComponent(p.id), text: p.name }),
        p.title ? ' · ' + p.title : ''))) : '',
    ...paragraphs(s.abstract),
    timed && !cancelled ? h('ul', { class: 'add', 'aria-label': t(el, 'Add to calendar') }, addLinks(el, ev, s).map(([label, href]) =>
      h('li', null, h('a', { class: 'btn', part: 'button', href, rel: 'noopener', text: label })))) : '',
    h('p', { class: 'mu' }, h('a', { href: sessionPage(ev, s), text: t(el, 'Session page') })))
  d.opener = opener
  d.hash = '#session-' + encodeURIComponent(s.id)
  if (!location.hash || /^#session-/.test(location.hash)) history.replaceState(history.state, '', location.href.split('#')[0] + d.hash)
  if (!d.open) d.showModal()
  d.scrollTop = 0
}
