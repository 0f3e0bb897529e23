// The iframe embeds' only script: tell the embedding page our height, for auto-resize.
// The message is the same shape many embed hosts understand.
function report() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height)
  parent.postMessage({ type: 'confcal:resize', height, src: location.href }, '*')
}
new ResizeObserver(report).observe(document.documentElement)
addEventListener('load', report)
