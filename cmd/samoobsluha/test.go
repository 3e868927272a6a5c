package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/samoobsluha/samoobsluha/bot"
	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/convo"
	"github.com/samoobsluha/samoobsluha/dialog"
	"github.com/samoobsluha/samoobsluha/session"
	"github.com/samoobsluha/samoobsluha/upgates"
	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// testSecret signs invoice links of in-process test bots: not a secret,
// the links point at no server.
const testSecret = "samoobsluha-test-invoice-signing"

// shopEndpoints are the fake shop's endpoints that @shop-permission can
// restrict (upgatestest.Fake.SetPermission).
var shopEndpoints = map[string]bool{"orders": true, "order-statuses": true, "customers": true, "products": true, "invoices": true}

// testOptions configure in-process test bots.
type testOptions struct {
	Scenario   *dialog.Scenario     // the scenario the bot runs
	Shop       *upgatestest.Dataset // the fake shop's data
	Lang       string               // the bot's default language
	TransferTo string               // where voice handovers go
	PublicURL  string               // base of invoice links
	Logger     *slog.Logger
	// Demo gives the bot the demo's bank account (QR payments), as serve
	// does for the embedded demo shop; a convo's @var wins.
	Demo bool
}

// inProcessTarget returns the convo target that builds, for every
// conversation, a fresh bot over a fresh fake shop (served over loopback
// HTTP through the real Upgates client), a memory store, a memory failure
// counter and the conversation's fake clock.
func inProcessTarget(o testOptions) *convo.InProcess {
	return &convo.InProcess{New: func(ctx context.Context, setup convo.Setup) (bot.Handler, func(), error) {
		return newTestBot(o, setup)
	}}
}

// newTestBot builds one in-process bot world for a conversation.
func newTestBot(o testOptions, setup convo.Setup) (bot.Handler, func(), error) {
	fake := upgatestest.New(o.Shop.Clone())
	fake.SetClock(setup.Now)
	if setup.ShopDown {
		fake.Fail(http.StatusServiceUnavailable, 1<<30)
	}
	for endpoint, level := range setup.ShopPermissions {
		if !shopEndpoints[endpoint] || (level != upgatestest.PermDeny && level != upgatestest.PermReadOnly && level != upgatestest.PermAll) {
			return nil, nil, fmt.Errorf("@shop-permission %s=%s: the endpoint is one of orders, order-statuses, customers, products, invoices and the level deny, readonly or all", endpoint, level)
		}
		fake.SetPermission(endpoint, level)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("fake shop: %w", err)
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = srv.Serve(ln) }()
	cleanup := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		wg.Wait()
	}
	client := upgates.New("http://"+ln.Addr().String()+"/api/v2", o.Shop.Login, o.Shop.Key, upgates.Options{
		Cache: session.NewMemoryCache(setup.Now),
		Now:   setup.Now,
	})
	ap, err := apps.New(client, "default", apps.Options{
		PublicURL: o.PublicURL,
		Secret:    []byte(testSecret),
		Region:    "CZ",
		Now:       setup.Now,
	})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	vars := setup.Vars
	if o.Demo {
		vars = withDemoAccount(vars)
	}
	var n atomic.Int64
	b, err := bot.New(bot.Config{
		ID:          "default",
		Lang:        o.Lang,
		Scenario:    o.Scenario,
		Apps:        ap,
		Store:       session.NewMemoryStore(session.MemoryOptions{Now: setup.Now}),
		Failures:    session.NewMemoryCounter(setup.Now),
		Logger:      o.Logger,
		Now:         setup.Now,
		NewID:       func() string { return fmt.Sprintf("test-session-%d", n.Add(1)) },
		TransferTo:  o.TransferTo,
		PhoneVerify: true,
		Region:      "CZ",
		Vars:        vars,
	})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return b, cleanup, nil
}

// runTest is "samoobsluha test [flags] FILES_OR_DIRS": it runs scripted
// dialogs (docs/scripted-dialogs.md) in-process or against a running
// server, prints a report and returns exitError(1) when a convo failed.
func runTest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wsURL := fs.String("url", "", "chat socket of a running server, e.g. ws://localhost:8080/ws?bot=default: web convos run there instead of in-process")
	voiceURL := fs.String("voice-url", "", "voice endpoint of a running server, e.g. http://localhost:8080/voice/turn (token from env "+envName("voice-token")+"): voice convos run there")
	junit := fs.String("junit", "", "also write the results as JUnit XML to this file")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "convos run at once")
	timeout := fs.Duration("timeout", 2*time.Minute, "time limit of one convo")
	verbose := fs.Bool("v", false, "print the transcript of every convo, not only of failures")
	scenario := fs.String("scenario", "", "in-process: scenario YAML file (default: the embedded default scenario)")
	shop := fs.String("shop", "", "in-process: fake shop data as JSON (default: the embedded demo shop)")
	lang := fs.String("lang", "cs", "in-process: the bot's default language, cs or en")
	transferTo := fs.String("transfer-to", "+420222333444", "in-process: the number voice handovers transfer to")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: samoobsluha test [flags] FILES_OR_DIRS\n\nRuns *.convo.txt scripted dialogs (docs/scripted-dialogs.md). Without -url and\n-voice-url they run in-process against the demo shop with a fixed clock; with\neither, they run against that server (convos of the other channel are skipped).\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("test: name convo files or directories")
	}
	if *lang != "cs" && *lang != "en" {
		return fmt.Errorf("test: -lang %q is not cs or en", *lang)
	}
	convos, err := convo.Load(fs.Args())
	if err != nil {
		return err
	}
	runner := &convo.Runner{Parallel: *parallel, Timeout: *timeout}
	if *wsURL != "" || *voiceURL != "" {
		if *wsURL != "" {
			runner.Web = &convo.WebSocket{URL: *wsURL}
		}
		if *voiceURL != "" {
			runner.Voice = &convo.Voice{URL: *voiceURL, Token: getenv(envName("voice-token"))}
		}
	} else {
		o := testOptions{Lang: *lang, TransferTo: *transferTo, PublicURL: "http://localhost:8080",
			Logger: slog.New(slog.DiscardHandler), Shop: upgatestest.Demo(), Demo: true}
		if o.Scenario, err = loadScenario(*scenario); err != nil {
			return err
		}
		if *shop != "" {
			data, err := os.ReadFile(*shop)
			if err != nil {
				return fmt.Errorf("test: %w", err)
			}
			var d upgatestest.Dataset
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&d); err != nil {
				return fmt.Errorf("test: %s: %w", *shop, err)
			}
			o.Shop, o.Demo = &d, false
		}
		t := inProcessTarget(o)
		runner.Web, runner.Voice = t, t
	}
	results := runner.Run(ctx, convos)
	if err := convo.WriteReport(stdout, results, *verbose); err != nil {
		return err
	}
	if *junit != "" {
		f, err := os.Create(*junit)
		if err != nil {
			return fmt.Errorf("test: %w", err)
		}
		werr := convo.WriteJUnit(f, "samoobsluha test", results)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("test: write %s: %w", *junit, werr)
		}
	}
	if convo.Summarize(results).Failed > 0 {
		return exitError(1)
	}
	return nil
}
