package agenda

import "sync/atomic"

// lookups finds an agenda's sessions, speakers, tracks and rooms by id without a scan:
// agendas reach 20,000 sessions, and every render looks up each session's speakers, track
// and room. Each index is made on first use and remade when its list is replaced or
// resized; a hit is checked against the list, and a miss scans it, so an agenda changed
// in place is still read right.
type lookups struct {
	sessions atomic.Pointer[positions[Session]]
	speakers atomic.Pointer[positions[Speaker]]
	tracks   atomic.Pointer[positions[Track]]
	rooms    atomic.Pointer[positions[Room]]
}

// indexFrom is the list length from which an index beats a scan.
const indexFrom = 16

type positions[T any] struct {
	first *T
	n     int
	at    map[string]int // id -> position of its first item
}

func find[T any](p *atomic.Pointer[positions[T]], list []T, id string, idOf func(*T) string) (T, bool) {
	var zero T
	if len(list) >= indexFrom {
		ix := p.Load()
		if ix == nil || ix.first != &list[0] || ix.n != len(list) {
			ix = &positions[T]{first: &list[0], n: len(list), at: make(map[string]int, len(list))}
			for i := range list {
				if k := idOf(&list[i]); !has(ix.at, k) {
					ix.at[k] = i
				}
			}
			p.Store(ix)
		}
		if i, ok := ix.at[id]; ok && idOf(&list[i]) == id {
			return list[i], true
		}
	}
	for i := range list {
		if idOf(&list[i]) == id {
			return list[i], true
		}
	}
	return zero, false
}

func has(m map[string]int, k string) bool { _, ok := m[k]; return ok }
