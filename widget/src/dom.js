// DOM helpers. Agenda data only ever reaches the page as text nodes and attribute values
// set through DOM APIs; nothing here parses markup.

/**
 * h builds an element. props: attributes (strings), `on*` listeners (functions), `text`
 * (textContent); children: nodes, strings (as text) or falsy (skipped), nested arrays.
 * @param {string} tag
 * @param {Object<string, any>} [props]
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag)
  for (const k in props || {}) {
    const v = props[k]
    if (v == null || v === false) continue
    if (k === 'text') el.textContent = v
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else el.setAttribute(k, v === true ? '' : v)
  }
  add(el, children)
  return el
}

function add(el, children) {
  for (const c of children) {
    if (c == null || c === false || c === '') continue
    // Array.isArray and for…of only: old Prototype.js pages patch Array.from.
    if (Array.isArray(c)) add(el, c)
    else el.append(c)
  }
}

/** safeURL returns the URL if it is absolute http(s), or '' (no javascript:, data:, …). */
export function safeURL(u) {
  try {
    const url = new URL(u)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : ''
  } catch (e) {
    return ''
  }
}

/** link is an external http(s) link, or plain text when the URL is not one. */
export function link(href, text, props) {
  const u = safeURL(href)
  return u ? h('a', { href: u, rel: 'noopener', ...props, text }) : h('span', { text })
}

/** emit dispatches a confcal-* event that crosses shadow roots up to the page. */
export function emit(el, name, detail) {
  el.dispatchEvent(new CustomEvent('confcal-' + name, { detail, bubbles: true, composed: true }))
}

/** initials of a name, for a speaker without a photo. */
export function initials(name) {
  const parts = String(name).trim().split(/\s+/)
  const first = [...(parts[0] || '')][0] || ''
  const last = parts.length > 1 ? [...parts[parts.length - 1]][0] : ''
  return (first + last).toUpperCase()
}
