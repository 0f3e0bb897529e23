package feed

import (
	"net/url"
	"strings"
	"time"
)

// Subscribe holds the links that subscribe a calendar client to a feed.
type Subscribe struct {
	FeedURL      string `json:"feedUrl"`
	WebcalURL    string `json:"webcalUrl"`
	GoogleURL    string `json:"googleUrl"`
	OutlookURL   string `json:"outlookUrl"`
	Office365URL string `json:"office365Url"`
}

// SubscribeLinks returns the subscribe links of a feed URL: webcal for Apple and desktop
// clients (iOS rejects webcals://, so plain webcal even for https feeds), Google's cid form
// with the webcal URL (reported to work more reliably there than https), and the
// addfromweb forms of Outlook.com and Microsoft 365.
func SubscribeLinks(feedURL, name string) Subscribe {
	webcal := "webcal://" + strings.TrimPrefix(strings.TrimPrefix(feedURL, "https://"), "http://")
	q := url.Values{"url": {feedURL}, "name": {name}}.Encode()
	return Subscribe{
		FeedURL:      feedURL,
		WebcalURL:    webcal,
		GoogleURL:    "https://calendar.google.com/calendar/r?cid=" + url.QueryEscape(webcal),
		OutlookURL:   "https://outlook.live.com/calendar/0/addfromweb?" + q,
		Office365URL: "https://outlook.office.com/calendar/0/addfromweb?" + q,
	}
}

// AddOne holds the links that add a single session to a calendar.
type AddOne struct {
	Google    string
	Outlook   string
	Office365 string
}

// AddLinks returns one-off "add to calendar" links for a session (UTC times). Outlook uses
// the action/compose form: the older deeplink/compose form broke in 2023.
func AddLinks(title, details, location string, start, end time.Time) AddOne {
	g := url.Values{
		"action": {"TEMPLATE"}, "text": {title}, "details": {details}, "location": {location},
		"dates": {UTCStamp(start) + "/" + UTCStamp(end)},
	}
	o := url.Values{
		"rru": {"addevent"}, "subject": {title}, "body": {details}, "location": {location},
		"startdt": {start.UTC().Format(time.RFC3339)}, "enddt": {end.UTC().Format(time.RFC3339)},
	}
	return AddOne{
		Google:    "https://calendar.google.com/calendar/render?" + g.Encode(),
		Outlook:   "https://outlook.live.com/calendar/0/action/compose?" + o.Encode(),
		Office365: "https://outlook.office.com/calendar/0/action/compose?" + o.Encode(),
	}
}
