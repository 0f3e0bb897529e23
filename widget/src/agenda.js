// <confcal-agenda event="…" [track] [room] [day] [view] [time-zone] [locale] [theme]>: the
// agenda one day at a time, as a grid of rooms (or tracks) against a time axis or as a list
// of time slots, with day tabs, filters, a search, live sessions marked on the visitor's
// clock, session details (#session-ID opens them), stars and the subscribe panel.
import { Base } from './base.js'
import { h, link } from './dom.js'
import { hosted } from './api.js'
import { stars, refresh } from './stars.js'
import { dayKey, dayLabel, clock, fmt, iso, zoneName, localZone, validZone } from './time.js'
import { sessionItem, trackStars, syncStars, live, joinURL } from './view.js'
import { openDetails } from './details.js'
import { panel, notice } from './panel.js'
import { t, tn } from './i18n.js'

const MIN5 = 300000
const NARROW = 640 // px: below this width the list is the default view
const VIEW = 'confcal:view' // the visitor's last choice of view, on the host page's origin

function savedView() {
  try {
    return localStorage.getItem(VIEW) || ''
  } catch (e) {
    return ''
  }
}

// Track colours: the agenda's own (#rgb or #rrggbb), else the palette in widget.css.
function colour(t) {
  return /^#([0-9a-f]{3}){1,2}$/i.test(t.color || '') ? t.color : 'var(--cc-p' + (t.i % 8) + ')'
}

export class Agenda extends Base {
  static get attrs() {
    return ['track', 'room', 'day', 'heading', 'view']
  }

  get zone() {
    return this.eventZone && this.data ? this.data.event.timeZone : validZone(this.timeZone) || localZone()
  }

  connectedCallback() {
    super.connectedCallback()
    if (!this.onHash) {
      this.onHash = () => this.data && this.reveal(true)
      // A width change across the line switches the default view, never a chosen one.
      this.resize = new ResizeObserver(() => this.box && this.mode() !== this.shownMode && this.paint())
    }
    addEventListener('hashchange', this.onHash)
    this.resize.observe(this)
  }

  disconnectedCallback() {
    removeEventListener('hashchange', this.onHash)
    this.resize.disconnect()
    clearTimeout(this.tick)
  }

  render(data) {
    const ev = data.event
    refresh(ev.slug)
    trackStars(this, () => this.count())
    this.q = this.q || { track: this.track, room: this.room, text: '' }
    if (this.choice == null) this.choice = savedView()
    this.dialog = null
    const zone = this.zone
    const days = (this.dayMap = new Map())
    for (const s of data.sessions) {
      const k = s.startMs >= 0 ? dayKey(s.startMs, zone) : 'tba'
      if (!days.has(k)) days.set(k, { key: k, list: [],
        long: k === 'tba' ? t(this, 'To be announced') : dayLabel(s.startMs, this.loc, zone),
        short: k === 'tba' ? t(this, 'To be announced') : fmt(this.loc, zone, { weekday: 'short', month: 'short', day: 'numeric' }).format(s.startMs) })
      days.get(k).list.push(s)
    }
    const target = this.target()
    const today = dayKey(Date.now(), zone)
    this.cur = [target && this.keyOf(target), this.cur, this.day, today].find((k) => days.has(k)) || days.keys().next().value
    const first = data.sessions.find((s) => s.startMs >= 0)
    // The event's span, for "Jump to now": sessions are sorted by start, TBA ones last.
    this.during = first ? [first.startMs, Math.max(...data.sessions.filter((s) => s.startMs >= 0).map((s) => s.endMs))] : null
    // "Pacific Daylight Time (PDT)": browsers name some zones by old ids (Asia/Calcutta).
    const at = first ? first.startMs : Date.now()
    const long = zoneName(at, this.loc, zone, true)
    const short = zoneName(at, this.loc, zone)
    // A time-zone attribute is the page's choice, not the visitor's zone: it is named as such.
    const set = !!validZone(this.timeZone)
    const other = this.eventZone ? (set ? t(this, 'Show {zone}', { zone: this.timeZone }) : t(this, 'Show your time zone')) : t(this, 'Show event time ({zone})', { zone: ev.timeZone })
    const named = { zone: long + (short !== long ? ' (' + short + ')' : '') }
    this.status = h('p', { class: 'mu', role: 'status', 'aria-live': 'polite' })
    this.mine = h('button', { class: 'btn', type: 'button', part: 'button', 'aria-expanded': 'false', 'aria-controls': 'panel', onclick: () => this.toggle() })
    this.nowBtn = h('button', { class: 'btn', type: 'button', part: 'button', hidden: true, text: t(this, 'Jump to now'), onclick: () => this.jumpNow() })
    this.viewBtn = h('button', { class: 'btn vw', type: 'button', part: 'button', onclick: () => {
      this.choice = this.shownMode === 'grid' ? 'list' : 'grid'
      try {
        localStorage.setItem(VIEW, this.choice)
      } catch (e) {
        // storage blocked: the choice lasts as long as the page
      }
      this.paint()
    } })
    this.panelBox = h('div', { hidden: true })
    this.box = h('section', { part: 'day', class: 'day', id: 'day' })
    this.tabs = days.size > 1 && h('div', { role: 'tablist', class: 'tabs', part: 'days', 'aria-label': t(this, 'Days'), onkeydown: (e) => this.key(e) },
      [...days.values()].map((d) => (d.tab = h('button', { role: 'tab', type: 'button', id: 'tab-' + d.key, 'aria-controls': 'day', text: d.short, onclick: () => this.go(d.key) }))))
    const el = h('div', { class: 'w' },
      h('header', { part: 'header' },
        // heading="hide": the host page already names the event (the hosted agenda's h1);
        // a heading only screen readers see keeps the days' h3 in order under it.
        this.heading === 'hide' ? h('h2', { class: 'vh', text: t(this, 'Agenda') }) : h('h2', { text: ev.name }),
        h('p', { class: 'mu' }, t(this, this.eventZone ? 'Times in event time: {zone}' : set ? 'Times in {zone}' : 'Times in your time zone: {zone}', named) + ' ',
          h('button', { class: 'btn', type: 'button', part: 'button', 'aria-pressed': String(!!this.eventZone),
            text: other, onclick: () => { this.eventZone = !this.eventZone; this.show(this.render(data)) } }))),
      notice(this, ev.slug),
      this.filters(data),
      h('div', { class: 'bar' }, this.tabs, this.viewBtn, this.nowBtn, this.mine, this.status),
      this.panelBox,
      data.sessions.length ? this.box : h('p', { text: t(this, 'The agenda will be announced soon.') }),
      h('p', { class: 'mu' }, h('a', { href: hosted(ev.slug), text: t(this, 'Full agenda and calendar feeds') })))
    if (data.sessions.length) this.paint()
    else this.count()
    if (target) requestAnimationFrame(() => this.reveal())
    return el
  }

  /** target is the session a #session-… fragment names, if it is on this agenda. */
  target() {
    const m = /^#session-(.+)$/.exec(location.hash)
    return m && this.data.byId.get(decodeURIComponent(m[1]))
  }

  keyOf(s) {
    return s.startMs >= 0 ? dayKey(s.startMs, this.zone) : 'tba'
  }

  /** reveal opens the details of the #session-… fragment's session, on its day. */
  reveal(fromHash) {
    const s = this.target()
    if (!s) return fromHash && this.dialog && this.dialog.open && this.dialog.close()
    if (this.keyOf(s) !== this.cur) this.go(this.keyOf(s))
    const it = this.items.get(s.id)
    openDetails(this, s, it && it.li.querySelector('a'))
    if (it) it.li.scrollIntoView({ block: 'nearest' })
  }

  go(key, focus) {
    this.cur = key
    this.paint()
    if (focus) this.dayMap.get(key).tab.focus()
  }

  /** key moves between day tabs with the arrow keys, Home and End. */
  key(e) {
    const keys = [...this.dayMap.keys()]
    const i = keys.indexOf(this.cur)
    const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: keys.length - 1 }[e.key]
    if (j === undefined) return
    e.preventDefault()
    this.go(keys[(j + keys.length) % keys.length], true)
  }

  /** mode is the view shown: the visitor's choice, else the view attribute, else by width. */
  mode() {
    const v = this.choice || this.view
    if (v === 'grid' || v === 'list') return v
    return (this.getBoundingClientRect().width || innerWidth) < NARROW ? 'list' : 'grid'
  }

  /** paint shows the current day in the current view; sessions past the first screen are built after the first paint. */
  paint() {
    const d = this.dayMap.get(this.cur)
    const mode = (this.shownMode = d.key === 'tba' ? 'list' : this.mode())
    this.items = new Map()
    this.cols = this.now = null
    const jobs = []
    const view = mode === 'grid' ? this.grid(d, jobs) : this.list(d, jobs)
    this.box.replaceChildren(h('h3', { text: d.long }), view)
    this.layout()
    if (this.tabs) {
      this.box.setAttribute('role', 'tabpanel')
      this.box.setAttribute('aria-labelledby', 'tab-' + d.key)
      for (const x of this.dayMap.values()) {
        x.tab.setAttribute('aria-selected', String(x === d))
        x.tab.tabIndex = x === d ? 0 : -1
      }
    }
    this.viewBtn.textContent = mode === 'grid' ? t(this, 'Show as list') : t(this, 'Show as grid')
    this.viewBtn.hidden = d.key === 'tba'
    const token = (this.building = {})
    const build = (from, n) => {
      if (this.building !== token) return // painted again meanwhile
      const to = Math.min(from + n, jobs.length)
      for (let i = from; i < to; i++) jobs[i][0].append(this.item(jobs[i][1], jobs[i][2], jobs[i][3]))
      if (to < jobs.length) return requestAnimationFrame(() => setTimeout(() => build(to, 100)))
      this.settle()
    }
    build(0, 40)
    this.shown = d.list.filter((s) => this.match(s)).length
    this.count()
  }

  /** list lays a day out by start time: a sticky slot heading with the slot's times, then its sessions. */
  list(d, jobs) {
    const out = h('div', { class: 'list' })
    const zone = this.zone
    for (let i = 0; i < d.list.length;) {
      const s = d.list[i]
      let j = i + 1
      if (s.startMs >= 0) while (j < d.list.length && d.list[j].startMs === s.startMs) j++
      else j = d.list.length
      const slot = d.list.slice(i, j)
      const ul = h('ul')
      const end = slot.every((x) => x.endMs === s.endMs) && s.endMs
      out.append(h('div', { class: 'slot', part: 'slot' }, s.startMs >= 0 && h('h4', null, h('time', { datetime: iso(s.startMs), text: clock(s.startMs, this.loc, zone) }),
        (end ? ' – ' + clock(end, this.loc, zone) : '') + ' ' + zoneName(s.startMs, this.loc, zone)), ul))
      for (const x of slot) jobs.push([ul, x, end ? null : this.span(x)])
      i = j
    }
    return out
  }

  span(s) {
    return clock(s.startMs, this.loc, this.zone) + ' – ' + clock(s.endMs, this.loc, this.zone)
  }

  /**
   * grid lays a day out as columns of rooms (tracks when the agenda has no rooms) against a
   * time axis of 5-minute rows; each session spans its duration. Placement comes
   * from a stylesheet built here (no style attributes: the host's CSP may forbid them).
   */
  grid(d, jobs) {
    const data = this.data
    const zone = this.zone
    const groups = data.rooms.size ? data.rooms : data.tracks
    const colOf = (s) => (groups === data.rooms ? s.roomId : s.trackId) || ''
    const t0 = Math.floor(d.list[0].startMs / MIN5) * MIN5
    // A day's grid covers at most 24 hours, whatever one session claims.
    const t1 = Math.min(t0 + 288 * MIN5, Math.max(...d.list.map((s) => s.endMs)))
    const rows = Math.max(1, Math.ceil((t1 - t0) / MIN5))
    const at = (ms) => Math.min(rows, Math.max(0, Math.round((ms - t0) / MIN5)))
    // Time runs linearly, 5 minutes to 1.25em; rows no session covers (breaks, nights)
    // shrink to a sliver, runs of them written once. A block clips what does not fit and
    // shows it all on hover and focus.
    const busy = new Uint8Array(rows)
    for (const s of d.list) busy.fill(1, at(s.startMs), Math.max(at(s.startMs) + 1, at(s.endMs)))
    let tpl = ''
    for (let i = 0; i < rows;) {
      let j = i
      while (j < rows && busy[j] === busy[i]) j++
      tpl += ' repeat(' + (j - i) + ',' + (busy[i] ? '1.25em' : '.2em') + ')'
      i = j
    }
    // Each column is a grid of its own on the same fixed rows (a header row of fixed height,
    // then the time rows): columns lay out independently, far cheaper than one subgrid.
    const rules = new Set(['.g,.c{grid-template-rows:2.4em' + tpl + '}', '.c{grid-row:1/span ' + (rows + 1) + '}', '.u{grid-row:2/span ' + rows + ';grid-template-rows:' + tpl + '}'])
    const place = (a, n) => {
      rules.add('.y' + a + '_' + n + '{grid-row:' + a + '/span ' + n + '}')
      return 'y' + a + '_' + n
    }
    const used = new Map()
    for (const s of d.list) {
      const k = colOf(s)
      if (!used.has(k)) used.set(k, [])
      used.get(k).push(s)
    }
    const order = [...groups.keys(), ''].filter((k) => used.has(k))
    const g = h('div', { class: 'g', part: 'grid' })
    const axis = h('div', { class: 'c tc' }, h('div', { class: 'ch' }))
    g.append(axis)
    for (const ms of new Set(d.list.map((s) => s.startMs))) {
      const r = at(ms) + 2
      axis.append(h('h4', { class: place(r, 1) }, h('time', { datetime: iso(ms), text: clock(ms, this.loc, zone) })))
      g.append(h('div', { class: 'hl ' + place(r, 1) }))
    }
    this.cols = []
    for (const k of order) {
      const name = k ? groups.get(k).name : t(this, groups === data.rooms ? 'No room' : 'Other')
      const ul = h('ul', { class: 'u', 'aria-label': name })
      const col = h('section', { class: 'c col x' + this.cols.length }, h('h4', { class: 'ch', part: 'column', title: name, text: name }), ul)
      this.cols.push(col)
      g.append(col)
      let last = -Infinity
      for (const s of used.get(k)) {
        const a = at(s.startMs)
        // Sessions that overlap in one room sit side by side, indented, rather than on top.
        jobs.push([ul, s, this.span(s), place(a + 1, Math.max(1, at(s.endMs) - a)) + (s.startMs < last ? ' ov' : '')])
        last = Math.max(last, s.endMs)
      }
    }
    // The now line runs under the blocks, with its mark on the time axis.
    this.now = [h('div', { class: 'nl', hidden: true }), h('div', { class: 'nl nm', hidden: true })]
    g.append(this.now[0])
    axis.append(this.now[1])
    this.grid0 = t0
    this.rows = rows
    this.gridRules = [...rules].join('')
    return h('div', { class: 'gw' }, g)
  }

  /** layout writes the grid's placement rules, with as many columns as are shown. */
  layout() {
    if (!this.sheet) {
      this.sheet = new CSSStyleSheet()
      this.root.adoptedStyleSheets = [...this.root.adoptedStyleSheets, this.sheet]
    }
    const tracks = [...this.data.tracks.values()].map((t) => '.k' + t.i + '{--cc-k:' + colour(t) + '}').join('')
    // Columns are placed explicitly (the hour lines span them all, so auto-placement would
    // push columns past them), numbered among those the filters leave shown.
    let n = 0
    const place = this.cols ? this.cols.map((c, i) => c.hidden ? '' : '.x' + i + '{grid-column:' + (++n + 1) + '}').join('') : ''
    const now = Date.now()
    const row = this.cols ? Math.round((now - this.grid0) / MIN5) + 2 : 0
    const css = tracks + (this.cols ? this.gridRules + place + '.g{grid-template-columns:4.5em repeat(' + n + ',minmax(12em,1fr))}.nl{grid-row:' + row + '}' : '')
    // A new sheet restyles the whole shadow tree: only when the placement changed.
    if (css !== this.css) this.sheet.replaceSync((this.css = css))
    const off = !(this.cols && row >= 2 && row <= this.rows + 1 && dayKey(now, this.zone) === this.cur)
    if (this.now) for (const el of this.now) el.hidden = off
  }

  item(s, range, cls) {
    const li = sessionItem(this, s, { range, brief: !!cls, open: (x) => openDetails(this, x, li.querySelector('a')) })
    if (cls) li.className += ' ' + cls
    li.hidden = !this.match(s)
    return li
  }

  match(s) {
    const { track, room, text } = this.q
    if (text && !s.hay) s.hay = [s.title, s.abstract, s.track && s.track.name, s.room && s.room.name, s.speakers.map((p) => p.name + ' ' + (p.title || '')).join(' ')].join(' ').toLowerCase()
    return (!track || s.trackId === track) && (!room || s.roomId === room) && (!text || s.hay.includes(text))
  }

  /** settle applies filters, stars and live marks once every session of the day is built. */
  settle() {
    this.apply()
    syncStars(this)
    this.mark()
  }

  filters(data) {
    const select = (name, all, options) => h('select', { onchange: (e) => { this.q[name] = e.target.value; this.apply() } },
      h('option', { value: '', text: all }),
      options.map(([v, t]) => h('option', { value: v, text: t, selected: this.q[name] === v })))
    return h('div', { class: 'bar', part: 'filters', role: 'search' },
      data.tracks.size > 0 && h('label', null, t(this, 'Track'), select('track', t(this, 'All tracks'), [...data.tracks.values()].map((t) => [t.id, t.name]))),
      data.rooms.size > 0 && h('label', null, t(this, 'Room'), select('room', t(this, 'All rooms'), [...data.rooms.values()].map((r) => [r.id, r.name]))),
      h('label', null, t(this, 'Search'), h('input', { type: 'search', value: this.q.text, placeholder: t(this, 'Title, speaker, topic'),
        oninput: (e) => { this.q.text = e.target.value.trim().toLowerCase(); this.apply() } })))
  }

  /** apply hides what the filters leave out on the shown day, and counts matches on every day. */
  apply() {
    let shown = 0
    const show = []
    const boxes = new Set() // the slots or columns that keep a session
    for (const it of this.items.values()) {
      const ok = this.match(it.s)
      if (ok) shown++, boxes.add(it.li.parentNode.parentNode)
      // Unchanged items are not touched (no restyle); hiding is cheap, showing is not.
      if (it.li.hidden === ok) ok ? show.push(it) : (it.li.hidden = true)
    }
    // Showing 400 blocks at once is a long task: the earliest 100 now, the rest 100 a frame.
    show.sort((a, b) => a.s.startMs - b.s.startMs)
    const token = (this.showing = {})
    const step = (from) => {
      if (this.showing !== token) return
      const to = Math.min(show.length, from + 100)
      for (let i = from; i < to; i++) show[i].li.hidden = false
      if (to < show.length) requestAnimationFrame(() => setTimeout(() => step(to)))
    }
    step(0)
    for (const box of [...this.box.querySelectorAll('.slot'), ...(this.cols || [])]) {
      const empty = !boxes.has(box)
      if (box.hidden !== empty) box.hidden = empty
    }
    if (this.cols) this.layout()
    const { track, room, text } = this.q
    if (this.tabs) for (const d of this.dayMap.values()) {
      d.tab.textContent = d.short + (track || room || text ? ' (' + d.list.filter((s) => this.match(s)).length.toLocaleString(this.loc) + ')' : '')
    }
    this.shown = shown
    this.count()
  }

  /** mark shows what is live on the visitor's clock, with its join link first, and moves the now line; again on every minute. */
  mark() {
    const now = Date.now()
    const ev = this.data.event
    for (const it of this.items.values()) {
      const on = live(it.s, now)
      if (it.li.classList.contains('live') === on) continue
      it.li.classList.toggle('live', on)
      const meta = it.li.querySelector('.meta')
      if (on) {
        meta.prepend(it.badge = h('span', { class: 'lv', text: t(this, 'Live') }), ' ')
        // The join link becomes the session's main action while it runs.
        const j = joinURL(it.s, ev)
        if (j) it.li.querySelector('h5').after(it.join = h('p', null, link(j, t(this, 'Join now'), { class: 'btn pri', part: 'button' })))
        const old = it.li.querySelector('.acts .join')
        if (old) old.hidden = true
      } else {
        it.badge.nextSibling.remove()
        it.badge.remove()
        if (it.join) it.join.remove()
        const old = it.li.querySelector('.acts .join')
        if (old) old.hidden = false
      }
    }
    this.nowBtn.hidden = !(this.during && this.during[0] <= now && now < this.during[1])
    if (this.cols) this.layout()
    clearTimeout(this.tick)
    this.tick = setTimeout(() => this.isConnected && this.mark(), 60000 - (now % 60000) + 20)
  }

  /** jumpNow shows today and scrolls to what is live or next. */
  jumpNow() {
    const now = Date.now()
    const k = dayKey(now, this.zone)
    if (this.dayMap.has(k) && k !== this.cur) this.go(k)
    const next = [...this.items.values()].find((it) => it.s.endMs > now && !it.li.hidden)
    if (next) next.li.scrollIntoView({ block: 'center', inline: 'nearest' })
  }

  count() {
    if (!this.status || !this.data) return
    const n = stars(this.data.event.slug).size
    this.status.textContent = tn(this, this.shown || 0, '{n} session', '{n} sessions')
    this.mine.textContent = t(this, 'My schedule ({n}) · Subscribe', { n: n.toLocaleString(this.loc) })
    if (!this.panelBox.hidden) this.panelBox.replaceChildren(panel(this, this.data))
  }

  toggle() {
    const open = this.panelBox.hidden
    this.panelBox.hidden = !open
    this.mine.setAttribute('aria-expanded', String(open))
    if (open) this.panelBox.replaceChildren(panel(this, this.data))
  }

  attributeChangedCallback(name, old, now) {
    if ((name === 'track' || name === 'room') && this.q) this.q[name] = now || ''
    if (name === 'day') this.cur = now
    if (name === 'view' && old !== null) this.choice = '' // the site changed its default: the visitor chooses again
    super.attributeChangedCallback(name, old, now)
  }
}
