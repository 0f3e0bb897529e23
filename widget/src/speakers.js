// <confcal-speakers event="…">: the speaker wall.
import { Base } from './base.js'
import { h } from './dom.js'
import { hosted } from './api.js'
import { photo } from './speaker.js'
import { t } from './i18n.js'

export class Speakers extends Base {
  render(data) {
    const ev = data.event
    return h('div', { class: 'w' },
      h('h2', { text: t(this, 'Speakers') }),
      h('ul', { class: 'wall' }, [...data.speakers.values()].map((sp) => {
        const talks = data.talks.get(sp.id) || []
        return h('li', { part: 'card' },
          h('div', { class: 'card' }, photo(sp),
            h('div', null,
              h('h3', { part: 'name' }, h('a', { href: hosted(ev.slug, 'speaker-' + encodeURIComponent(sp.id)), text: sp.name })),
              sp.title && h('p', { class: 'mu', text: sp.title }),
              h('p', { class: talks.length ? 'by' : 'by mu', text: talks.length ? talks.map((s) => s.title).join(' · ') : t(this, 'Session to be announced.') }))))
      })))
  }
}
