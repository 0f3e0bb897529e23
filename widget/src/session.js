// <confcal-session event="…" session="…">: one session as a card, with its time in the
// visitor's zone, speakers, abstract, star and add-to-calendar link.
import { Base } from './base.js'
import { h } from './dom.js'
import { hosted } from './api.js'
import { refresh } from './stars.js'
import { sessionItem, trackStars, syncStars } from './view.js'
import { t } from './i18n.js'

export class Session extends Base {
  static get attrs() {
    return ['session', 'heading']
  }

  render(data) {
    const s = data.byId.get(this.session)
    if (!s) throw Object.assign(new Error('unknown session'), { status: 404 })
    this.items = new Map()
    refresh(data.event.slug)
    trackStars(this)
    const el = h('div', { class: 'w' },
      h('ul', null, sessionItem(this, s, { heading: this.heading === 'hide' ? '' : 'h3', time: true, abstract: true })),
      h('p', { class: 'mu' }, data.event.name + ' · ', h('a', { href: hosted(data.event.slug, 'session-' + encodeURIComponent(s.id)), text: t(this, 'Full agenda') })))
    syncStars(this)
    return el
  }
}
