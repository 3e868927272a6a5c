/*
Loadgen measures samoobsluha against the floor: a minimal WebSocket server
that does, per client frame, one Redis GET and one SET and replies
(package loadtest/floor). All traffic goes to loopback.

Usage:

	loadgen compare -bin PATH [flags]
	loadgen run   [-url ws://127.0.0.1:8080/ws?bot=default] [-c 100] [-d 20s] [-check=true] [-pid PID] [-sources 32] [-turn-timeout 30s]
	loadgen idle  [-url ...] [-n 10000] [-hold 10s] [-pid PID] [-sources 32]
	loadgen floor [-addr 127.0.0.1:8090] [-redis-url redis://127.0.0.1:6379/0] [-prefix floor:] [-autopipeline]
	loadgen shop  [-addr 127.0.0.1:9090] [-latency 0] [-max-concurrent 3]

compare runs the whole benchmark with one command and prints a Markdown
report (scripts/bench calls it): it starts its own redis-server on a free
port, the fake Upgates shop (loadgen shop), the floor (loadgen floor, Redis
database 1) and the samoobsluha binary given by -bin (Redis database 0,
pointed at the fake shop); warms both up; runs -rounds measured runs of -d
each at -c concurrent conversations, alternating floor and samoobsluha;
then, on freshly started servers, holds -idle idle connections on each and
reads the memory per connection; then counts Redis round trips per turn
through a counting proxy at low concurrency. Flags of compare:

	-bin PATH          samoobsluha binary (required)
	-c 500             concurrent conversations
	-d 20s             duration of each measured run
	-rounds 2          measured runs per server
	-warmup 5s         unmeasured run per server first
	-idle 10000        idle connections per server (0 skips)
	-idle-hold 10s     how long they are held before memory is read
	-count-d 5s        duration of the counting pass (C=10)
	-sources 64        loopback source addresses (127.0.0.1..N) to dial from
	-turn-timeout 30s  deadline of one turn
	-floor-autopipeline  run the floor with go-redis's autopipeliner (its
	                   GET and SET then share round trips, as samoobsluha's
	                   commands do): a stricter baseline than the issue's
	                   floor of 2 round trips per frame
	-redis-server ""   redis-server binary (default from PATH)
	-out FILE          also write the report to FILE
	-log FILE          write the children's output to FILE

run drives the demo conversation (loadtest.DemoScript) against a server
that is already running; idle holds idle connections against one. floor and
shop serve the floor and the fake shop (demo data, no hourly quota, the
Upgates limit of 3 requests in flight) for manual runs.

Loadgen reads no environment variables. The process needs a file
descriptor per connection: raise ulimit -n above -idle (scripts/bench
does).
*/
package main
