// The subscribe panel: one personal feed for the starred sessions, offered the way each
// calendar client takes it, plus the "my schedule link" that moves stars between sites.
import { h, emit } from './dom.js'
import { saved, stars, scheduleLink, parseLink, pending, adopt } from './stars.js'
import { t, tn } from './i18n.js'

/** links returns the subscribe links of a feed (same forms as the server's). */
export function links(el, feed, name) {
  const webcal = feed.replace(/^https?:\/\//, 'webcal://')
  const q = 'url=' + encodeURIComponent(feed) + '&name=' + encodeURIComponent(name)
  return [
    ['Apple Calendar', webcal],
    ['Google Calendar', 'https://calendar.google.com/calendar/r?cid=' + encodeURIComponent(webcal)],
    ['Outlook.com', 'https://outlook.live.com/calendar/0/addfromweb?' + q],
    ['Microsoft 365', 'https://outlook.office.com/calendar/0/addfromweb?' + q],
    [t(el, 'Download .ics'), feed + '?download=1'],
  ]
}

// iOS in-app browsers (Facebook, Instagram, LinkedIn, Google app, …) cannot hand a calendar
// to the Calendar app.
function inAppIOS() {
  const ua = navigator.userAgent
  return /iPhone|iPad|iPod/.test(ua) && /FBAN|FBAV|Instagram|LinkedInApp|GSA\/|Line\/|Twitter|MicroMessenger/.test(ua)
}

async function copy(el, input, button) {
  try {
    await navigator.clipboard.writeText(input.value)
  } catch (e) {
    input.select()
    document.execCommand('copy')
  }
  button.textContent = t(el, 'Copied')
  setTimeout(() => (button.textContent = t(el, 'Copy')), 2000)
}

function field(el, label, value, part) {
  const input = h('input', { readonly: true, value, 'aria-label': label, part })
  const btn = h('button', { class: 'btn', type: 'button', part: 'button', text: t(el, 'Copy'), 'aria-label': t(el, 'Copy: {what}', { what: label }),
    onclick: () => copy(el, input, btn) })
  return h('div', { class: 'row' }, input, btn)
}

function restore(el, event) {
  const input = h('input', { type: 'url', placeholder: 'https://…#confcal=…', 'aria-label': t(el, 'Schedule link') })
  const status = h('p', { class: 'mu', role: 'status' })
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault()
    const l = parseLink(input.value)
    if (!l || l.event !== event) return void (status.textContent = t(el, 'That is not a schedule link for this event.'))
    adopt(l).then(() => emit(el, 'restore', { event }), () => (status.textContent = t(el, 'That schedule link no longer works.')))
  } },
  h('label', null, t(el, 'Schedule link from another device or site'), h('div', { class: 'row' }, input,
    h('button', { class: 'btn', type: 'submit', part: 'button', text: t(el, 'Use it') }))), status)
  return form
}

/** notice asks before a schedule link in the page URL replaces a different saved schedule. */
export function notice(el, event) {
  const l = pending()
  if (!l || l.event !== event) return null
  const s = saved(event)
  if (!s || s.id === l.id) {
    adopt(l).catch(() => {})
    return null
  }
  const box = h('div', { class: 'panel', role: 'alert' },
    h('p', { text: t(el, 'You opened a schedule link. Use its stars instead of the ones saved here?') }),
    h('p', { class: 'row' },
      h('button', { class: 'btn pri', type: 'button', text: t(el, 'Use the linked schedule'), onclick: () => adopt(l).then(() => box.remove(), () => {}) }),
      h('button', { class: 'btn', type: 'button', text: t(el, 'Keep mine'), onclick: () => {
        history.replaceState(history.state, '', location.href.split('#')[0])
        box.remove()
      } })))
  return box
}

/** panel is the subscribe panel of an event for the visitor's schedule. */
export function panel(el, data) {
  const ev = data.event
  const s = saved(ev.slug)
  const n = stars(ev.slug).size
  const body = [h('h3', { text: t(el, 'Subscribe to my schedule') })]
  if (!s) {
    body.push(h('p', { text: t(el, 'Star sessions to build your schedule, then subscribe once: your calendar follows every later change.') }))
  } else {
    body.push(
      h('p', { class: 'mu', text: tn(el, n, '{n} session starred. Your calendar follows every change: moved, renamed or cancelled sessions.', '{n} sessions starred. Your calendar follows every change: moved, renamed or cancelled sessions.') }),
      h('ul', null, links(el, s.feed, ev.name + ' · ' + t(el, 'My schedule')).map(([label, href]) =>
        h('li', null, h('a', { class: 'btn', part: 'button', href, text: label, rel: 'noopener', onclick: () => emit(el, 'subscribe', { event: ev.slug, via: label }) })))),
      inAppIOS() && h('p', { class: 'warn', text: t(el, 'In-app browsers cannot add calendars: open this page in Safari, or copy the feed URL.') }),
      h('label', null, t(el, 'Feed URL for any calendar app'), field(el, t(el, 'Feed URL'), s.feed, 'feed')),
      h('label', null, t(el, 'My schedule link: open it on another device or site to bring your stars along. Keep it private: it can change your schedule.'),
        field(el, t(el, 'My schedule link'), scheduleLink(ev.slug), 'link')))
  }
  body.push(h('details', null, h('summary', { text: t(el, 'Have a schedule link?') }), restore(el, ev.slug)))
  // In the agenda the panel is a disclosure of its "My schedule" button, not a landmark: a
  // page with the agenda and <confcal-schedule> would have two landmarks named alike.
  return el.localName === 'confcal-agenda'
    ? h('div', { class: 'panel', part: 'panel', id: 'panel' }, body)
    : h('section', { class: 'panel', part: 'panel', 'aria-label': t(el, 'Subscribe') }, body)
}
