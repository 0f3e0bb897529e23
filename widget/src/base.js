// The base of every confcal element: attributes mirrored by properties, one render per
// microtask, an open shadow root with the shared stylesheet, and the author's own markup
// (a link to the hosted agenda) shown until data arrives and again on error.
import { h } from './dom.js'
import { loadEvent, hosted } from './api.js'
import { styles } from './styles.js'
import { localZone, validZone } from './time.js'
import { pick, catalogue, rtl, t } from './i18n.js'

const common = ['event', 'locale', 'time-zone', 'theme']

function camel(a) {
  return a.replace(/-(\w)/g, (_, c) => c.toUpperCase())
}

export class Base extends HTMLElement {
  /** attributes beyond the common ones; each gets a property of the camelCased name */
  static get attrs() {
    return []
  }

  static get observedAttributes() {
    return common.concat(this.attrs)
  }

  /** define registers the element under tag unless that name is taken (second load). */
  static define(tag, registry = customElements) {
    if (registry.get(tag)) return
    for (const a of this.observedAttributes) {
      const p = camel(a)
      if (p in this.prototype) continue
      Object.defineProperty(this.prototype, p, {
        get() {
          return this.getAttribute(a) || ''
        },
        set(v) {
          if (v == null || v === '') this.removeAttribute(a)
          else this.setAttribute(a, String(v))
        },
        configurable: true,
      })
    }
    registry.define(tag, this)
  }

  constructor() {
    super()
    this.root = this.attachShadow({ mode: 'open' })
    this.root.adoptedStyleSheets = styles()
    this.root.append(h('slot'))
  }

  connectedCallback() {
    // Properties set before the element was defined shadow the prototype's: re-apply them.
    for (const a of this.constructor.observedAttributes) {
      const p = camel(a)
      if (Object.prototype.hasOwnProperty.call(this, p)) {
        const v = this[p]
        delete this[p]
        this[p] = v
      }
    }
    this.invalidate()
  }

  attributeChangedCallback(name, old, now) {
    if (old !== now) this.invalidate()
  }

  /** invalidate asks for one render in the next microtask, however many changes came. */
  invalidate() {
    if (this.queued) return
    this.queued = true
    queueMicrotask(() => {
      this.queued = false
      if (this.isConnected) this.load()
    })
  }

  async load() {
    const slug = this.event
    // The language: the locale attribute, else the page's (the nearest lang; the browser's
    // region when the page names the same language without one: en-GB on an "en" page),
    // else the browser's. Its catalogue loads beside the data.
    const page = (this.closest('[lang]') || {}).lang
    const nav = new Intl.DateTimeFormat().resolvedOptions().locale // the browser's own
    this.lc = [this.locale, page && nav.startsWith(page + '-') ? nav : page, nav].find((l) => {
      try {
        return l && Intl.getCanonicalLocales(l)
      } catch (e) {
        return false
      }
    }) || 'en'
    this.lng = pick(this.lc)
    const words = catalogue(this.lng).then((c) => (this.cat = c))
    if (!slug) return words.then(() => this.fail(t(this, 'No event given.')))
    const ticket = (this.ticket = {})
    try {
      const [data] = await Promise.all([loadEvent(slug), words])
      if (ticket !== this.ticket) return // a newer load took over
      this.data = data
      this.show(this.render(data))
      this.dispatchEvent(new CustomEvent('confcal-load', { detail: { event: slug }, bubbles: true, composed: true }))
    } catch (err) {
      await words
      if (ticket !== this.ticket) return
      this.fail(t(this, err.status === 404 ? 'This event is not on the agenda service.' : 'The agenda could not be loaded right now.'))
    }
  }

  /** speak gives a node the element's language and direction. */
  speak(n) {
    n.lang = this.lc
    n.dir = rtl(this.lng) ? 'rtl' : 'ltr'
    return n
  }

  /** show replaces the shadow content (and with it the author's fallback markup). */
  show(...nodes) {
    for (const n of nodes) if (n.localName !== 'slot') this.speak(n)
    this.root.replaceChildren(...nodes)
  }

  /** fail shows a short message, the author's markup, and a link to the hosted agenda. */
  fail(text) {
    this.data = null
    const ev = this.event
    this.show(
      h('div', { class: 'w msg', part: 'message', role: 'status' },
        h('p', { text }),
        ev && h('p', null, h('a', { href: hosted(ev), text: t(this, 'Open the agenda') }))),
      h('slot'),
    )
    this.dispatchEvent(new CustomEvent('confcal-error', { detail: { event: ev, message: text }, bubbles: true, composed: true }))
  }

  /** zone is the zone times are shown in: the time-zone attribute, else the visitor's. */
  get zone() {
    return validZone(this.timeZone) || localZone()
  }

  /** loc is the locale times and numbers are written in (see load). */
  get loc() {
    return this.lc
  }

  /** render builds the element's content from the event data. */
  render() {
    return h('div')
  }
}
