package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/samoobsluha/samoobsluha/bot/apps"
	"github.com/samoobsluha/samoobsluha/dialog"
)

// runLint checks scenario files: errors and warnings with file:line, exit
// status 1 when any file has an error. "-" or no file lints the embedded
// default scenario.
func runLint(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: samoobsluha lint [FILE...]   (no file: the embedded default scenario)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	errorsFound := 0
	for _, f := range files {
		name, data := f, []byte(nil)
		if f == "-" {
			name, data = "default.yaml", dialog.DefaultScenario()
		} else {
			var err error
			if data, err = os.ReadFile(f); err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", f, err)
				errorsFound++
				continue
			}
		}
		diags := dialog.Lint(name, data, apps.Catalog())
		for _, d := range diags {
			fmt.Fprintln(stdout, d.String())
			if d.Severity == "error" {
				errorsFound++
			}
		}
		if len(diags) == 0 {
			fmt.Fprintf(stdout, "%s: ok\n", name)
		}
	}
	if errorsFound > 0 {
		return exitError(1)
	}
	return nil
}
