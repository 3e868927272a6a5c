package bot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// personalData lists the personal data of every demo customer except the
// one with email mine (lower-cased e-mails, phones in E.164 and as given,
// full names and street addresses).
func personalData(t testing.TB, mine string) (others, all []string) {
	t.Helper()
	add := func(list *[]string, s *string) {
		if s == nil || len(strings.TrimSpace(*s)) < 5 {
			return
		}
		*list = append(*list, strings.TrimSpace(*s))
	}
	for _, o := range upgatestest.Demo().Orders {
		c := o.Customer
		var pd []string
		add(&pd, c.Email)
		add(&pd, c.Phone)
		if c.Phone != nil {
			if n, err := phonenumbers.Parse(*c.Phone, "CZ"); err == nil {
				e164 := phonenumbers.Format(n, phonenumbers.E164)
				add(&pd, &e164)
			}
		}
		if c.FirstnameInvoice != nil && c.SurnameInvoice != nil {
			name := *c.FirstnameInvoice + " " + *c.SurnameInvoice
			add(&pd, &name)
		}
		add(&pd, c.StreetInvoice)
		all = append(all, pd...)
		if c.Email == nil || !strings.EqualFold(*c.Email, mine) {
			others = append(others, pd...)
		}
	}
	return others, all
}

// privateValues collects the string values of a session's private
// variables that are not also public.
func privateValues(priv, pub map[string]any) []string {
	public := map[string]bool{}
	var walk func(v any, f func(string))
	walk = func(v any, f func(string)) {
		switch x := v.(type) {
		case string:
			f(x)
		case map[string]any:
			for _, e := range x {
				walk(e, f)
			}
		case []any:
			for _, e := range x {
				walk(e, f)
			}
		}
	}
	walk(pub, func(s string) { public[s] = true })
	var out []string
	walk(priv, func(s string) {
		for _, p := range strings.Split(s, "\n") {
			if len(p) >= 5 && !public[p] {
				out = append(out, p)
			}
		}
	})
	return out
}

// autoClient answers whatever the bot expects, for walking every path of
// a scenario: the other customer's order first, then the right details.
type autoClient struct {
	c              *convo
	mine, other    upgatestest.Hint
	choices        []string
	orders, emails int
	voice          bool
}

func (a *autoClient) answer(rep bot.Reply) (bot.Request, bool) {
	r := bot.Request{Session: a.c.session, Channel: a.c.channel, Client: a.c.client, Caller: a.mine.Phone, Kind: bot.KindText}
	if rep.End != "" {
		return r, false
	}
	switch rep.Expect.Input {
	case "order_number":
		a.orders++
		r.Text = a.mine.OrderNumber
		if a.orders == 1 {
			r.Text = a.other.OrderNumber
		}
	case "email":
		a.emails++
		r.Text = a.mine.Email
	case "phone":
		r.Text = a.mine.Phone
	case "number":
		r.Text = "1"
	case "yes_no":
		r.Text = "ano"
	default:
		if len(a.choices) == 0 {
			return r, false
		}
		r.Kind, r.Value = bot.KindButton, a.choices[0]
		if a.voice {
			r.Kind, r.Text, r.Value = bot.KindText, a.choices[0], ""
		}
		a.choices = a.choices[1:]
	}
	return r, true
}

func TestPrivacyAcrossDefaultScenario(t *testing.T) {
	mine, other := demoOrder(t)
	othersPD, allPD := personalData(t, mine.Email)
	h := newHarness(t, "default", bot.Config{PhoneVerify: true, TransferTo: "+420800123456", LockoutMax: 1000})
	opening := mustHandle(t, h.bot, bot.Request{Kind: bot.KindHello})
	var menu []string
	for _, m := range opening.Messages {
		for _, b := range m.Buttons {
			menu = append(menu, b.Value)
		}
	}
	if len(menu) < 5 {
		t.Fatalf("default scenario menu = %v, want the main choices", menu)
	}

	var out strings.Builder
	// secrets are the private values that must never reach a client:
	// contact data, addresses, links to the shop's administration. (The
	// default scenario keeps every shop answer in $ variables and shows
	// some on purpose, such as a status name; those are not secrets.)
	// logSecrets are all private values: none may reach a log line.
	secrets, logSecrets := map[string]bool{}, map[string]bool{}
	pd := map[string]bool{}
	for _, v := range allPD {
		pd[strings.ToLower(v)] = true
	}
	turns := 0
	for _, lang := range []string{"cs", "en"} {
		for _, channel := range []string{"web", "voice"} {
			for i, choice := range menu {
				name := fmt.Sprintf("%s-%s-%s", lang, channel, choice)
				c := &convo{t: t, h: h.bot, channel: channel, lang: lang, client: "192.0.2.77"}
				if channel == "voice" {
					c.session = "CA-privacy-" + name
				}
				// Each path asks about its choice, then about the
				// next one (a second question in the same session).
				a := &autoClient{c: c, mine: mine, other: other, voice: channel == "voice",
					choices: []string{choice, menu[(i+1)%len(menu)]}}
				rep := mustHandle(t, h.bot, bot.Request{Kind: bot.KindHello, Session: c.session, Channel: channel, Lang: lang, Caller: mine.Phone, Client: c.client})
				c.session = rep.Session
				for n := 0; n < 25; n++ {
					j, _ := json.Marshal(rep)
					out.Write(j)
					if s, err := h.store.Get(t.Context(), c.session); err == nil {
						for _, v := range privateValues(s.Private, s.Public) {
							// Order numbers the customer typed may be
							// repeated back; they are not personal data.
							if v == mine.OrderNumber || v == other.OrderNumber {
								continue
							}
							// $transfer is the shop's own number, which
							// the transfer action carries by design.
							if v == "+420800123456" {
								continue
							}
							logSecrets[v] = true
							if sensitive(v) || pd[strings.ToLower(v)] {
								secrets[v] = true
							}
						}
					}
					req, ok := a.answer(rep)
					if testing.Verbose() {
						t.Logf("%s: %q -> %s%s", name, texts(rep), req.Text, req.Value)
					}
					if !ok {
						break
					}
					var err error
					rep, err = h.bot.Handle(t.Context(), req)
					turns++
					if err != nil {
						t.Fatalf("%s turn %d: %v", name, n, err)
					}
				}
				rep = (&convo{t: t, h: h.bot, session: c.session, channel: channel}).hello()
				j, _ := json.Marshal(rep)
				out.Write(j)
			}
		}
	}
	t.Logf("walked %d turns over %d paths; %d private values seen, %d of them contact data", turns, 4*len(menu), len(logSecrets), len(secrets))
	if len(secrets) == 0 || len(logSecrets) == 0 {
		t.Fatal("no private values seen: the scan would prove nothing")
	}
	replies, logs := strings.ToLower(out.String()), strings.ToLower(h.logs.String())
	if !strings.Contains(logs, "level=debug") {
		t.Fatal("no debug log lines captured")
	}
	for s := range secrets {
		if strings.Contains(replies, strings.ToLower(s)) {
			t.Errorf("a private value leaked into replies: %.3s…", s)
		}
	}
	for s := range logSecrets {
		if containsWord(logs, strings.ToLower(s)) {
			t.Errorf("a private value leaked into logs: %.3s…", s)
		}
	}
	for _, pd := range othersPD {
		if strings.Contains(replies, strings.ToLower(pd)) {
			t.Errorf("another customer's data leaked into replies: %.3s…", pd)
		}
	}
	for _, pd := range allPD {
		if strings.Contains(logs, strings.ToLower(pd)) {
			t.Errorf("personal data leaked into logs: %.3s…", pd)
		}
	}
}

// sensitive reports whether a private value is contact data or a link:
// an e-mail address, a phone number, a URL.
func sensitive(v string) bool {
	if strings.Contains(v, "@") || strings.Contains(v, "://") {
		return true
	}
	digits := 0
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '+':
		default:
			return false
		}
	}
	return digits >= 9 && strings.HasPrefix(strings.TrimSpace(v), "+")
}

// containsWord reports whether needle occurs in hay as a whole token: not
// preceded or followed by a letter or digit (so a status type "Custom" is
// not found in "customer_orders", nor a date in a log timestamp).
func containsWord(hay, needle string) bool {
	for off := 0; ; {
		i := strings.Index(hay[off:], needle)
		if i < 0 {
			return false
		}
		i += off
		before, _ := utf8.DecodeLastRuneInString(hay[:i])
		after, _ := utf8.DecodeRuneInString(hay[i+len(needle):])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		off = i + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
