// Package session keeps conversations and the small pieces of state that
// several server instances must share: sessions (Store), a counting
// semaphore (for concurrent calls to a shop), a byte cache with a time to
// live, and fixed-window counters (for brute-force lockout). Each comes in
// two implementations: in process memory (the embedded single-instance
// default) and in Redis (shared by every instance).
//
// The package does not know what a dialog state is: Session.Engine and the
// variables are data that package bot fills in. It does not log, read the
// environment or start goroutines; every blocking method takes a context.
// It is a leaf: it imports no package of this module, and it is the only
// package that imports go-redis (redis.go, semaphore.go, cache.go and
// counter.go each hold one concept with both of its implementations, so
// go-redis appears in several files of this one package; its types and
// errors never cross the package boundary).
//
// # Sessions
//
// A Session holds the id, bot, channel, language, the dialog engine's
// position, public and private ($) variables in separate maps,
// verification counters and timestamps. It expires when it has not been
// saved for the store's TTL (default 30 min); reading it does not extend
// its life and never brings back an expired one.
//
// The transcript (the last MaxTranscript public messages, for a client's
// history on resume) is kept apart from the session blob, so a turn
// neither decodes nor re-encodes it: Session.Transcript holds only the
// messages appended (Session.Append) since the session was read; a
// successful Save appends them to the stored transcript, trims it to
// MaxTranscript and restarts its expiry with the session's; a refused
// Save appends nothing. Store.Transcript reads the stored messages; Delete
// removes them with the session, and a new session under a reused id
// starts with none. Session.View is the public view: it has no field for private
// variables, and Save refuses a "$" name among the public ones
// (ErrInvalid), so a private value cannot reach a client through state or
// history.
//
// # Locks and versions
//
// One turn of one session must run at a time across all instances, and a
// turn may write to the shop (cancel an order, add a note). Optimistic
// concurrency alone (load, work, compare-and-set, retry the whole turn on
// conflict) is therefore not safe: the retry would repeat the shop write.
// So a turn takes a lock first (Store.LockGet or Lock): an owner token with an expiry
// (LockTTL, default 30 s, which must exceed the bot's turn timeout), freed
// by a compare-token release so an owner never frees a lock it no longer
// holds. A lock alone is not enough either: a process can pause (GC, a
// stalled network) past its lock's expiry while another instance takes the
// lock. Save is therefore also versioned: it writes only if the stored
// version is the one the session was loaded at, so the late writer gets
// ErrConflict instead of silently overwriting the newer turn. The version
// is the fencing token; the lock keeps the common case free of conflicts.
//
// A turn is:
//
//	tl, err := store.LockGet(ctx, id)  // lock and load; ErrLocked when ctx ends first
//	defer tl.Unlock()                  // no-op once SaveUnlock has released it
//	s := tl.Session()                  // nil: new or expired
//	... step the dialog, call the shop, s.Append(entries...) ...
//	err = tl.SaveUnlock(ctx, s)        // save and release; ErrConflict: the lock
//	                                   // had expired or another writer saved
//
// SaveUnlock is fenced by the lock as well as by the version: it writes
// only while the turn still owns an unexpired lock, so a turn that
// stalled past its lock writes nothing even when no other turn has saved
// since. The separate operations remain for callers that need them (a
// save in the middle of a turn, such as bot's write journal, is a plain
// Save under the held lock):
//
//	unlock, err := store.Lock(ctx, id) // ErrLocked when ctx ends first
//	defer unlock()
//	s, err := store.Get(ctx, id)       // ErrNotFound: new or expired
//	err = store.Save(ctx, s)           // ErrConflict: the lock had expired
//
// # Redis layout and round trips
//
// Every key starts with RedisOptions.Prefix (default "samoobsluha:"):
//
//	<prefix>session:<id>     hash {v: version, d: session JSON}, PEXPIRE TTL
//	<prefix>transcript:<id>  list of entry JSON, the last MaxTranscript, PEXPIRE TTL
//	<prefix>lock:<id>        string owner token, SET NX PX LockTTL
//
// On Redis Cluster the id is written as a hash tag, session:{<id>},
// transcript:{<id>} and lock:{<id>}, so a session's keys share a slot
// (the prefix must then hold no braces).
//
// A turn costs two round trips: LockGet is one EVALSHA of a script that
// runs SET NX PX and, when the lock was taken, HMGET; SaveUnlock is one
// EVALSHA of a script that checks the lock's owner token, deletes the
// lock, compares the version field, writes both fields, appends the
// turn's transcript entries (RPUSH, LTRIM) and sets both expiries. Get is
// one HMGET; Transcript is one LRANGE (a resume's history). Save is one
// EVALSHA (the version check, writes and expiries without the lock). Lock
// is one SET NX PX when free; LockGet and Lock poll with a backoff capped
// at LockPoll (50 ms) while the lock is busy; unlock and TurnLock.Unlock
// are one EVALSHA compare-and-delete. LockGet stays a script rather than
// SET NX PX and HMGET sent together: the autopipeliner (below) may send
// two commands of one call in two batches when it is idle, which would
// cost a lone caller two round trips.
// After a Redis restart or SCRIPT FLUSH the first run of each script
// costs one extra EVAL. Every operation touches the keys of one session
// only, so the store works on Redis Cluster.
//
// The semaphore, cache and counter use the prefix their constructor is
// given, verbatim. RedisSemaphore keeps a sorted set of holder tokens
// scored by lease expiry on Redis's clock (TIME), so instance clocks need
// not agree: acquiring runs one script (drop expired holders; add the
// token if fewer than n remain), releasing is one ZREM. RedisCounter's
// Incr is one script (INCR, and PEXPIRE when the window starts); Counts
// reads several counters in one MGET (on Cluster, GETs sent together).
//
// The round trips above are what one caller alone costs. RedisStore,
// RedisCache and RedisCounter send their commands through go-redis's
// autopipeliner (its deferred face, one ordered stream): commands that
// concurrent turns send at the same moment leave in one write and come
// back in one read, so under load many turns share a round trip and both
// this process and Redis make far fewer system calls (docs/benchmarks.md
// measures it). A caller waits only until its context ends; the command
// may still run after that, as one whose answer was lost on a plain
// connection would. ?autopipeline=false in the URL turns this off.
//
// # Connecting
//
// NewRedisClient turns one URL into go-redis's universal client, so a
// single setting reaches a single server, Sentinel or Cluster:
//
//	redis://[user:pass@]host:6379/0
//	rediss://[user:pass@]host:6380/0                 (TLS)
//	unix://[user:pass@]/run/redis.sock?db=0
//	redis://s1:26379,s2:26379,s3:26379/0?master_name=mymaster&password=P
//	redis://[user:pass@]n1:7000,n2:7000,n3:7000       (Cluster)
//	redis://n1:7000?cluster=true                      (Cluster, one seed)
//
// Query parameters are go-redis options (dial_timeout, read_timeout,
// max_retries, pool_size, ...). It builds on go-redis's ParseURL,
// ParseFailoverURL and ParseClusterURL; only the comma-separated host
// list and the cluster and autopipeline flags are handled here. A failed
// dial is not retried inside the dial, only by the command's own
// retries, so calls fail fast while Redis is down.
//
// # Errors
//
// Errors wrap ErrNotFound, ErrConflict, ErrLocked, ErrInvalid or
// ErrUnavailable; go-redis errors are translated here (redis.Nil becomes
// ErrNotFound or a miss, everything else ErrUnavailable, keeping a
// context's error in the chain). Errors never hold variable values or
// passwords.
//
// # Lifecycle and concurrency
//
// Stores, semaphores, caches and counters are safe for concurrent use and
// need no closing; the Redis ones do not own their client, which whoever
// called NewRedisClient closes after them. A TurnLock belongs to the one
// turn that took it and is not safe for concurrent use; it lives from
// LockGet until SaveUnlock or Unlock (or its lock's expiry).
package session
