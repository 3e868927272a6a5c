package convo

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// Summary counts results.
type Summary struct {
	Passed, Failed, Skipped int
}

// Summarize counts the results by status.
func Summarize(results []Result) Summary {
	var s Summary
	for _, r := range results {
		switch r.Status {
		case Passed:
			s.Passed++
		case Failed:
			s.Failed++
		default:
			s.Skipped++
		}
	}
	return s
}

// String is the closing line of a report: "N passed, N failed" and the
// skipped count when there are any.
func (s Summary) String() string {
	line := fmt.Sprintf("%d passed, %d failed", s.Passed, s.Failed)
	if s.Skipped > 0 {
		line += fmt.Sprintf(", %d skipped", s.Skipped)
	}
	return line
}

// transcriptTail is how many transcript lines a failure shows.
const transcriptTail = 12

// WriteReport writes a readable report: one line per convo ("ok", "FAIL"
// or "skip"), and for each failure what was expected, what the bot said,
// the first difference and the end of the transcript; then the summary
// line. verbose adds the whole transcript of every convo.
func WriteReport(w io.Writer, results []Result, verbose bool) error {
	var b strings.Builder
	for _, r := range results {
		d := r.Duration.Round(time.Millisecond)
		switch r.Status {
		case Passed:
			fmt.Fprintf(&b, "ok    %s  %s (%s)\n", r.Convo.File, r.Convo.Name, d)
		case Skipped:
			fmt.Fprintf(&b, "skip  %s  %s: %s\n", r.Convo.File, r.Convo.Name, r.Skip)
		default:
			fmt.Fprintf(&b, "FAIL  %s  %s (%s)\n", r.Convo.File, r.Convo.Name, d)
			fmt.Fprintf(&b, "    %s\n", strings.ReplaceAll(r.Failure.Error(), "\n", "\n    "))
		}
		if r.Status == Failed || verbose {
			lines := r.Transcript
			head := "transcript:"
			if !verbose && len(lines) > transcriptTail {
				lines = lines[len(lines)-transcriptTail:]
				head = fmt.Sprintf("transcript (last %d of %d lines):", transcriptTail, len(r.Transcript))
			}
			if len(lines) > 0 {
				fmt.Fprintf(&b, "        %s\n", head)
				for _, l := range lines {
					fmt.Fprintf(&b, "          %s\n", l)
				}
			}
		}
	}
	fmt.Fprintln(&b, Summarize(results).String())
	_, err := io.WriteString(w, b.String())
	return err
}

// JUnit XML (the schema Jenkins, GitLab and GitHub test reporters read).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the results as JUnit XML: one testsuite per directory,
// one testcase per convo (variant), failures with the same text as the
// readable report and the transcript as system-out.
func WriteJUnit(w io.Writer, name string, results []Result) error {
	out := junitSuites{Name: name}
	index := map[string]int{}
	var total time.Duration
	for _, r := range results {
		dir := filepath.ToSlash(filepath.Dir(r.Convo.File))
		i, ok := index[dir]
		if !ok {
			i = len(out.Suites)
			index[dir] = i
			out.Suites = append(out.Suites, junitSuite{Name: dir})
		}
		s := &out.Suites[i]
		tc := junitCase{
			Name:      r.Convo.Name,
			Classname: strings.ReplaceAll(strings.TrimSuffix(filepath.ToSlash(r.Convo.File), ".convo.txt"), "/", "."),
			File:      filepath.ToSlash(r.Convo.File),
			Time:      seconds(r.Duration),
			SystemOut: strings.Join(r.Transcript, "\n"),
		}
		s.Tests++
		out.Tests++
		switch r.Status {
		case Failed:
			s.Failures++
			out.Failures++
			tc.Line = r.Failure.Line
			tc.Failure = &junitFailure{Message: r.Failure.What, Type: "mismatch", Body: r.Failure.Error()}
		case Skipped:
			s.Skipped++
			out.Skipped++
			tc.Skipped = &junitSkipped{Message: r.Skip}
		}
		s.Cases = append(s.Cases, tc)
		total += r.Duration
	}
	for i := range out.Suites {
		var d time.Duration
		for _, r := range results {
			if filepath.ToSlash(filepath.Dir(r.Convo.File)) == out.Suites[i].Name {
				d += r.Duration
			}
		}
		out.Suites[i].Time = seconds(d)
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
