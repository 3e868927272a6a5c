package floor_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/samoobsluha/samoobsluha/loadtest"
	"github.com/samoobsluha/samoobsluha/loadtest/floor"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// mustRedis returns the address and database of the test Redis, or skips.
func mustRedis(t *testing.T) (addr string, db int) {
	t.Helper()
	raw := os.Getenv("SAMOOBSLUHA_TEST_REDIS_URL")
	if raw == "" {
		t.Skip("SAMOOBSLUHA_TEST_REDIS_URL is not set")
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		t.Fatalf("SAMOOBSLUHA_TEST_REDIS_URL: %v", err)
	}
	return opt.Addr, opt.DB
}

func randomPrefix(t *testing.T) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "samotest:" + hex.EncodeToString(b) + ":"
}

// TestFloorTwoRoundTrips runs whole conversations through the floor, with
// its Redis traffic going through a counting proxy, and checks the frame
// shapes and that every frame costs exactly one GET and one SET.
func TestFloorTwoRoundTrips(t *testing.T) {
	addr, db := mustRedis(t)
	counter, err := loadtest.NewRedisCounter(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer counter.Close()
	rdb := redis.NewClient(&redis.Options{Addr: counter.Addr(), DB: db})
	defer rdb.Close()
	prefix := randomPrefix(t)
	defer func() {
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	}()
	if err := rdb.Ping(t.Context()).Err(); err != nil {
		t.Fatal(err)
	}
	fl := floor.New(rdb, floor.Options{Prefix: prefix, TTL: time.Minute})
	srv := httptest.NewServer(fl)
	defer srv.Close()
	defer fl.Shutdown(context.Background())
	wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"

	c0, _ := counter.Counts()
	steps := loadtest.DemoScript()(0)
	c, err := loadtest.Dial(t.Context(), wsURL, loadtest.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var session string
	for i, st := range steps {
		turn, _, err := c.Turn(st.Frame, 5*time.Second)
		if err != nil {
			t.Fatalf("step %s: %v", st.Name, err)
		}
		if i == 0 {
			session = turn.Session
			if session == "" || turn.Bot != "floor" {
				t.Errorf("hello answer: session %q bot %q, want a session from bot floor", turn.Session, turn.Bot)
			}
		}
		if len(turn.Messages) != 1 {
			t.Errorf("step %s: %d messages, want 1", st.Name, len(turn.Messages))
		}
		last := i == len(steps)-1
		if last && turn.End != "done" {
			t.Errorf("last step: end %q, want done", turn.End)
		}
		if !last && turn.Expect == nil {
			t.Errorf("step %s: no turn_end", st.Name)
		}
	}
	c1, _ := counter.Counts()
	if got, want := c1-c0, int64(2*len(steps)); got != want {
		t.Errorf("Redis commands for %d frames = %d, want %d", len(steps), got, want)
	}
	ttl, err := rdb.TTL(t.Context(), prefix+"session:"+session).Result()
	if err != nil || ttl <= 0 || ttl > time.Minute {
		t.Errorf("session TTL = %v, %v; want within a minute", ttl, err)
	}

	// A frame before hello and a malformed frame get an error and the
	// connection keeps serving.
	c2, err := loadtest.Dial(t.Context(), wsURL, loadtest.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	for _, bad := range []string{`{"type":"text","text":"hi"}`, `not json`} {
		_, _, err := c2.Turn([]byte(bad), 5*time.Second)
		var se *loadtest.ServerError
		if !errors.As(err, &se) || se.Code != "bad_frame" {
			t.Errorf("Turn(%s) = %v, want a bad_frame error", bad, err)
		}
	}
	if _, _, err := c2.Turn(loadtest.Hello("cs", session), 5*time.Second); err != nil {
		t.Errorf("hello after refused frames: %v", err)
	}
}
