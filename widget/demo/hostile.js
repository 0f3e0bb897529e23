// What old libraries do to a page: an AMD loader's global define, and Prototype.js 1.6's
// changes to built-ins ($A as Array.from, toJSON on arrays and strings).
window.define = function () { throw new Error('AMD define called') }
window.define.amd = { jQuery: true }
Array.from = function (iterable) {
  if (!iterable) return []
  var out = []
  for (var i = 0; i < (iterable.length || 0); i++) out.push(iterable[i])
  return out
}
Array.prototype.toJSON = function () {
  var parts = []
  for (var i = 0; i < this.length; i++) parts.push(JSON.stringify(this[i]))
  return '[' + parts.join(', ') + ']'
}
String.prototype.toJSON = function () { return '"' + this + '"' }
Array.prototype.each = function (f) { for (var i = 0; i < this.length; i++) f(this[i], i) }
// The host's own custom elements, defined before ours.
customElements.define('x-host-widget', class extends HTMLElement {})
// What the page's window holds before the widget runs: the test compares it afterwards.
window.hostGlobals = Object.getOwnPropertyNames(window)
