package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/samoobsluha/samoobsluha/upgates/upgatestest"
)

// runFakeUpgates serves the fake Upgates shop with the demo data until ctx
// ends, for trying the server against "another" shop or for load tests.
func runFakeUpgates(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fake-upgates", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "address to listen on")
	latency := fs.Duration("latency", 0, "delay added to every response (simulates a slow shop)")
	quotaHour := fs.Int("quota-hour", 100, "requests allowed per calendar hour (Upgates Platinum: 100)")
	quotaDay := fs.Int("quota-day", 1500, "requests allowed per day beyond the hourly ones (Platinum: 1500)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	fake := upgatestest.New(upgatestest.Demo())
	fake.SetQuota(*quotaHour, *quotaDay)
	if *latency > 0 {
		fake.SetLatency(*latency)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "fake Upgates shop at http://%s/api/v2 (login %q, key %q)\n", ln.Addr(), upgatestest.DemoLogin, upgatestest.DemoKey)
	for _, h := range upgatestest.DemoHints() {
		fmt.Fprintf(stdout, "  %-12s %-28s %s\n", h.OrderNumber, h.Email, h.Summary)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
