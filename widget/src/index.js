// Entry of widget.js. Runs once per load; a second copy of the script finds the tags taken
// and does nothing, and tags another library already defined are left alone.
import { setOrigin } from './api.js'
import { Agenda } from './agenda.js'
import { Session } from './session.js'
import { Speaker } from './speaker.js'
import { Speakers } from './speakers.js'
import { Schedule } from './schedule.js'
import { Now } from './now.js'

// The API origin comes from this script's own URL, never from the page (<base href>).
function scriptOrigin() {
  const me = document.currentScript
  if (me && me.src) return new URL(me.src).origin
  for (const s of document.querySelectorAll('script[src]')) {
    if (/\/widget(\/[0-9a-f]+)?\.js(\?|$)/.test(s.src)) return new URL(s.src).origin
  }
  return location.origin
}

if (window.customElements && !customElements.get('confcal-agenda')) {
  setOrigin(scriptOrigin())
  Agenda.define('confcal-agenda')
  Session.define('confcal-session')
  Speaker.define('confcal-speaker')
  Speakers.define('confcal-speakers')
  Schedule.define('confcal-schedule')
  Now.define('confcal-now')
}
