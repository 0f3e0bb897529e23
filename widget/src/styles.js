// One constructable stylesheet (widget.css, minified by the build) shared by every element:
// adoptedStyleSheets are not subject to a page's style-src, so the widget keeps its look
// under a strict CSP, and the page's selectors cannot reach into the shadow roots.
//
// Theme with these custom properties on the element or any ancestor:
//   --confcal-bg, --confcal-fg, --confcal-muted, --confcal-accent, --confcal-accent-fg,
//   --confcal-border, --confcal-surface, --confcal-warn, --confcal-radius, --confcal-padding,
//   --confcal-font, --confcal-font-size
// and the parts: header, filters, day, slot, session, title, meta, speakers, star, card,
// photo, name, message, panel, button.
import css from './widget.css'

let sheet

/** styles returns the shared stylesheet, or none where constructable sheets are missing. */
export function styles() {
  if (sheet === undefined) {
    try {
      sheet = new CSSStyleSheet()
      sheet.replaceSync(css)
    } catch (e) {
      sheet = null
    }
  }
  return sheet ? [sheet] : []
}
