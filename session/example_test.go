package session_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/samoobsluha/samoobsluha/session"
)

// One turn: lock, load (or start), change, save, unlock.
func Example() {
	ctx := context.Background()
	st := session.NewMemoryStore(session.MemoryOptions{TTL: 30 * time.Minute})

	turn := func(id, text string) error {
		unlock, err := st.Lock(ctx, id)
		if err != nil {
			return err
		}
		defer unlock()
		s, err := st.Get(ctx, id)
		if errors.Is(err, session.ErrNotFound) {
			s = &session.Session{ID: id, Bot: "default", Channel: "web", Lang: "cs",
				Public: map[string]any{}, Private: map[string]any{}}
		} else if err != nil {
			return err
		}
		s.Append(session.Entry{From: "user", Text: text})
		s.Public["order_number"] = "2025000123"
		s.Private["$email"] = "jana.novakova@example.cz"
		return st.Save(ctx, s)
	}
	for _, text := range []string{"stav objednávky", "2025000123"} {
		if err := turn("abc", text); err != nil {
			fmt.Println(err)
		}
	}
	s, _ := st.Get(ctx, "abc")
	tr, _ := st.Transcript(ctx, "abc") // the stored messages, for a resume
	fmt.Println(s.Version, len(tr), s.View().Vars)
	// Output: 2 2 map[order_number:2025000123]
}
