// Package bot is the conversation runtime: it turns one client event (a
// Request from the web widget, the telephony adapter or a scripted test)
// into one Reply, by running the scenario's dialog engine against the
// customer's session and the shop.
//
// # A turn
//
// Bot.Handle runs one turn under a deadline (Config.TurnTimeout):
//
//  1. take the session's turn lock and load the session in one step
//     (session.Store.LockGet; the lock serialises the turns of one session
//     across all server instances);
//  2. step the dialog engine with the customer's input;
//  3. while the engine asks for an action, run it through the apps (the
//     seed's actions against Upgates) and feed the result back;
//  4. save the session and release the lock in one step
//     (session.TurnLock.SaveUnlock: versioned compare-and-set, written
//     only while the lock is still this turn's);
//  5. render the messages for the channel: wire Messages, and on voice a
//     Voice with speakable text and SSML (dialog/speech).
//
// On Redis a turn costs two round trips (LockGet and SaveUnlock) and one
// read of both lockout counters (Counter.Counts, once per text or button
// turn, not per action), started on its own goroutine as the turn takes
// its lock: the session store's autopipeliner then sends both in one
// write under load, so a turn that looks something up does not wait a
// round trip more than one that does not. A failed verification adds one
// Incr per counter, and a write to the shop the journal save.
//
// Nothing is half done: if the save fails the customer gets *Error
// CodeUnavailable ("try again") and the stored session is the one from
// before the turn, so a retry starts from the same place.
//
// # Writes to the shop
//
// A retried request must never send a write (change_status, cancel_order,
// append_note, overwrite_note) twice. Before a write is sent, bot saves the
// session as it was loaded plus a pending journal entry keyed by a hash of
// the app and its rendered parameters (one extra store round trip, only on
// writes). The final save records the write's result. A later request in
// the same session that would send the same write within Config.JournalTTL
// gets the recorded result back without calling the shop; if the result is
// unknown (the final save failed, or the call timed out and may have
// landed) the scenario gets OutcomeError (its "shop is not answering"
// exit) and the write is not repeated. A write that failed definitively
// (the shop answered with an error) is forgotten, so the customer can try
// again.
//
// # Failures
//
// A shop that does not answer, or answers 429/5xx, is not an error of the
// turn: the apps return OutcomeError and the scenario's error exit answers
// the customer. Handle returns *Error only for what the client must see:
// CodeBadFrame (invalid request), CodeLocked, CodeUnavailable (the session
// store or the failure counter cannot be reached, or the session is busy
// past the deadline), CodeUnknownBot (Mux) and CodeInternal (a scenario or
// program error, logged once at Error). Messages are polite, in the
// session's language; they come from the single fallback table in
// fallback.go.
//
// # Brute-force protection
//
// Failed verifications (apps.Result.VerifyFailed: an unknown order, an
// e-mail or phone that does not match) are counted in Config.Failures per
// session and per client address (web) or caller number (voice), so the
// counts are shared across instances when the counter lives in Redis.
// The counts are read once per turn, alongside the lock (see above), both
// in one Counter.Counts call; a failure counted in the turn updates the
// answer from the counts Incr returns, so a later action of the same turn
// is refused as soon as the limit is reached. After Config.LockoutMax failures within Config.LockoutWindow no further
// action reaches the shop. An app box with a "locked" exit takes it (the
// engine gets dialog.OutcomeLocked), so the scenario can explain and still
// offer a person; at a box without one the turn fails with *Error
// CodeLocked (the protocol's locked error frame) and the session stays
// where it was (the turn is not saved). Other clients and sessions are
// unaffected.
//
// # Sessions and privacy
//
// A hello with an unknown or expired id starts a new session with a new
// id; a known id resumes it (history and the pending Expect). On voice
// the call id is the session id. A text or button after the end of a
// conversation starts the scenario again in the same session; a voice
// hangup deletes the session. A session whose stored position no longer
// fits the scenario (a new scenario was deployed) starts the scenario
// again instead of failing. Config.Vars are set in every new session
// (bot settings such as the shop's bank account for QR payments).
//
// What bot keeps in session.Session: the dialog state without variables
// plus bot's own record (the pending Expect, the end, verified orders, the
// write journal, voice silences and the last prompt, the caller's number,
// the buttons of the last bot messages) in Engine; public variables in
// Public; $ variables in Private; failed verifications in Failures. A
// turn appends its public messages (the customer's line and the bot's)
// with Session.Append; the store keeps the last 50 apart from the
// session (session.Store.Transcript), so a turn neither decodes nor
// re-encodes them: only a resume reads them, for its history (one more
// round trip on Redis). A clicked button is written into the transcript
// under its title, found in the record's buttons.
//
// Public variables are in Session.Public and reach the client; private
// ($) variables are in Session.Private and never do: replies (Vars,
// History) carry only the public map. A private value reaches a message
// only where the scenario renders it on purpose (the default scenario keeps
// the shop's answers in $ variables and shows, say, the status name). The
// transcript (history) masks e-mail addresses and phone numbers the
// customer typed, since whoever holds the session id can resume it.
// Logs carry session ids, boxes, app names and outcomes; customer text
// only at Debug and only with Config.LogContent; personal data and $
// values never.
//
// # Voice
//
// On the voice channel every reply has a Voice: what to say (links are
// never read), SSML, the action (continue, hangup, transfer to
// Output.Transfer or Config.TransferTo), and the expected input (numbers
// by speech or keypad, e-mails by speech). Silence re-prompts the last
// question twice, then says goodbye and hangs up. The caller's number is
// normalised to E.164 and kept as the private variable $caller when
// Config.PhoneVerify is set.
//
// # Concurrency and lifecycle
//
// A Bot and a Mux are safe for concurrent use and start no goroutines;
// Handle returns when its turn is done. The bot does not own the store,
// the counter or the apps it is given and never closes them.
package bot
