package session

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// pipe is how RedisStore, RedisCache and RedisCounter send commands. When
// the client offers go-redis's autopipeliner (a single server, Sentinel
// or Cluster client), commands go through its deferred face: the
// commands that concurrent turns send at the same moment leave in one
// write on one connection and their answers return in one read. Under
// load that replaces a pair of system calls per command, on both sides,
// by a pair per batch, which is most of what a turn costs Redis and a
// large part of what it costs this process (docs/benchmarks.md). A lone
// command still costs one round trip, so the per-call round-trip counts
// documented on the types are unchanged, but for calls that send several
// commands (do with more than one): when the pipeline is idle the first
// may leave alone and the rest in the next batch.
//
// The autopipeliner runs a queued command on its own context, so pipe
// waits for the answer only until the caller's context ends; the command
// may still run after that, exactly as a command whose answer was lost
// on a plain connection (callers already treat ErrUnavailable as "may or
// may not have happened"). Commands of one caller run in the order it
// waited for them (one ordered stream: MaxConcurrentBatches is 1).
type pipe struct {
	c  redis.UniversalClient
	ap *redis.AutoPipeliner // nil: one round trip per command on c
}

// newPipe returns a pipe for c. Every RedisStore, RedisCache and
// RedisCounter on one client shares its one autopipeliner, which stops
// when the client is closed.
func newPipe(c redis.UniversalClient) pipe {
	p := pipe{c: c}
	// An error means the client has none (a Ring, a client made with
	// ?autopipeline=false) or a bad AutoPipelineOptions, which this
	// package never sets: fall back to a round trip per command.
	if ap, err := c.AsyncAutoPipeline(); err == nil {
		p.ap = ap
	}
	return p
}

// do sends cmds (usually one; several share a round trip) and waits for
// their answers or for ctx to end. It returns the first command's error,
// or ctx's error when ctx ended before every answer arrived: then the
// commands may still be running and must not be read (see abandoned).
func (p pipe) do(ctx context.Context, cmds ...redis.Cmder) error {
	if p.ap == nil {
		if len(cmds) == 1 {
			return p.c.Process(ctx, cmds[0])
		}
		_, err := p.c.Pipelined(ctx, func(pl redis.Pipeliner) error {
			for _, cmd := range cmds {
				_ = pl.Process(ctx, cmd) // queues; the error comes with the exec
			}
			return nil
		})
		return err
	}
	futures := make([]redis.AutoFuture, len(cmds))
	for i, cmd := range cmds {
		futures[i] = p.ap.Submit(ctx, cmd)
	}
	var first error
	for _, f := range futures {
		err := f.WaitContext(ctx)
		if abandoned(ctx, err) {
			return err
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

// abandoned reports whether do's error means ctx ended before the
// answers arrived, so the commands must not be read.
func abandoned(ctx context.Context, err error) bool {
	return err != nil && err == ctx.Err()
}

// script is a Lua script run by its SHA1 (EVALSHA), sent whole (EVAL)
// only when Redis does not know it yet (after a restart or SCRIPT FLUSH).
type script struct {
	src, sha string
}

func newScript(src string) script {
	return script{src: src, sha: redis.NewScript(src).Hash()}
}

// eval runs s on keys and args. The returned command holds the result or
// the error; when ctx ended first it is a stand-in holding ctx's error.
func (p pipe) eval(ctx context.Context, s script, keys []string, args ...any) *redis.Cmd {
	cmd := evalCmd(ctx, "evalsha", s.sha, keys, args)
	err := p.do(ctx, cmd)
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmd = evalCmd(ctx, "eval", s.src, keys, args)
		err = p.do(ctx, cmd)
	}
	if abandoned(ctx, err) {
		cmd = redis.NewCmd(ctx)
		cmd.SetErr(err)
	}
	return cmd
}

func evalCmd(ctx context.Context, name, payload string, keys []string, args []any) *redis.Cmd {
	a := make([]any, 0, 3+len(keys)+len(args))
	a = append(a, name, payload, len(keys))
	for _, k := range keys {
		a = append(a, k)
	}
	a = append(a, args...)
	cmd := redis.NewCmd(ctx, a...)
	if len(keys) > 0 {
		cmd.SetFirstKeyPos(3) // routes the script on Cluster
	}
	return cmd
}
