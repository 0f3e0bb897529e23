package widget_test

import (
	"testing"
)

// Every observed attribute of every element has a property of its camelCased name that
// mirrors it both ways (STYLE: configuration in attributes, mirrored by properties).
func TestAttributesMirroredByProperties(t *testing.T) {
	svc := newService(t)
	site := newHost(t, svc.URL, strictCSP, nil)
	tb := newTab(t)
	tb.open(site.URL + "/elements.html")
	tb.wait("widget defined", `customElements.get("confcal-schedule")`)
	problems := value[[]string](tb, `(() => {
		const out = []
		for (const tag of ["confcal-agenda", "confcal-session", "confcal-speaker", "confcal-speakers", "confcal-schedule"]) {
			const C = customElements.get(tag), el = document.createElement(tag)
			for (const attr of C.observedAttributes) {
				const prop = attr.replace(/-(\w)/g, (_, c) => c.toUpperCase())
				el.setAttribute(attr, "x1")
				if (el[prop] !== "x1") out.push(tag + ": attribute " + attr + " not read by ." + prop)
				el[prop] = "y2"
				if (el.getAttribute(attr) !== "y2") out.push(tag + ": ." + prop + " does not set " + attr)
				el[prop] = null
				if (el.hasAttribute(attr)) out.push(tag + ": ." + prop + " = null keeps " + attr)
			}
			if (C.observedAttributes.length < 4) out.push(tag + " observes only " + C.observedAttributes)
		}
		return out
	})()`)
	for _, p := range problems {
		t.Error(p)
	}
}
