// The visitor's language: each message is its English text, looked up in the catalogue of
// the element's language, which is loaded from the API origin (immutable, content-hashed
// file names fixed at build) unless it is English. Plurals go through Intl.PluralRules,
// dates and times through Intl (time.js).
import { apiOrigin } from './api.js'

// eslint-disable-next-line no-undef
const files = __L10N__ // { de: 'de.0123abcd.json', … }, set by the build
const loaded = new Map()
const rules = new Map()

/** pick is the catalogue language for a BCP 47 tag: the same, else one of its language, else English. */
export function pick(tag) {
  const t = String(tag || '').toLowerCase()
  const all = Object.keys(files)
  return all.find((k) => k.toLowerCase() === t) || all.find((k) => k.split('-')[0] === t.split('-')[0]) || 'en'
}

/** rtl tells whether a catalogue language is written right to left. */
export const rtl = (lng) => /^(ar|he|fa|ur)\b/.test(lng)

/** parts joins agenda names with " · ", each isolated (U+2068…U+2069) in a right-to-left language, so Latin names keep their order. */
export function parts(el, list) {
  list = list.filter(Boolean)
  return (rtl(el.lng) ? list.map((x) => '\u2068' + x + '\u2069') : list).join(' · ')
}

/** catalogue loads a language's messages; English, or a file that fails, is the keys themselves. */
export function catalogue(lng) {
  if (!files[lng]) return Promise.resolve({})
  if (!loaded.has(lng)) loaded.set(lng, fetch(apiOrigin() + '/l10n/' + files[lng], { credentials: 'omit' }).then((r) => (r.ok ? r.json() : {})).catch(() => ({})))
  return loaded.get(lng)
}

/** t is a message in the element's language, each {name} replaced from v. */
export function t(el, s, v) {
  s = (el.cat && el.cat[s]) || s
  return v ? s.replace(/\{(\w+)\}/g, (m, k) => (k in v ? v[k] : m)) : s
}

/** tn is a message with a count n, in the plural form the element's language uses for n. */
export function tn(el, n, one, other, v) {
  const m = el.cat && el.cat[other]
  let r = rules.get(el.lng)
  if (!r) rules.set(el.lng, (r = new Intl.PluralRules(el.lng)))
  const f = r.select(n)
  return t({}, m ? m[f] || m.other : f === 'one' ? one : other, { ...v, n: n.toLocaleString(el.loc) })
}
