// <confcal-agenda event="…" [track] [room] [day] [time-zone] [locale] [theme]>: the whole agenda
// by day and time slot, parallel tracks side by side, with filters, a search, a switch
// between the visitor's and the event's time zone, stars and the subscribe panel.
import { Base } from './base.js'
import { h } from './dom.js'
import { hosted } from './api.js'
import { stars, refresh } from './stars.js'
import { dayKey, dayLabel, clock, iso, zoneName, localZone, validZone } from './time.js'
import { sessionItem, trackStars, syncStars } from './view.js'
import { panel, notice } from './panel.js'

export class Agenda extends Base {
  static get attrs() {
    return ['track', 'room', 'day', 'heading']
  }

  get zone() {
    return this.eventZone && this.data ? this.data.event.timeZone : validZone(this.timeZone) || localZone()
  }

  render(data) {
    const ev = data.event
    this.items = new Map()
    refresh(ev.slug)
    trackStars(this, () => this.count())
    this.q = this.q || { track: this.track, room: this.room, day: this.day, text: '' }
    const zone = this.zone
    const first = data.sessions.find((s) => s.startMs >= 0)
    // "Pacific Daylight Time (PDT)": browsers name some zones by old ids (Asia/Calcutta).
    const at = first ? first.startMs : Date.now()
    const long = zoneName(at, this.loc, zone, true)
    const short = zoneName(at, this.loc, zone)
    const other = this.eventZone ? 'your time zone' : 'event time (' + ev.timeZone + ')'
    this.status = h('p', { class: 'mu', role: 'status', 'aria-live': 'polite' })
    this.mine = h('button', { class: 'btn', type: 'button', part: 'button', 'aria-expanded': 'false', onclick: () => this.toggle() })
    this.panelBox = h('div', { hidden: true })
    this.list = this.days(data, zone)
    const el = h('div', { class: 'w' },
      h('header', { part: 'header' },
        // heading="hide": the host page already names the event (the hosted agenda's h1);
        // a heading only screen readers see keeps the days' h3 in order under it.
        this.heading === 'hide' ? h('h2', { class: 'vh', text: 'Agenda' }) : h('h2', { text: ev.name }),
        h('p', { class: 'mu' }, 'Times in ' + (this.eventZone ? 'event time: ' : 'your time zone: ') + long + (short !== long ? ' (' + short + ') ' : ' '),
          h('button', { class: 'btn', type: 'button', part: 'button', 'aria-pressed': String(!!this.eventZone),
            text: 'Show ' + other, onclick: () => { this.eventZone = !this.eventZone; this.show(this.render(data)) } }))),
      notice(this, ev.slug),
      this.filters(data),
      h('p', { class: 'bar' }, this.mine, this.status),
      this.panelBox,
      this.list,
      h('p', { class: 'mu' }, h('a', { href: hosted(ev.slug), text: 'Full agenda and calendar feeds' })))
    this.settle()
    return el
  }

  /** reveal scrolls to the session a #session-… link points at: fragments do not reach into shadow roots. */
  reveal() {
    const m = /^#session-(.+)$/.exec(location.hash)
    const it = m && this.items.get(decodeURIComponent(m[1]))
    if (it) requestAnimationFrame(() => it.li.scrollIntoView({ block: 'center' }))
  }

  /**
   * days lays sessions out by day and start time in the shown zone, TBA ones last. The
   * first slots are built at once and the rest after the first paint, in chunks, so a large
   * agenda shows its first sessions without waiting for the whole DOM.
   */
  days(data, zone) {
    const out = h('div')
    const timed = data.sessions.filter((s) => s.startMs >= 0)
    let day, ul, dk, sk
    const place = (s) => {
      const k = dayKey(s.startMs, zone)
      if (k !== dk) {
        dk = k
        day = h('section', { part: 'day', 'data-day': k }, h('h3', { text: dayLabel(s.startMs, this.loc, zone) }))
        out.append(day)
        sk = NaN
      }
      if (s.startMs !== sk) {
        sk = s.startMs
        ul = h('ul')
        day.append(h('div', { class: 'slot', part: 'slot' },
          h('h4', null, h('time', { datetime: iso(s.startMs), text: clock(s.startMs, this.loc, zone) }), ' ' + zoneName(s.startMs, this.loc, zone)), ul))
      }
      ul.append(this.item(s, data))
    }
    const build = (from, n) => {
      if (this.building !== out) return // rendered again meanwhile
      const to = Math.min(from + n, timed.length)
      for (let i = from; i < to; i++) place(timed[i])
      if (to < timed.length) return requestAnimationFrame(() => setTimeout(() => build(to, 80)))
      const tba = data.sessions.filter((s) => !(s.startMs >= 0))
      if (tba.length) out.append(h('section', { part: 'day' }, h('h3', { text: 'To be announced' }), h('div', { class: 'slot' }, h('ul', null, tba.map((s) => this.item(s, data))))))
      if (!out.firstChild) out.append(h('p', { text: 'The agenda will be announced soon.' }))
      if (this.list === out) this.settle()
    }
    this.building = out
    build(0, 24)
    return out
  }

  /** settle applies filters, stars and the #session- link once every session is built. */
  settle() {
    this.apply()
    syncStars(this)
    this.reveal()
  }

  item(s, data) {
    const li = sessionItem(this, s, { abstract: true })
    li.dataset.search = [s.title, s.abstract, s.track && s.track.name, s.room && s.room.name, s.speakers.map((p) => p.name + ' ' + (p.title || '')).join(' ')].join(' ').toLowerCase()
    li.dataset.track = s.trackId || ''
    li.dataset.room = s.roomId || ''
    li.dataset.eday = s.startMs >= 0 ? dayKey(s.startMs, data.event.timeZone) : ''
    return li
  }

  filters(data) {
    const ev = data.event
    const days = [...new Set(data.sessions.filter((s) => s.startMs >= 0).map((s) => dayKey(s.startMs, ev.timeZone)))]
    const label = (k) => {
      const s = data.sessions.find((x) => x.startMs >= 0 && dayKey(x.startMs, ev.timeZone) === k)
      return dayLabel(s.startMs, this.loc, ev.timeZone)
    }
    const select = (name, all, options) => h('select', { onchange: (e) => { this.q[name] = e.target.value; this.apply() } },
      h('option', { value: '', text: all }),
      options.map(([v, t]) => h('option', { value: v, text: t, selected: this.q[name] === v })))
    return h('div', { class: 'bar', part: 'filters', role: 'search' },
      data.tracks.size > 0 && h('label', null, 'Track', select('track', 'All tracks', [...data.tracks.values()].map((t) => [t.id, t.name]))),
      data.rooms.size > 0 && h('label', null, 'Room', select('room', 'All rooms', [...data.rooms.values()].map((r) => [r.id, r.name]))),
      days.length > 1 && h('label', null, 'Day', select('day', 'All days', days.map((k) => [k, label(k)]))),
      h('label', null, 'Search', h('input', { type: 'search', value: this.q.text, placeholder: 'Title, speaker, topic',
        oninput: (e) => { this.q.text = e.target.value.trim().toLowerCase(); this.apply() } })))
  }

  /** apply hides what the filters leave out, without rebuilding anything. */
  apply() {
    const { track, room, day, text } = this.q
    let shown = 0
    for (const { li } of this.items.values()) {
      const d = li.dataset
      const ok = (!track || d.track === track) && (!room || d.room === room) && (!day || d.eday === day) && (!text || d.search.includes(text))
      li.hidden = !ok
      if (ok) shown++
    }
    for (const box of this.list.querySelectorAll('.slot, section')) box.hidden = !box.querySelector('li:not([hidden])')
    this.shown = shown
    this.count()
  }

  count() {
    if (!this.status || !this.data) return
    const n = stars(this.data.event.slug).size
    this.status.textContent = this.shown + (this.shown === 1 ? ' session' : ' sessions')
    this.mine.textContent = 'My schedule (' + n + ') · Subscribe'
    if (!this.panelBox.hidden) this.panelBox.replaceChildren(panel(this, this.data))
  }

  toggle() {
    const open = this.panelBox.hidden
    this.panelBox.hidden = !open
    this.mine.setAttribute('aria-expanded', String(open))
    if (open) this.panelBox.replaceChildren(panel(this, this.data))
  }

  attributeChangedCallback(name, old, now) {
    if ((name === 'track' || name === 'room' || name === 'day') && this.q) this.q[name] = now || ''
    super.attributeChangedCallback(name, old, now)
  }
}
