package convo

import "testing"

func TestLoopbackSources(t *testing.T) {
	var l loopbackSources
	for _, u := range []string{"ws://localhost:8080/ws", "http://[::1]:80/voice/turn", "https://bot.example.cz/ws", "ws://10.0.0.1/ws", "::bad"} {
		if a := l.next(u, 1); a != nil {
			t.Errorf("next(%q) = %v, want nil (system's choice)", u, a)
		}
	}
	seen := map[string]bool{}
	for range 600 {
		a := l.next("ws://127.0.0.1:8080/ws?bot=default", 1)
		if a == nil || !a.IP.IsLoopback() || a.IP.To4()[1] != 1 {
			t.Fatalf("next(loopback) = %v, want an address in 127.1.0.0/16", a)
		}
		last := a.IP.To4()[3]
		if last < 2 || last > 251 {
			t.Fatalf("next(loopback) = %v: last octet out of 2..251", a)
		}
		seen[a.IP.String()] = true
	}
	if len(seen) != 600 {
		t.Errorf("600 conversations got %d distinct addresses", len(seen))
	}
}
