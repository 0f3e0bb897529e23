// Command gen writes the sample agendas in ../: one made-up conference, Tail Latency Summit
// 2025 (Berlin, October 25–26, across the end of summer time), as its organizers would
// export it from Sessionize ("All" JSON), from pretalx (schedule.json) and from frab
// (schedule.xml), each in two waves: v1, then v2 where one talk moved, one was renamed, one
// was withdrawn, a TBA slot got its time and a newly announced speaker joined.
//
//	go run ./internal/formats/testdata/gen
package main

import (
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type person struct {
	Name, Title, Company, Bio, Code, GUID string
	SessionizeID                          string
}

type talk struct {
	N        int // sessionize id = 900000 + N, pretalx id = N
	Title    string
	Abstract string
	Kind     string // Talk, Keynote, Lightning Talks, Panel, Break
	Track    int    // 0..3, -1 for none
	Room     int    // 0..3
	Plenum   bool
	Speakers []int
	Start    time.Time // zero: TBA
	Minutes  int
}

var (
	berlin, _ = time.LoadLocation("Europe/Berlin")
	rooms     = []string{"Hall A", "Hall B", "Room 1", "Room 2"}
	tracks    = []string{"Databases", "Kernel & eBPF", "Languages & Runtimes", "Observability"}
	first     = []string{"Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ines", "Jonas", "Kemal", "Lena", "Mateo", "Noor", "Olga", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Ulla", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia", "Aarav", "Bea", "Caspar", "Dalia"}
	last      = []string{"Moreau", "Kowalski", "Lindqvist", "Okafor", "Tanaka", "Brandt", "Rossi", "Haddad", "Novak", "Fischer", "Oliveira", "Petrov", "Nakamura", "Schulz", "Costa", "Ivanova", "Mehta", "Bauer", "Jensen", "Silva"}
	companies = []string{"Quicksilver DB", "Ringbuffer Labs", "Tailwind Systems", "Kernelworks", "Ferrous Cloud", "Lowlat Networks", "Spanfold", "Hotpath GmbH", "Microstack", "Edgecache"}
	roles     = []string{"Staff Engineer", "Principal Engineer", "Performance Engineer", "Kernel Developer", "Database Engineer", "SRE Lead", "CTO", "Research Engineer"}
	topics    = [][]string{
		{"LSM compaction without tail spikes", "Lock-free B-trees in practice", "Query planning under a latency budget", "Shard-per-core databases", "What fsync really costs", "Vectorized execution on ARM", "Replication lag you can reason about"},
		{"io_uring in production", "eBPF profilers that cost nothing", "Scheduler tuning for p99", "NUMA-aware memory allocation", "Zero-copy networking with AF_XDP", "Huge pages, huge surprises", "Interrupt coalescing demystified"},
		{"Async Rust without allocations", "Go's GC under a latency SLO", "Zig for systems people", "C++ coroutines at scale", "WebAssembly on the hot path", "JIT warm-up and the first request", "Profile-guided optimization for services"},
		{"Histograms that do not lie", "Tracing the 99.99th percentile", "Coordinated omission, again", "Continuous profiling in CI", "Latency SLOs that engineers trust", "Load testing with open models", "Alerting on tails, not averages"},
	}
)

func main() {
	people, talks := model()
	out := filepath.Join(".", "internal", "formats", "testdata")
	for wave := 1; wave <= 2; wave++ {
		ts, ps := talks, people
		if wave == 2 {
			ts, ps = secondWave(talks, people)
		}
		write(filepath.Join(out, fmt.Sprintf("sessionize-all-v%d.json", wave)), sessionize(ps, ts))
		write(filepath.Join(out, fmt.Sprintf("pretalx-schedule-v%d.json", wave)), pretalx(ps, ts, wave))
		write(filepath.Join(out, fmt.Sprintf("frab-schedule-v%d.xml", wave)), frab(ps, ts, wave))
	}
}

func write(path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
}

func at(day, h, m int) time.Time { return time.Date(2025, 10, 25+day, h, m, 0, 0, berlin) }

func model() ([]person, []talk) {
	var people []person
	for i := 0; i < 62; i++ {
		name := first[i%len(first)] + " " + last[(i*7+i/len(first))%len(last)]
		company := companies[i%len(companies)]
		role := roles[(i*3)%len(roles)]
		people = append(people, person{
			Name: name, Title: role + " at " + company, Company: company,
			Bio: fmt.Sprintf("%s works on %s at %s and has spent the last decade chasing tail latency.\n\nOutside work: %s.",
				strings.Fields(name)[0], strings.ToLower(tracks[i%4]), company, []string{"climbing", "sourdough", "chess", "cycling", "synthesizers"}[i%5]),
			Code: code(name), GUID: uuid("person:" + name), SessionizeID: uuid("sessionize:" + name),
		})
	}
	var talks []talk
	n := 0
	add := func(t talk) {
		n++
		t.N = n
		talks = append(talks, t)
	}
	sp := 0
	next := func(k int) []int {
		var out []int
		for range k {
			out = append(out, sp%58) // the last four people have no session yet
			sp++
		}
		return out
	}
	for day := 0; day < 2; day++ {
		add(talk{Title: []string{"Opening keynote: The speed of light is too slow", "Keynote: Ten years of p99"}[day], Kind: "Keynote", Track: -1, Room: 0, Plenum: true,
			Speakers: next(1), Start: at(day, 9, 0), Minutes: 40, Abstract: "Why the last nanoseconds are the expensive ones, and where the next ten years of latency work will come from."})
		slots := [][2]int{{9, 45}, {11, 0}, {11, 45}, {13, 30}, {14, 15}, {15, 30}, {16, 15}}
		for si, sl := range slots {
			for r := 0; r < 4; r++ {
				title := topics[r][(si+day*3)%7]
				if day == 1 {
					title += ", part two"
				}
				k := 1
				if (si+r)%5 == 0 {
					k = 2
				}
				kind := "Talk"
				if si == 6 && r == 3 {
					kind = "Panel"
					k = 3
				}
				add(talk{Title: title, Kind: kind, Track: r, Room: r, Speakers: next(k), Start: at(day, sl[0], sl[1]), Minutes: 40,
					Abstract: abstract(title, r)})
			}
		}
		for _, b := range [][3]int{{10, 30, 30}, {12, 30, 60}, {15, 0, 30}} {
			add(talk{Title: map[int]string{10: "Coffee break", 12: "Lunch", 15: "Coffee break"}[b[0]], Kind: "Break", Track: -1, Room: 0, Plenum: true,
				Start: at(day, b[0], b[1]), Minutes: b[2]})
		}
		add(talk{Title: "Lightning talks", Kind: "Lightning Talks", Track: -1, Room: 0, Plenum: true, Speakers: next(3), Start: at(day, 17, 0), Minutes: 45,
			Abstract: "Five minutes each: the smallest changes with the biggest effect on tail latency."})
	}
	// Two announced talks without a slot yet (TBA in Sessionize).
	add(talk{Title: "Tail latency in the browser", Kind: "Talk", Track: 2, Room: 2, Speakers: next(1), Minutes: 40, Abstract: abstract("Tail latency in the browser", 2)})
	add(talk{Title: "Closing panel: what we learned", Kind: "Panel", Track: -1, Room: 0, Speakers: next(2), Minutes: 40, Abstract: "The week's speakers on what surprised them."})
	return people, talks
}

// secondWave: a talk moved, one renamed, one withdrawn, a TBA got its slot, a new speaker.
func secondWave(talks []talk, people []person) ([]talk, []person) {
	out := make([]talk, 0, len(talks))
	for _, t := range talks {
		switch t.N {
		case 3: // moved to the end of the second day
			t.Start, t.Room = at(1, 17, 45), 1
		case 7:
			t.Title = "io_uring in production: two years later"
		case 12:
			continue // withdrawn
		}
		if t.Start.IsZero() && t.Kind == "Talk" {
			t.Start = at(1, 17, 45) // the TBA talk got a slot
			t.Room = 2
		}
		out = append(out, t)
	}
	people = append(people[:len(people):len(people)], person{Name: "Marisol Achterberg", Title: "Principal Engineer at Lowlat Networks", Company: "Lowlat Networks",
		Bio: "Marisol builds trading networks where a microsecond is a lot.", Code: code("Marisol Achterberg"), GUID: uuid("person:Marisol Achterberg"),
		SessionizeID: uuid("sessionize:Marisol Achterberg")})
	return out, people
}

func abstract(title string, track int) string {
	return fmt.Sprintf("%s. We start from a production incident where the median stayed flat while the 99th percentile tripled, "+
		"and work through the measurements that found the cause.\n\nYou will leave with a checklist for %s work: what to measure, "+
		"which tools lie under load, and the three changes that paid off most.", title, strings.ToLower(tracks[track]))
}

func uuid(seed string) string {
	h := sha256.Sum256([]byte(seed))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func code(name string) string {
	h := sha256.Sum256([]byte(name))
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	var b strings.Builder
	for i := 0; i < 6; i++ {
		b.WriteByte(letters[int(h[i])%len(letters)])
	}
	return b.String()
}

func indent(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	return append(b, '\n')
}

// --- Sessionize "All" ---

func sessionize(people []person, talks []talk) []byte {
	type link struct {
		Title    string `json:"title"`
		URL      string `json:"url"`
		LinkType string `json:"linkType"`
	}
	sessions := []map[string]any{}
	spSessions := map[int][]int{}
	for _, t := range talks {
		var speakers []string
		for _, p := range t.Speakers {
			speakers = append(speakers, people[p].SessionizeID)
			spSessions[p] = append(spSessions[p], 900000+t.N)
		}
		if speakers == nil {
			speakers = []string{}
		}
		cats := []int{}
		if t.Track >= 0 {
			cats = append(cats, 101+t.Track, 201+(t.N%3))
		}
		s := map[string]any{
			"id": fmt.Sprint(900000 + t.N), "title": t.Title, "description": nilIfEmpty(t.Abstract),
			"startsAt": nil, "endsAt": nil, "isServiceSession": t.Kind == "Break", "isPlenumSession": t.Plenum,
			"speakers": speakers, "categoryItems": cats, "questionAnswers": []any{}, "roomId": 3001 + t.Room,
			"liveUrl": nil, "recordingUrl": nil, "status": "Accepted", "isInformed": true, "isConfirmed": true,
		}
		if !t.Start.IsZero() {
			s["startsAt"] = t.Start.Format("2006-01-02T15:04:05")
			s["endsAt"] = t.Start.Add(time.Duration(t.Minutes) * time.Minute).Format("2006-01-02T15:04:05")
		}
		if t.Kind == "Keynote" || t.Kind == "Lightning Talks" {
			s["liveUrl"] = "https://live.example.org/tail-latency-summit/hall-a"
		}
		sessions = append(sessions, s)
	}
	speakers := []map[string]any{}
	for i, p := range people {
		f := strings.Fields(p.Name)
		links := []link{{Title: "Blog", URL: "https://blog.example.org/" + strings.ToLower(f[0]), LinkType: "Blog"}}
		if i%3 == 0 {
			links = append(links, link{Title: "LinkedIn", URL: "https://www.linkedin.com/in/" + strings.ToLower(f[0]+"-"+f[1]), LinkType: "LinkedIn"})
		}
		ss := spSessions[i]
		if ss == nil {
			ss = []int{}
		}
		speakers = append(speakers, map[string]any{
			"id": p.SessionizeID, "firstName": f[0], "lastName": f[1], "fullName": p.Name, "bio": p.Bio, "tagLine": p.Title,
			"profilePicture": "https://images.example.org/speakers/" + p.Code + ".jpg", "isTopSpeaker": i < 2,
			"links": links, "sessions": ss, "fullNameLocalized": nil, "categoryItems": []int{}, "questionAnswers": []any{},
		})
	}
	cat := func(id int, title string, names []string, base int) map[string]any {
		items := []map[string]any{}
		for i, n := range names {
			items = append(items, map[string]any{"id": base + i, "name": n, "sort": i})
		}
		return map[string]any{"id": id, "title": title, "items": items, "sort": id, "type": "session"}
	}
	roomList := []map[string]any{}
	for i, r := range rooms {
		roomList = append(roomList, map[string]any{"id": 3001 + i, "name": r, "sort": i})
	}
	return indent(map[string]any{
		"sessions": sessions, "speakers": speakers, "questions": []any{},
		"categories": []any{cat(10, "Track", tracks, 101), cat(20, "Level", []string{"Introductory", "Intermediate", "Advanced"}, 201)},
		"rooms":      roomList,
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// --- pretalx schedule.json (frab/c3voc family) ---

type frabPerson struct {
	Code       string `json:"code" xml:"-"`
	GUID       string `json:"guid" xml:"guid,attr"`
	ID         int    `json:"id" xml:"id,attr"`
	Name       string `json:"name" xml:",chardata"`
	PublicName string `json:"public_name" xml:"-"`
	Biography  string `json:"biography" xml:"-"`
	Avatar     string `json:"avatar,omitempty" xml:"-"`
}

type frabEvent struct {
	GUID        string       `json:"guid"`
	ID          int          `json:"id"`
	Date        string       `json:"date"`
	Start       string       `json:"start"`
	Duration    string       `json:"duration"`
	Room        string       `json:"room"`
	Slug        string       `json:"slug"`
	URL         string       `json:"url"`
	Title       string       `json:"title"`
	Subtitle    string       `json:"subtitle"`
	Track       *string      `json:"track"`
	Type        string       `json:"type"`
	Language    string       `json:"language"`
	Abstract    string       `json:"abstract"`
	Description string       `json:"description"`
	Persons     []frabPerson `json:"persons"`
	Links       []any        `json:"links"`
}

func frabEvents(people []person, talks []talk, day int) map[string][]frabEvent {
	byRoom := map[string][]frabEvent{}
	for _, t := range talks {
		if t.Start.IsZero() || t.Kind == "Break" || t.Start.Day() != 25+day {
			continue
		}
		e := frabEvent{
			GUID: uuid(fmt.Sprint("event:", t.N)), ID: 4000 + t.N, Date: t.Start.Format(time.RFC3339),
			Start: t.Start.Format("15:04"), Duration: fmt.Sprintf("%02d:%02d", t.Minutes/60, t.Minutes%60),
			Room: rooms[t.Room], Slug: fmt.Sprintf("tls25-%d-%s", 4000+t.N, slug(t.Title)),
			URL: fmt.Sprintf("https://pretalx.example.org/tls25/talk/%s/", code(fmt.Sprint(t.N))), Title: t.Title,
			Type: t.Kind, Language: "en", Abstract: t.Abstract, Links: []any{}, Persons: []frabPerson{},
		}
		if t.Track >= 0 {
			e.Track = &tracks[t.Track]
		}
		for _, p := range t.Speakers {
			pp := people[p]
			e.Persons = append(e.Persons, frabPerson{Code: pp.Code, GUID: pp.GUID, ID: 7000 + p, Name: pp.Name, PublicName: pp.Name, Biography: pp.Bio,
				Avatar: "https://pretalx.example.org/media/avatars/" + pp.Code + ".png"})
		}
		byRoom[e.Room] = append(byRoom[e.Room], e)
	}
	return byRoom
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func pretalx(people []person, talks []talk, wave int) []byte {
	var days []map[string]any
	for d := 0; d < 2; d++ {
		days = append(days, map[string]any{
			"index": d + 1, "date": at(d, 0, 0).Format(time.DateOnly),
			"day_start": at(d, 6, 0).Format(time.RFC3339), "day_end": at(d, 22, 0).Format(time.RFC3339),
			"rooms": frabEvents(people, talks, d),
		})
	}
	var roomList, trackList []map[string]any
	for _, r := range rooms {
		roomList = append(roomList, map[string]any{"name": r, "guid": uuid("room:" + r), "description": nil, "capacity": 300})
	}
	for i, t := range tracks {
		trackList = append(trackList, map[string]any{"name": t, "color": []string{"#5a31f4", "#00866b", "#b3401b", "#0b57d0"}[i]})
	}
	return indent(map[string]any{
		"$schema":   "https://c3voc.de/schedule/schema.json",
		"generator": map[string]any{"name": "pretalx", "version": "2025.1.0"},
		"schedule": map[string]any{
			"url": "https://pretalx.example.org/tls25/schedule/", "version": fmt.Sprintf("0.%d", wave),
			"base_url": "https://pretalx.example.org",
			"conference": map[string]any{
				"acronym": "tls25", "title": "Tail Latency Summit 2025", "start": "2025-10-25", "end": "2025-10-26",
				"daysCount": 2, "timeslot_duration": "00:05", "time_zone_name": "Europe/Berlin",
				"colors": map[string]any{"primary": "#5a31f4"}, "rooms": roomList, "tracks": trackList, "days": days,
				"url": "https://summit.example.org/",
			},
		},
	})
}

// --- frab schedule.xml ---

func frab(people []person, talks []talk, wave int) []byte {
	type xmlEvent struct {
		GUID        string       `xml:"guid,attr"`
		ID          int          `xml:"id,attr"`
		Date        string       `xml:"date"`
		Start       string       `xml:"start"`
		Duration    string       `xml:"duration"`
		Room        string       `xml:"room"`
		Slug        string       `xml:"slug"`
		URL         string       `xml:"url"`
		Title       string       `xml:"title"`
		Subtitle    string       `xml:"subtitle"`
		Track       string       `xml:"track"`
		Type        string       `xml:"type"`
		Language    string       `xml:"language"`
		Abstract    string       `xml:"abstract"`
		Description string       `xml:"description"`
		Persons     []frabPerson `xml:"persons>person"`
		Links       string       `xml:"links"`
	}
	type xmlRoom struct {
		Name   string     `xml:"name,attr"`
		GUID   string     `xml:"guid,attr"`
		Events []xmlEvent `xml:"event"`
	}
	type xmlDay struct {
		Index int       `xml:"index,attr"`
		Date  string    `xml:"date,attr"`
		Start string    `xml:"start,attr"`
		End   string    `xml:"end,attr"`
		Rooms []xmlRoom `xml:"room"`
	}
	type conference struct {
		Acronym          string `xml:"acronym"`
		Title            string `xml:"title"`
		Start            string `xml:"start"`
		End              string `xml:"end"`
		Days             int    `xml:"days"`
		TimeslotDuration string `xml:"timeslot_duration"`
		BaseURL          string `xml:"base_url"`
		TimeZoneName     string `xml:"time_zone_name"`
	}
	type schedule struct {
		XMLName    xml.Name   `xml:"schedule"`
		Version    string     `xml:"version"`
		Conference conference `xml:"conference"`
		Days       []xmlDay   `xml:"day"`
	}
	s := schedule{Version: fmt.Sprintf("0.%d", wave), Conference: conference{Acronym: "tls25", Title: "Tail Latency Summit 2025",
		Start: "2025-10-25", End: "2025-10-26", Days: 2, TimeslotDuration: "00:05", BaseURL: "https://frab.example.org/", TimeZoneName: "Europe/Berlin"}}
	for d := 0; d < 2; d++ {
		day := xmlDay{Index: d + 1, Date: at(d, 0, 0).Format(time.DateOnly), Start: at(d, 6, 0).Format(time.RFC3339), End: at(d, 22, 0).Format(time.RFC3339)}
		byRoom := frabEvents(people, talks, d)
		for _, r := range rooms {
			room := xmlRoom{Name: r, GUID: uuid("room:" + r)}
			for _, e := range byRoom[r] {
				x := xmlEvent{GUID: e.GUID, ID: e.ID, Date: e.Date, Start: e.Start, Duration: e.Duration, Room: e.Room, Slug: e.Slug,
					URL: strings.Replace(e.URL, "pretalx", "frab", 1), Title: e.Title, Type: e.Type, Language: e.Language,
					Abstract: e.Abstract, Persons: e.Persons}
				if e.Track != nil {
					x.Track = *e.Track
				}
				room.Events = append(room.Events, x)
			}
			day.Rooms = append(day.Rooms, room)
		}
		s.Days = append(s.Days, day)
	}
	b, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	return append([]byte(xml.Header), append(b, '\n')...)
}
