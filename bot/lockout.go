package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// failureKeys are the counters a failed verification increments: one per
// session, and one per client address (web) or caller number (voice), so
// that opening new sessions does not reset an attacker's count. Addresses
// and numbers are hashed so the shared store holds no personal data in
// key names.
func (t *turn) failureKeys() []string { return t.failureKeysOf(t.sess.ID) }

// failureKeysOf is failureKeys for session id.
func (t *turn) failureKeysOf(id string) []string {
	keys := []string{"lockout:" + t.b.id + ":s:" + id}
	if c := t.clientKey(); c != "" {
		keys = append(keys, "lockout:"+t.b.id+":"+c)
	}
	return keys
}

func (t *turn) clientKey() string {
	who, kind := "", ""
	switch {
	case t.channel == "voice":
		who, kind = t.rec.Caller, "p"
		if who == "" {
			who = normalisePhone(t.req.Caller, t.b.region)
		}
	case t.req.Client != "":
		who, kind = t.req.Client, "c"
	}
	if who == "" {
		return ""
	}
	h := sha256.Sum256([]byte(who))
	return kind + ":" + hex.EncodeToString(h[:12])
}

// locked reports whether lookups are locked for this session or client.
// The counters are read once per turn, both in one call (prefetchCounts
// starts it with the lock); a failure counted later in the turn updates
// the answer from the counts Incr returns. A counter that cannot be read
// fails the turn as unavailable: without it the brute-force limit cannot
// be enforced.
func (t *turn) locked(ctx context.Context) (bool, error) {
	if t.b.lockoutMax <= 0 {
		return false, nil
	}
	if !t.lockKnown {
		ns, err := t.readCounts(ctx)
		if err != nil {
			return false, t.storeError(ctx, "read failure counters", err)
		}
		t.lockKnown, t.lockedOut = true, false
		for _, n := range ns {
			if n >= int64(t.b.lockoutMax) {
				t.lockedOut = true
			}
		}
	}
	return t.lockedOut, nil
}

// counts is a read of the lockout counters started before the session
// was loaded (prefetchCounts).
type counts struct {
	keys []string
	ns   []int64
	err  error
}

// prefetchCounts starts reading the lockout counters of session id on a
// goroutine of its own while the turn takes its lock, so that with the
// Redis store the read rides in the same round trip as LockGet (the
// autopipeliner sends commands issued together in one write) instead of
// costing the turn's first action a round trip of its own. Under load a
// round trip is a wait for the pipeline's next batch, so this shortens
// every turn that calls the shop (docs/benchmarks.md).
func (t *turn) prefetchCounts(ctx context.Context, id string) {
	if t.b.lockoutMax <= 0 {
		return
	}
	keys := t.failureKeysOf(id)
	ch := make(chan counts, 1)
	go func() {
		ns, err := t.b.failures.Counts(ctx, keys...)
		ch <- counts{keys, ns, err}
	}()
	t.counts = ch
}

// endPrefetch waits for a prefetch no action used, so that no read of
// the turn outlives it.
func (t *turn) endPrefetch() {
	if t.counts != nil {
		<-t.counts
		t.counts = nil
	}
}

// readCounts returns the lockout counts: the prefetched ones when they
// were read for the keys the loaded session needs (a voice caller's
// number comes from the session, so a prefetch from the request alone
// can miss) and without error, else read now.
func (t *turn) readCounts(ctx context.Context) ([]int64, error) {
	keys := t.failureKeys()
	if ch := t.counts; ch != nil {
		t.counts = nil
		if c := <-ch; c.err == nil && slices.Equal(c.keys, keys) {
			return c.ns, nil
		}
	}
	return t.b.failures.Counts(ctx, keys...)
}

// countFailure records a failed verification. Reaching the limit is a
// lifecycle event (Warn, Metrics.Lockout) without personal data.
func (t *turn) countFailure(ctx context.Context) {
	t.sess.Failures++
	lockedNow := false
	for _, k := range t.failureKeys() {
		n, err := t.b.failures.Incr(ctx, k, t.b.lockoutWindow)
		if err != nil {
			t.b.log.WarnContext(ctx, "count failed verification", "session_id", t.sess.ID, "err", err)
			t.lockKnown = false // read the counters again before the next action
			continue
		}
		if n >= int64(t.b.lockoutMax) {
			t.lockedOut = true
		}
		if n == int64(t.b.lockoutMax) {
			lockedNow = true
		}
	}
	if lockedNow {
		t.b.metrics.Lockout(t.b.id)
		t.b.log.WarnContext(ctx, "lookups locked after failed verifications", "session_id", t.sess.ID, "channel", string(t.channel), "window", t.b.lockoutWindow)
	}
}
