package convo

import (
	"net"
	"net/url"
	"sync/atomic"
)

// loopbackSources hands out a distinct loopback source address per
// conversation when the server is on a literal IPv4 loopback address.
//
// The server counts failed verifications per client address as well as
// per session (brute-force lockout), so convos that fail checks on
// purpose would add up and lock each other out if they all came from
// 127.0.0.1. On Linux the whole of 127.0.0.0/8 is the loopback interface,
// so each conversation can come from its own address, like a different
// customer. For any other server address nothing changes.
type loopbackSources struct {
	n atomic.Uint32
}

// next returns the source address for a new conversation to rawURL's
// host, or nil to let the system choose.
//
// block keeps the targets apart: the WebSocket target uses 127.1.0.0/16,
// the voice target 127.2.0.0/16.
func (l *loopbackSources) next(rawURL string, block byte) *net.TCPAddr {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
		return nil
	}
	n := l.n.Add(1) % (250 * 250)
	// Last octet 2..251: never .0, .1 or .255.
	return &net.TCPAddr{IP: net.IPv4(127, block, byte(n/250), byte(n%250+2))}
}
