package floor

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
)

// Options configure a Server. Zero values take the documented defaults.
type Options struct {
	// Prefix starts every Redis key (default "floor:").
	Prefix string
	// TTL is the session's time to live in Redis (default 30 min).
	TTL time.Duration
	// Logger receives connection errors at Debug. Nil discards them.
	Logger *slog.Logger
}

// Server is the floor WebSocket server. Create it with New.
type Server struct {
	rdb      redis.UniversalClient
	prefix   string
	ttl      time.Duration
	log      *slog.Logger
	upgrader websocket.Upgrader

	mu      sync.Mutex
	closing bool
	conns   map[*websocket.Conn]struct{}
	wg      sync.WaitGroup
}

// New returns a floor server that keeps sessions in rdb.
func New(rdb redis.UniversalClient, opts Options) *Server {
	if opts.Prefix == "" {
		opts.Prefix = "floor:"
	}
	if opts.TTL <= 0 {
		opts.TTL = 30 * time.Minute
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{
		rdb:    rdb,
		prefix: opts.Prefix,
		ttl:    opts.TTL,
		log:    log,
		// The same buffer sizes as samoobsluha's web server.
		upgrader: websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024, WriteBufferPool: &sync.Pool{}},
		conns:    map[*websocket.Conn]struct{}{},
	}
}

// state is the session the floor keeps in Redis.
type state struct {
	ID         string   `json:"id"`
	Lang       string   `json:"lang"`
	Turns      int      `json:"turns"`
	Transcript []string `json:"transcript"`
}

// inbound is a client frame.
type inbound struct {
	Type    string `json:"type"`
	Session string `json:"session"`
	Lang    string `json:"lang"`
	Text    string `json:"text"`
	Value   string `json:"value"`
}

// ServeHTTP serves GET /ws (any path): it upgrades the connection and
// answers frames until the client goes away or Shutdown.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	// Serve the connection on its own goroutine and return, so that
	// net/http's per-connection state (its buffered reader and writer and
	// the response) is freed: a handler that stays in ServeHTTP keeps about
	// 10 KiB of them alive for the whole life of the WebSocket.
	s.wg.Add(1)
	go s.serve(context.WithoutCancel(r.Context()), ws)
}

// serve answers the frames of one connection until it ends.
func (s *Server) serve(ctx context.Context, ws *websocket.Conn) {
	defer s.wg.Done()
	s.mu.Lock()
	s.conns[ws] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, ws)
		s.mu.Unlock()
		ws.Close()
	}()
	ws.SetReadLimit(4096)
	var id string
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var in inbound
		if err := json.Unmarshal(data, &in); err != nil || in.Type == "" {
			if s.write(ws, errorFrame("bad_frame")) != nil {
				return
			}
			continue
		}
		if in.Type == "hello" {
			id = in.Session
			if id == "" || len(id) > 64 {
				id = uuid.NewString()
			}
		} else if id == "" {
			if s.write(ws, errorFrame("bad_frame")) != nil {
				return
			}
			continue
		}
		frames, err := s.turn(ctx, id, in)
		if err != nil {
			s.log.DebugContext(ctx, "floor turn", "err", err)
			frames = []any{errorFrame("unavailable")}
		}
		for _, f := range frames {
			if s.write(ws, f) != nil {
				return
			}
		}
	}
}

// turn does the floor's work for one frame: GET the session, change it,
// SET it back, and return the reply frames.
func (s *Server) turn(ctx context.Context, id string, in inbound) ([]any, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	key := s.prefix + "session:" + id
	var st state
	raw, err := s.rdb.Get(ctx, key).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		st = state{ID: id, Lang: in.Lang}
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(raw, &st); err != nil {
			st = state{ID: id, Lang: in.Lang}
		}
	}
	st.Turns++
	said := in.Text + in.Value
	reply := "Floor answer " + itoa(st.Turns) + " to " + in.Type + ": this line is about as long as a bot's answer, which is one or two sentences of text."
	st.Transcript = append(st.Transcript, said, reply)
	if n := len(st.Transcript); n > 50 {
		st.Transcript = st.Transcript[n-50:]
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	if err := s.rdb.Set(ctx, key, b, s.ttl).Err(); err != nil {
		return nil, err
	}
	var frames []any
	if in.Type == "hello" {
		frames = append(frames, map[string]any{"type": "session", "session": id, "resumed": st.Turns > 1, "bot": "floor", "lang": "cs"})
	}
	frames = append(frames, map[string]any{"type": "message", "text": reply, "buttons": []map[string]string{
		{"title": "Stav objednávky", "value": "status"}, {"title": "Kde je můj balík", "value": "parcel"},
		{"title": "Faktura", "value": "invoice"}, {"title": "To je vše, děkuji", "value": "done"},
	}})
	if in.Type == "button" && in.Value == "done" {
		frames = append(frames, map[string]any{"type": "end", "reason": "done"})
	} else {
		frames = append(frames, map[string]any{"type": "turn_end", "expect": map[string]string{"kind": "text", "input": ""}})
	}
	return frames, nil
}

func (s *Server) write(ws *websocket.Conn, frame any) error {
	ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return ws.WriteJSON(frame)
}

func errorFrame(code string) map[string]string {
	return map[string]string{"type": "error", "code": code, "message": code}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Shutdown stops accepting connections, closes the open ones and waits for
// their goroutines or for ctx to end (then it returns ctx's error).
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	for c := range s.conns {
		c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
		c.Close()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
