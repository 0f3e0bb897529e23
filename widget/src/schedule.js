// <confcal-schedule event="…">: my starred sessions in time order, overlaps flagged, and
// the subscribe panel.
import { Base } from './base.js'
import { h } from './dom.js'
import { stars, refresh, onChange } from './stars.js'
import { panel, notice } from './panel.js'
import { sessionItem, syncStars } from './view.js'
import { t } from './i18n.js'

export class Schedule extends Base {
  render(data) {
    const ev = data.event
    refresh(ev.slug)
    // This list changes shape with every star, so it re-renders (it is short).
    if (!this.unwatch) this.unwatch = onChange((e) => e === ev.slug && this.data && this.show(this.render(this.data)))
    this.items = new Map()
    const mine = data.sessions.filter((s) => stars(ev.slug).has(s.id))
    const el = h('div', { class: 'w' },
      h('h2', { text: t(this, 'My schedule') }),
      notice(this, ev.slug),
      mine.length
        ? h('ul', { class: 'mine' }, mine.map((s) => sessionItem(this, s, { heading: 'h3', time: true })))
        : h('p', { class: 'mu', text: t(this, 'No sessions starred yet.') }),
      panel(this, data))
    syncStars(this)
    return el
  }
}
