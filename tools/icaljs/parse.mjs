// Reads iCalendar files with ical.js and prints what a calendar client would see, as JSON:
// node parse.mjs FILE... -> [{file, name, method, events: [{uid, summary, ...}]}]
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const out = process.argv.slice(2).map((file) => {
  const comp = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
  const events = comp.getAllSubcomponents('vevent').map((v) => {
    const ev = new ICAL.Event(v);
    return {
      uid: ev.uid,
      summary: ev.summary,
      description: ev.description,
      location: ev.location,
      sequence: ev.sequence,
      status: v.getFirstPropertyValue('status'),
      transp: v.getFirstPropertyValue('transp'),
      start: ev.startDate.toJSDate().toISOString(),
      end: ev.endDate.toJSDate().toISOString(),
      dtstamp: v.getFirstPropertyValue('dtstamp').toJSDate().toISOString(),
      conference: v.getFirstPropertyValue('conference'),
      alarms: v.getAllSubcomponents('valarm').map((a) => String(a.getFirstPropertyValue('trigger'))),
    };
  });
  return {
    file,
    name: comp.getFirstPropertyValue('x-wr-calname'),
    method: comp.getFirstPropertyValue('method'),
    events,
  };
});
process.stdout.write(JSON.stringify(out));
