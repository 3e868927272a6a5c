package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// failureKeys are the counters a failed verification increments: one per
// session, and one per client address (web) or caller number (voice), so
// that opening new sessions does not reset an attacker's count. Addresses
// and numbers are hashed so the shared store holds no personal data in
// key names.
func (t *turn) failureKeys() []string {
	keys := []string{"lockout:" + t.b.id + ":s:" + t.sess.ID}
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
// The counters are read once per turn, both in one call; a failure
// counted later in the turn updates the answer from the counts Incr
// returns. A counter that cannot be read fails the turn as unavailable:
// without it the brute-force limit cannot be enforced.
func (t *turn) locked(ctx context.Context) (bool, error) {
	if t.b.lockoutMax <= 0 {
		return false, nil
	}
	if !t.lockKnown {
		ns, err := t.b.failures.Counts(ctx, t.failureKeys()...)
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
