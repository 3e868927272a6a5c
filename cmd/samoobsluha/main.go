package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default handling so that a
		// second one exits at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	var ex exitError
	if errors.As(err, &ex) {
		os.Exit(int(ex))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "samoobsluha:", err)
		os.Exit(1)
	}
}

// exitError is returned by subcommands that already printed their result
// and only need a non-zero exit status (lint found errors, a test failed).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run dispatches the subcommands. Tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			return serve(ctx, args[1:], getenv, stdout, stderr, nil)
		case "lint":
			return runLint(args[1:], stdout, stderr)
		case "test":
			return runTest(ctx, args[1:], getenv, stdout, stderr)
		case "healthcheck":
			return runHealthcheck(ctx, args[1:], getenv, stdout, stderr)
		case "fake-upgates":
			return runFakeUpgates(ctx, args[1:], stdout, stderr)
		case "help", "-h", "-help", "--help":
			_, err := parseConfig([]string{"-help"}, getenv, stderr)
			if errors.Is(err, flagErrHelp) {
				return nil
			}
			return err
		}
	}
	return serve(ctx, args, getenv, stdout, stderr, nil)
}
