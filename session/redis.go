package session

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// NewRedisClient returns a go-redis universal client for url. It does no
// I/O (a bad address shows at the first command; call Store.Ping at
// startup). The caller closes the client after everything that uses it.
//
// Accepted forms (user, password, db and the query are optional):
//
//	redis://[user:pass@]host:port/db          a single server
//	rediss://[user:pass@]host:port/db         the same over TLS
//	unix://[user:pass@]/path/redis.sock?db=N  a single server over a socket
//	redis://h1:p1,h2:p2,h3:p3/0?master_name=M Sentinel: the hosts are the
//	    sentinels (the userinfo authenticates to them; pass the master's
//	    own credentials as ?username=&password=)
//	redis://[user:pass@]h1:p1,h2:p2           Cluster: two or more hosts
//	    without master_name (db must be 0); ?cluster=true makes a single
//	    seed host a Cluster too
//
// Extra hosts may also be given as go-redis's own ?addr=h2:p2&addr=h3:p3.
// Other query parameters are go-redis options in snake case
// (dial_timeout=2s, read_timeout=1s, max_retries=2, pool_size=20, ...);
// unknown ones are an error. The client honours context deadlines unless
// ?context_timeout_enabled=false is given. A failed dial is not retried
// inside the dial (go-redis's DialerRetries is 1): the command's own
// retries (max_retries) are the only ones, so with Redis down a call
// fails in well under a second. RedisStore, RedisCache and RedisCounter
// send their commands through the client's autopipeliner (see pipe);
// ?autopipeline=false makes them send one round trip per command
// instead. Errors never contain the password.
func NewRedisClient(rawURL string) (redis.UniversalClient, error) {
	norm, extra, err := splitHosts(rawURL)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(norm)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password included
		}
		return nil, fmt.Errorf("parse redis URL: %v", err)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix" {
		return nil, fmt.Errorf("parse redis URL: scheme %q: want redis, rediss or unix", u.Scheme)
	}
	q := u.Query()
	ctxTimeout, err := popBool(q, "context_timeout_enabled", true)
	if err != nil {
		return nil, err
	}
	cluster, err := popBool(q, "cluster", false)
	if err != nil {
		return nil, err
	}
	autopipeline, err := popBool(q, "autopipeline", true)
	if err != nil {
		return nil, err
	}
	q["addr"] = append(extra, q["addr"]...)
	if len(q["addr"]) == 0 {
		delete(q, "addr")
	}
	master := q.Get("master_name")
	if u.Scheme == "unix" && (master != "" || cluster || len(q["addr"]) > 0) {
		return nil, errors.New("parse redis URL: a unix socket URL names a single server")
	}
	u.RawQuery = q.Encode()

	c, err := newClient(u, master, cluster || len(q["addr"]) > 0, ctxTimeout)
	if err != nil || autopipeline {
		return c, err
	}
	return plainClient{c}, nil
}

// newClient makes the go-redis client for the parsed URL u.
func newClient(u *url.URL, master string, cluster, ctxTimeout bool) (redis.UniversalClient, error) {
	switch {
	case master != "":
		o, err := redis.ParseFailoverURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("parse redis sentinel URL: %v", err)
		}
		o.ContextTimeoutEnabled = ctxTimeout
		o.DialerRetries = 1
		return redis.NewFailoverClient(o), nil
	case cluster:
		switch strings.Trim(u.Path, "/") {
		case "", "0":
			u.Path = ""
		default:
			return nil, errors.New("parse redis cluster URL: a cluster has only database 0")
		}
		o, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("parse redis cluster URL: %v", err)
		}
		o.ContextTimeoutEnabled = ctxTimeout
		o.DialerRetries = 1
		return redis.NewClusterClient(o), nil
	default:
		o, err := redis.ParseURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("parse redis URL: %v", err)
		}
		o.ContextTimeoutEnabled = ctxTimeout
		o.DialerRetries = 1
		return redis.NewClient(o), nil
	}
}

// plainClient is a client made with ?autopipeline=false: it hides the
// client's autopipeliner, so the Redis types send every command as a
// round trip of its own (see pipe).
type plainClient struct{ redis.UniversalClient }

// AsyncAutoPipeline reports that there is no autopipeliner.
func (plainClient) AsyncAutoPipeline() (*redis.AutoPipeliner, error) {
	return nil, errors.New("redis client made with autopipeline=false")
}

// isCluster reports whether c talks to a Redis Cluster, whose keys of one
// script must share a hash slot.
func isCluster(c redis.UniversalClient) bool {
	if p, ok := c.(plainClient); ok {
		c = p.UniversalClient
	}
	_, ok := c.(*redis.ClusterClient)
	return ok
}

// splitHosts turns "scheme://[userinfo@]h1,h2,h3/rest" into the URL with
// only h1 and the list h2, h3. It works on the raw string because
// net/url rejects a comma-separated host list with IPv6 literals.
func splitHosts(raw string) (string, []string, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "", nil, errors.New("parse redis URL: want scheme://host:port")
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	userinfo, hosts := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	list := strings.Split(hosts, ",")
	for _, h := range list[1:] {
		if h == "" {
			return "", nil, errors.New("parse redis URL: empty host in the host list")
		}
	}
	return scheme + "://" + userinfo + list[0] + tail, list[1:], nil
}

// popBool removes query parameter name and parses it.
func popBool(q url.Values, name string, def bool) (bool, error) {
	if !q.Has(name) {
		return def, nil
	}
	v := q.Get(name)
	q.Del(name)
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("parse redis URL: %s=%q: want true or false", name, v)
	}
	return b, nil
}

// RedisOptions configures a RedisStore. The zero value is ready to use.
type RedisOptions struct {
	// Prefix starts every key the store writes. Zero means
	// "samoobsluha:". Give tests their own prefix.
	Prefix string
	// TTL is how long a session lives after its last Save. Zero means
	// DefaultTTL. Redis keeps time in milliseconds, so tests can use
	// short TTLs.
	TTL time.Duration
	// LockTTL is how long a turn lock lives if it is not released. Zero
	// means DefaultLockTTL. It must exceed the bot's turn timeout.
	LockTTL time.Duration
	// LockPoll caps the backoff between attempts to take a busy lock
	// (starting at 2 ms, doubling). Zero means DefaultLockPoll.
	LockPoll time.Duration
	// Now stamps Created and Updated. Nil means time.Now. Expiry uses
	// Redis's own clock.
	Now func() time.Time
}

// DefaultPrefix starts every key of a RedisStore whose Options.Prefix is
// empty.
const DefaultPrefix = "samoobsluha:"

// releaseTimeout bounds the unlock and release calls, which run after the
// caller's context may have ended.
const releaseTimeout = 2 * time.Second

// RedisStore is a Store in Redis, shared by all instances. It does not own
// the client: the caller closes it after the store's last use. It is safe
// for concurrent use.
//
// Round trips per call (EVALSHA falls back to EVAL once after a Redis
// restart or SCRIPT FLUSH, adding one): LockGet 1 when uncontended
// (EVALSHA; one more per poll while busy), TurnLock.SaveUnlock 1
// (EVALSHA), TurnLock.Unlock 1 (EVALSHA), Get 1 (HMGET), Transcript 1
// (LRANGE), Save 1 (EVALSHA), Lock 1 when uncontended (SET NX PX; one
// more per poll while busy), unlock 1 (EVALSHA), Delete 1, Ping 1. A turn is therefore two
// round trips: LockGet and SaveUnlock.
type RedisStore struct {
	p        pipe
	cluster  bool // keys carry a hash tag so a session's keys share a slot
	prefix   string
	ttl      time.Duration
	lockTTL  time.Duration
	lockPoll time.Duration
	now      func() time.Time
}

// NewRedisStore returns a store that keeps sessions in Redis through c.
func NewRedisStore(c redis.UniversalClient, opts RedisOptions) *RedisStore {
	r := &RedisStore{
		p:        newPipe(c),
		prefix:   opts.Prefix,
		ttl:      opts.TTL,
		lockTTL:  opts.LockTTL,
		lockPoll: opts.LockPoll,
		now:      opts.Now,
	}
	r.cluster = isCluster(c)
	if r.prefix == "" {
		r.prefix = DefaultPrefix
	}
	if r.ttl <= 0 {
		r.ttl = DefaultTTL
	}
	if r.lockTTL <= 0 {
		r.lockTTL = DefaultLockTTL
	}
	if r.lockPoll <= 0 {
		r.lockPoll = DefaultLockPoll
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// sessionKey and lockKey name a session's two keys. On Redis Cluster the
// id is a hash tag ("{id}"), so both keys live in one slot and the
// LockGet and SaveUnlock scripts may touch both.
func (r *RedisStore) sessionKey(id string) string {
	if r.cluster {
		return r.prefix + "session:{" + id + "}"
	}
	return r.prefix + "session:" + id
}

func (r *RedisStore) transcriptKey(id string) string {
	if r.cluster {
		return r.prefix + "transcript:{" + id + "}"
	}
	return r.prefix + "transcript:" + id
}

func (r *RedisStore) lockKey(id string) string {
	if r.cluster {
		return r.prefix + "lock:{" + id + "}"
	}
	return r.prefix + "lock:" + id
}

// unlockScript deletes KEYS[1] only if it still holds token ARGV[1].
var unlockScript = newScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// lockGetScript takes the turn lock and reads the session: KEYS[1] the
// lock, KEYS[2] the session hash, ARGV[1] the owner token, ARGV[2] the
// lock TTL in ms. It returns 0 when the lock is busy, else HMGET v d.
var lockGetScript = newScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 0
end
return redis.call('HMGET', KEYS[2], 'v', 'd')
`)

// saveScript is the versioned write, fenced by the turn lock when a token
// is given: KEYS[1] the lock, KEYS[2] the session hash, KEYS[3] the
// transcript list, ARGV[1] the owner token ("" for a plain Save: no lock
// check, the lock is left alone), ARGV[2] the version the writer loaded
// (0: new), ARGV[3] the encoded session, ARGV[4] the TTL in ms, ARGV[5]
// the transcript cap, ARGV[6...] transcript entries to append. With a
// token it releases the lock. It returns the new version, -1 on a version
// conflict, -2 when a loaded session no longer exists, -3 when the lock is
// no longer the writer's (nothing is written, nothing released).
var saveScript = newScript(`
if ARGV[1] ~= '' then
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -3 end
  redis.call('DEL', KEYS[1])
end
local v = redis.call('HGET', KEYS[2], 'v')
if not v then
  if ARGV[2] ~= '0' then return -2 end
  v = 0
  redis.call('DEL', KEYS[3])
else
  v = tonumber(v)
  if v ~= tonumber(ARGV[2]) then return -1 end
end
redis.call('HSET', KEYS[2], 'v', v + 1, 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if #ARGV > 5 then
  redis.call('RPUSH', KEYS[3], unpack(ARGV, 6))
  redis.call('LTRIM', KEYS[3], -tonumber(ARGV[5]), -1)
end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return v + 1
`)

// saveArgs builds a save script's arguments: head, then the transcript
// cap and the entries.
func saveArgs(entries [][]byte, head ...any) []any {
	args := make([]any, 0, len(head)+1+len(entries))
	args = append(args, head...)
	args = append(args, MaxTranscript)
	for _, e := range entries {
		args = append(args, e)
	}
	return args
}

// Get returns the live session with that id, or an error wrapping
// ErrNotFound, or ErrUnavailable when Redis cannot be reached. It does not
// extend the session's life. One round trip.
func (r *RedisStore) Get(ctx context.Context, id string) (*Session, error) {
	cmd := redis.NewSliceCmd(ctx, "hmget", r.sessionKey(id), "v", "d")
	if err := r.p.do(ctx, cmd); err != nil {
		return nil, storeError(ctx, "get session "+id, err)
	}
	return parseStored("get session "+id, cmd.Val())
}

// parseStored turns the stored fields [v, d] into a session, or an error
// wrapping ErrNotFound when they are missing.
func parseStored(op string, vals []any) (*Session, error) {
	if len(vals) != 2 {
		return nil, fmt.Errorf("%s: %d stored fields, want 2", op, len(vals))
	}
	vs, ok1 := vals[0].(string)
	data, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	v, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: stored version %q: %w", op, vs, err)
	}
	s, err := decodeSession([]byte(data), v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return s, nil
}

// Save stores s if s.Version is the stored version (0: the session must
// not exist), then sets s.Version to the new version, stamps s.Created (if
// zero) and s.Updated, appends s.Transcript to the stored transcript
// (keeping the last MaxTranscript) and clears it, and restarts the idle
// expiry of both. It returns an error wrapping ErrConflict when another writer
// saved first, ErrNotFound when s.Version > 0 but the session has expired or
// was deleted (it is not resurrected), ErrInvalid for a session that must
// not be stored, ErrUnavailable when Redis cannot be reached (the write may
// or may not have happened). On error s is unchanged. One round trip.
func (r *RedisStore) Save(ctx context.Context, s *Session) error {
	c := *s
	data, entries, err := c.encode(r.now())
	if err != nil {
		return fmt.Errorf("save session %s: %w", s.ID, err)
	}
	nv, err := r.p.eval(ctx, saveScript, []string{r.lockKey(s.ID), r.sessionKey(s.ID), r.transcriptKey(s.ID)},
		saveArgs(entries, "", s.Version, data, r.ttl.Milliseconds())...).Int64()
	if err != nil {
		return storeError(ctx, "save session "+s.ID, err)
	}
	switch nv {
	case -1:
		return fmt.Errorf("save session %s at version %d: %w", s.ID, s.Version, ErrConflict)
	case -2:
		return fmt.Errorf("save session %s: %w", s.ID, ErrNotFound)
	}
	*s = c
	s.Version = nv
	return nil
}

// Lock takes the turn lock of session id (SET NX PX with a random owner
// token), polling with a backoff capped at LockPoll until it is free or ctx
// ends (then the error wraps ErrLocked and the context's error). A Redis
// failure, or Redis not answering the first attempt before ctx ends,
// returns an error wrapping ErrUnavailable at once. A lock not
// released within LockTTL expires; the stale owner's unlock then deletes
// nothing and its Save fails with ErrConflict if the new owner saved.
// The returned func releases the lock if it still holds it (one round
// trip, bounded by its own timeout; if Redis cannot be reached the lock
// simply expires). Calling it more than once is harmless.
func (r *RedisStore) Lock(ctx context.Context, id string) (func(), error) {
	key := r.lockKey(id)
	token := rand.Text()
	backoff := 2 * time.Millisecond
	for busy := false; ; busy = true {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("lock session %s: %w (%w)", id, ErrLocked, context.Cause(ctx))
		}
		cmd := redis.NewBoolCmd(ctx, "set", key, token, "px", r.lockTTL.Milliseconds(), "nx")
		err := r.p.do(ctx, cmd)
		if err != nil {
			// A context ending during a poll of a busy lock means busy;
			// during the first attempt, Redis did not answer in time.
			if busy && ctx.Err() != nil {
				return nil, fmt.Errorf("lock session %s: %w (%w)", id, ErrLocked, context.Cause(ctx))
			}
			return nil, storeError(ctx, "lock session "+id, err)
		}
		if cmd.Val() {
			var once sync.Once
			return func() {
				once.Do(func() {
					ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
					defer cancel()
					// An error leaves the lock to expire; nothing to undo.
					_ = r.p.eval(ctx, unlockScript, []string{key}, token).Err()
				})
			}, nil
		}
		if err := sleepCtx(ctx, jitter(backoff)); err != nil {
			return nil, fmt.Errorf("lock session %s: %w (%w)", id, ErrLocked, err)
		}
		backoff = min(2*backoff, r.lockPoll)
	}
}

// LockGet takes the turn lock of session id and reads the session in one
// script (SET NX PX, then HMGET when the lock was taken), polling with a
// backoff capped at LockPoll while the lock is busy, until ctx ends (then
// the error wraps ErrLocked and the context's error). A Redis failure, or
// Redis not answering the first attempt before ctx ends, returns an error
// wrapping ErrUnavailable at once. One round trip when the lock is free.
// The TurnLock's SaveUnlock and Unlock are one round trip each (bounded,
// for Unlock, by its own timeout).
func (r *RedisStore) LockGet(ctx context.Context, id string) (TurnLock, error) {
	keys := []string{r.lockKey(id), r.sessionKey(id), r.transcriptKey(id)}
	token := rand.Text()
	backoff := 2 * time.Millisecond
	for busy := false; ; busy = true {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("lock session %s: %w (%w)", id, ErrLocked, context.Cause(ctx))
		}
		res, err := r.p.eval(ctx, lockGetScript, keys, token, r.lockTTL.Milliseconds()).Result()
		if err != nil {
			if busy && ctx.Err() != nil {
				return nil, fmt.Errorf("lock session %s: %w (%w)", id, ErrLocked, context.Cause(ctx))
			}
			return nil, storeError(ctx, "lock session "+id, err)
		}
		if vals, ok := res.([]any); ok {
			t := &redisTurn{r: r, id: id, keys: keys, token: token, base: context.WithoutCancel(ctx)}
			s, err := parseStored("lock and get session "+id, vals)
			switch {
			case errors.Is(err, ErrNotFound):
			case err != nil:
				t.Unlock()
				return nil, err
			default:
				t.s = s
			}
			return t, nil
		}
		if err := sleepCtx(ctx, jitter(backoff)); err != nil {
			return nil, fmt.Errorf("lock session %s: %w (%w)", id, ErrLocked, err)
		}
		backoff = min(2*backoff, r.lockPoll)
	}
}

// redisTurn is a RedisStore's TurnLock.
type redisTurn struct {
	r     *RedisStore
	id    string
	keys  []string // lock, session, transcript
	token string
	s     *Session
	// base carries the values of LockGet's context, without its end, for
	// the release.
	base     context.Context
	released bool // SaveUnlock's script ran: the lock is released or lost
	once     sync.Once
}

// Session returns the session read under the lock, or nil.
func (t *redisTurn) Session() *Session { return t.s }

// SaveUnlock saves s and releases the lock in one script, only while the
// lock still holds this turn's token; see TurnLock. One round trip.
func (t *redisTurn) SaveUnlock(ctx context.Context, s *Session) error {
	if s.ID != t.id {
		return fmt.Errorf("save session %q under the lock of %s: %w", s.ID, t.id, ErrInvalid)
	}
	c := *s
	data, entries, err := c.encode(t.r.now())
	if err != nil {
		return fmt.Errorf("save session %s: %w", s.ID, err)
	}
	nv, err := t.r.p.eval(ctx, saveScript, t.keys,
		saveArgs(entries, t.token, s.Version, data, t.r.ttl.Milliseconds())...).Int64()
	if err != nil {
		return storeError(ctx, "save session "+s.ID, err)
	}
	t.released = true
	switch nv {
	case -1:
		return fmt.Errorf("save session %s at version %d: %w", s.ID, s.Version, ErrConflict)
	case -2:
		return fmt.Errorf("save session %s: %w", s.ID, ErrNotFound)
	case -3:
		return fmt.Errorf("save session %s: turn lock expired: %w", s.ID, ErrConflict)
	}
	*s = c
	s.Version = nv
	return nil
}

// Unlock releases the lock if it still holds this turn's token (one round
// trip, bounded by its own timeout; if Redis cannot be reached the lock
// simply expires). It does nothing after SaveUnlock's script ran.
func (t *redisTurn) Unlock() {
	t.once.Do(func() {
		if t.released {
			return
		}
		ctx, cancel := context.WithTimeout(t.base, releaseTimeout)
		defer cancel()
		// An error leaves the lock to expire; nothing to undo.
		_ = t.r.p.eval(ctx, unlockScript, t.keys[:1], t.token).Err()
	})
}

// Transcript returns the stored transcript of session id (LRANGE), oldest
// first, or nil. One round trip.
func (r *RedisStore) Transcript(ctx context.Context, id string) ([]Entry, error) {
	cmd := redis.NewStringSliceCmd(ctx, "lrange", r.transcriptKey(id), -MaxTranscript, -1)
	if err := r.p.do(ctx, cmd); err != nil {
		return nil, storeError(ctx, "get transcript of session "+id, err)
	}
	vals := cmd.Val()
	stored := make([][]byte, len(vals))
	for i, v := range vals {
		stored[i] = []byte(v)
	}
	tr, err := decodeTranscript(stored)
	if err != nil {
		return nil, fmt.Errorf("get transcript of session %s: %w", id, err)
	}
	return tr, nil
}

// Delete removes session id and its transcript (not its lock). Deleting a
// missing session is not an error. One round trip.
func (r *RedisStore) Delete(ctx context.Context, id string) error {
	if err := r.p.do(ctx, redis.NewIntCmd(ctx, "del", r.sessionKey(id), r.transcriptKey(id))); err != nil {
		return storeError(ctx, "delete session "+id, err)
	}
	return nil
}

// Ping reports whether Redis answers; the error wraps ErrUnavailable.
func (r *RedisStore) Ping(ctx context.Context) error {
	if err := r.p.do(ctx, redis.NewStatusCmd(ctx, "ping")); err != nil {
		return storeError(ctx, "ping session store", err)
	}
	return nil
}

var _ Store = (*RedisStore)(nil)

// storeError translates a go-redis error at the package boundary: it wraps
// ErrUnavailable, and the context's error when ctx has ended (go-redis
// then often reports only an i/o timeout), and keeps only the text of the
// go-redis error, so no go-redis type leaks to callers.
func storeError(ctx context.Context, op string, err error) error {
	// The socket deadline go-redis derives from ctx can fire a moment
	// before ctx itself reports the end.
	if dl, ok := ctx.Deadline(); ok && ctx.Err() == nil && !time.Now().Before(dl) {
		return fmt.Errorf("%s: %w: %w (%v)", op, ErrUnavailable, context.DeadlineExceeded, err)
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w: %w (%v)", op, ErrUnavailable, context.Cause(ctx), err)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, context.Canceled)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w: %w", op, ErrUnavailable, context.DeadlineExceeded)
	default:
		return fmt.Errorf("%s: %w: %v", op, ErrUnavailable, err)
	}
}

// sleepCtx waits d or until ctx ends, returning the context's cause.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// jitter returns a duration in [d/2, d], so pollers do not move in step.
func jitter(d time.Duration) time.Duration {
	if d < 2 {
		return d
	}
	return d/2 + mrand.N(d/2+1)
}
