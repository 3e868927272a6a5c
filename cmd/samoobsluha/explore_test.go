package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/samoobsluha/samoobsluha/convo"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

func TestExplore(t *testing.T) {
	script := os.Getenv("EXPLORE")
	if script == "" {
		t.Skip()
	}
	sc, _ := loadScenario("")
	o := testOptions{Lang: "cs", TransferTo: "+420222333444", PublicURL: "http://localhost:8080", Logger: slog.New(slog.DiscardHandler), Shop: upgatestest.Demo(), Scenario: sc}
	tg := inProcessTarget(o)
	c, err := tg.StartConvo(t.Context(), &convo.Convo{ShopDown: os.Getenv("DOWN") != "", Vars: map[string]string{"$account": os.Getenv("ACCT"), "$bank": "0800"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, line := range strings.Split(script, ";") {
		line = strings.TrimSpace(line)
		in := convo.Input{Kind: convo.InputText, Text: line}
		switch {
		case line == "HELLO":
			in = convo.Input{Kind: convo.InputHello}
		case line == "HELLOEN":
			in = convo.Input{Kind: convo.InputHello, Lang: "en"}
		case line == "RESUME":
			in = convo.Input{Kind: convo.InputHello, Resume: true}
		case strings.HasPrefix(line, "VOICEEN"):
			in = convo.Input{Kind: convo.InputVoiceStart, Caller: strings.TrimSpace(line[7:]), Lang: "en"}
		case strings.HasPrefix(line, "VOICE"):
			in = convo.Input{Kind: convo.InputVoiceStart, Caller: strings.TrimSpace(line[5:])}
		case strings.HasPrefix(line, "B "):
			in = convo.Input{Kind: convo.InputButton, Value: line[2:]}
		case strings.HasPrefix(line, "D "):
			in = convo.Input{Kind: convo.InputDigits, Digits: line[2:]}
		case line == "NOIN":
			in = convo.Input{Kind: convo.InputNoInput}
		case line == "HANGUP":
			in = convo.Input{Kind: convo.InputHangup}
		}
		tr, err := c.Send(t.Context(), in)
		fmt.Printf("#me %s\n", in.String())
		if err != nil {
			fmt.Println("ERR", err)
			continue
		}
		for _, m := range tr.Messages {
			fmt.Printf("  bot: %q", m.Text)
			for _, b := range m.Buttons {
				fmt.Printf(" [%s](%s)", b.Title, b.Value)
			}
			for _, l := range m.Links {
				fmt.Printf(" link[%s](%s)", l.Title, l.URL)
			}
			if m.Image != "" {
				fmt.Printf(" image %.30s", m.Image)
			}
			fmt.Println()
		}
		if tr.Voice != nil {
			fmt.Printf("  voice: action=%s to=%s input=%s hint=%s ssml=%.200s\n", tr.Voice.Action, tr.Voice.TransferTo, tr.Voice.Input, tr.Voice.Hint, tr.Voice.SSML)
		}
		fmt.Printf("  expect=%v end=%q err=%v vars=%v resumed=%v hist=%d\n", tr.Expect, tr.End, tr.Error, tr.Vars, tr.Resumed, len(tr.History))
	}
}
