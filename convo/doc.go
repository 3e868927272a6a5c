// Package convo runs scripted dialogs: BotiumScript "convo" files (a
// subset, plus assertions for what samoobsluha's bot does: links, images,
// the expected input, public state, the end of a conversation, and voice)
// against the bot in-process, over a server's WebSocket (/ws) or over its
// voice endpoint (/voice/turn). docs/scripted-dialogs.md describes the
// format; "samoobsluha test" is its command line.
//
// Parse and Load read *.convo.txt files and expand *.utterances.txt
// lists; syntax errors (an unknown asserter or user input, a voice input in
// a web convo) are *ParseError with the file and line, never read as text.
// A Runner runs convos against Targets (InProcess, WebSocket, Voice) and
// returns one Result per convo; WriteReport renders them for people and
// WriteJUnit for CI systems.
//
// convo does not build bots or servers: the caller gives InProcess a
// function that builds a bot.Handler (cmd/samoobsluha wires the real one
// with the demo shop), or points the remote targets at a running server.
// It keeps no global state and logs nothing.
//
// Lifecycle and concurrency: a Runner runs convos on up to Parallel
// goroutines that it starts and waits for; Run returns when all convos
// are done. Each convo has its own Conversation (its own session or call,
// and in-process its own bot, shop and clock), used by one goroutine and
// closed by the runner. Targets are safe for concurrent Start calls.
package convo
