package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/samoobsluha/samoobsluha/bot"
)

// Metrics collects the server's Prometheus metrics in its own registry
// (no global one). It implements bot.Metrics; UpgatesCall is meant for
// upgates.Options.OnCall. All methods are safe for concurrent use, and on
// a nil *Metrics they do nothing.
type Metrics struct {
	reg *prometheus.Registry

	connections  prometheus.Gauge
	connTotal    prometheus.Counter
	refusedTotal *prometheus.CounterVec
	voiceTotal   *prometheus.CounterVec
	turns        *prometheus.CounterVec
	turnSeconds  *prometheus.HistogramVec
	actions      *prometheus.CounterVec
	upCalls      *prometheus.CounterVec
	upSeconds    *prometheus.HistogramVec
	up429        *prometheus.CounterVec
	lockouts     *prometheus.CounterVec
}

var _ bot.Metrics = (*Metrics)(nil)

// NewMetrics returns Metrics registered in a new registry together with
// the Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "samoobsluha_ws_connections", Help: "Open widget WebSocket connections.",
		}),
		connTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "samoobsluha_ws_connections_total", Help: "Widget WebSocket connections accepted.",
		}),
		refusedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samoobsluha_ws_refused_frames_total", Help: "Client frames answered with an error, by error code.",
		}, []string{"code"}),
		voiceTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samoobsluha_voice_requests_total", Help: "Voice endpoint requests by HTTP status.",
		}, []string{"status"}),
		turns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samoobsluha_turns_total", Help: "Handled turns by bot, channel and outcome.",
		}, []string{"bot", "channel", "outcome"}),
		turnSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "samoobsluha_turn_duration_seconds", Help: "Turn latency by bot and channel.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"bot", "channel"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samoobsluha_actions_total", Help: "App calls by app name and outcome.",
		}, []string{"app", "outcome"}),
		upCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samoobsluha_upgates_calls_total", Help: "Upgates API calls by endpoint and HTTP status (0: no response).",
		}, []string{"endpoint", "status"}),
		upSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "samoobsluha_upgates_call_duration_seconds", Help: "Upgates API call latency by endpoint.",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"endpoint"}),
		up429: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samoobsluha_upgates_rate_limited_total", Help: "Upgates API answers 429 by endpoint.",
		}, []string{"endpoint"}),
		lockouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samoobsluha_lockouts_total", Help: "Sessions or clients locked after too many failed verifications, by bot.",
		}, []string{"bot"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.connections, m.connTotal, m.refusedTotal, m.voiceTotal, m.turns, m.turnSeconds,
		m.actions, m.upCalls, m.upSeconds, m.up429, m.lockouts,
	)
	return m
}

// Registry returns the registry, so the caller can add its own collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Turn records one handled turn (bot.Metrics).
func (m *Metrics) Turn(bot, channel string, d time.Duration, outcome string) {
	if m == nil {
		return
	}
	m.turns.WithLabelValues(bot, channel, outcome).Inc()
	m.turnSeconds.WithLabelValues(bot, channel).Observe(d.Seconds())
}

// Action records one app call and its outcome (bot.Metrics).
func (m *Metrics) Action(app, outcome string) {
	if m == nil {
		return
	}
	m.actions.WithLabelValues(app, outcome).Inc()
}

// Lockout records a session or client locked out (bot.Metrics).
func (m *Metrics) Lockout(bot string) {
	if m == nil {
		return
	}
	m.lockouts.WithLabelValues(bot).Inc()
}

// UpgatesCall records one Upgates API call; wire it to
// upgates.Options.OnCall. endpoint must be a route name with no ids in it
// (such as "orders/{code}") to keep the label set small; status 0 means
// no response arrived.
func (m *Metrics) UpgatesCall(endpoint string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.upCalls.WithLabelValues(endpoint, strconv.Itoa(status)).Inc()
	m.upSeconds.WithLabelValues(endpoint).Observe(d.Seconds())
	if status == http.StatusTooManyRequests {
		m.up429.WithLabelValues(endpoint).Inc()
	}
}

func (m *Metrics) connOpened() {
	if m == nil {
		return
	}
	m.connections.Inc()
	m.connTotal.Inc()
}

func (m *Metrics) connClosed() {
	if m == nil {
		return
	}
	m.connections.Dec()
}

func (m *Metrics) refused(code string) {
	if m == nil {
		return
	}
	m.refusedTotal.WithLabelValues(code).Inc()
}

func (m *Metrics) voice(status int) {
	if m == nil {
		return
	}
	m.voiceTotal.WithLabelValues(strconv.Itoa(status)).Inc()
}
