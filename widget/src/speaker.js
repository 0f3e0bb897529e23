// <confcal-speaker event="…" speaker="…">: a speaker card (photo or initials, name,
// title, bio, links, their sessions with local times), also before their talk is announced.
import { Base } from './base.js'
import { h, link, initials, safeURL } from './dom.js'
import { hosted } from './api.js'
import { paragraphs, when } from './view.js'
import { t } from './i18n.js'

/** photo is the speaker's photo, falling back to initials when missing or broken. */
export function photo(sp) {
  const box = h('span', { class: 'ph', part: 'photo', 'aria-hidden': 'true', text: initials(sp.name) })
  const src = safeURL(sp.photoUrl)
  if (src) {
    const img = h('img', { src, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer',
      onerror: () => box.replaceChildren(initials(sp.name)) })
    box.replaceChildren(img)
  }
  return box
}

export class Speaker extends Base {
  static get attrs() {
    return ['speaker', 'heading']
  }

  render(data) {
    const sp = data.speakers.get(this.speaker)
    if (!sp) throw Object.assign(new Error('unknown speaker'), { status: 404 })
    const talks = data.talks.get(sp.id) || []
    const role = [sp.title, sp.company && !(sp.title || '').includes(sp.company) ? sp.company : ''].filter(Boolean).join(', ')
    return h('div', { class: 'w' },
      h('article', { class: 'card', part: 'card' },
        photo(sp),
        h('div', null,
          // heading="hide": the page's own h1 names the speaker.
          this.heading !== 'hide' && h('h3', { part: 'name', text: sp.name }),
          role && h('p', { class: 'mu', text: role }),
          h('div', { class: 'bio' }, paragraphs(sp.bio)),
          (sp.links || []).length > 0 && h('p', { class: 'acts' }, sp.links.map((l) => link(l.url, l.title || l.url))),
          h(this.heading === 'hide' ? 'h2' : 'h4', { text: t(this, talks.length > 1 ? 'Sessions' : 'Session') }),
          talks.length
            ? h('ul', null, talks.map((s) => h('li', null, h('a', { href: hosted(data.event.slug, 'session-' + encodeURIComponent(s.id)), text: s.title }), ' · ', when(s, this, true))))
            : h('p', { class: 'mu', text: t(this, 'Session to be announced.') }),
          h('p', { class: 'mu' }, h('a', { href: hosted(data.event.slug), text: data.event.name })))))
  }
}
