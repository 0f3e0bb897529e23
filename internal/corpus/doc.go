// Package corpus holds the test that imports every schedule of ../shared/corpus, the
// agendas real conferences published, as organizers will: counts, times, feeds, exports
// and re-imports. It has no code of its own.
package corpus
