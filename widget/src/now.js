// <confcal-now event="…" [room] [track] [limit]>: what is live and what comes next, for a
// sponsor's page on the day, kept current on the minute from the visitor's clock. Before
// the event it says when the event starts, after it when it took place.
import { Base } from './base.js'
import { h, link } from './dom.js'
import { hosted } from './api.js'
import { joinURL, live, sessionPage } from './view.js'
import { range, dayLabel, iso } from './time.js'
import { t } from './i18n.js'

export class Now extends Base {
  static get attrs() {
    return ['room', 'track', 'limit']
  }

  disconnectedCallback() {
    clearTimeout(this.tick)
  }

  render(data) {
    const ev = data.event
    const now = Date.now()
    const n = Math.max(1, Math.min(20, parseInt(this.limit, 10) || 3))
    const all = data.sessions.filter((s) => s.startMs >= 0 && s.status !== 'cancelled' &&
      (!this.room || s.roomId === this.room) && (!this.track || s.trackId === this.track))
    const on = all.filter((s) => live(s, now))
    const next = all.filter((s) => s.startMs > now).slice(0, n)
    const day = (ms) => dayLabel(ms, this.loc, this.zone)
    const item = (s, isLive) => {
      const join = joinURL(s, ev)
      return h('li', { class: 's' + (isLive ? ' live' : ''), part: 'session', 'data-id': s.id },
        h('p', { class: 'meta', part: 'meta' }, isLive && h('span', { class: 'lv', text: t(this, 'Live') }), isLive && ' ',
          h('time', { datetime: iso(s.startMs), text: range(s, this.loc, this.zone, !isLive) }),
          s.room ? ' · ' + s.room.name : s.track ? ' · ' + s.track.name : ''),
        h('h4', { part: 'title', dir: 'auto' }, h('a', { href: sessionPage(ev, s), text: s.title })),
        s.speakers.length > 0 && h('p', { class: 'by', part: 'speakers', dir: 'auto', text: s.speakers.map((p) => p.name).join(', ') }),
        isLive && join && h('p', null, link(join, t(this, 'Join now'), { class: 'btn pri', part: 'button' })))
    }
    const body = []
    if (!all.length) {
      body.push(h('p', { class: 'mu', text: t(this, 'The agenda will be announced soon.') }))
    } else if (now < all[0].startMs) {
      body.push(h('p', { text: t(this, '{event} starts {day}.', { event: ev.name, day: day(all[0].startMs) }) }))
    } else if (!on.length && !next.length) {
      body.push(h('p', { text: t(this, day(all[0].startMs) === day(all[all.length - 1].startMs) ? '{event} took place on {day}.' : '{event} took place from {day} to {last}.', { event: ev.name, day: day(all[0].startMs), last: day(all[all.length - 1].startMs) }) }))
    }
    if (on.length) body.push(h('h3', { text: t(this, 'Live now') }), h('ul', { class: 'mine' }, on.map((s) => item(s, true))))
    if (next.length && now >= all[0].startMs - 864e5) body.push(h('h3', { text: t(this, 'Up next') }), h('ul', { class: 'mine' }, next.map((s) => item(s, false))))
    // Again on the next minute: sessions start and end on minutes.
    clearTimeout(this.tick)
    this.tick = setTimeout(() => this.isConnected && this.data && this.show(this.render(this.data)), 60000 - (now % 60000) + 20)
    return h('section', { class: 'w now', part: 'now', 'aria-label': t(this, '{event}: live now and up next', { event: ev.name }) },
      h('h2', { text: ev.name }), body,
      h('p', { class: 'mu' }, h('a', { href: hosted(ev.slug), text: t(this, 'Full agenda') })))
  }
}
