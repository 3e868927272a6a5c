// Package dialog runs MessageOk-style scenarios: numbered or named boxes
// that show messages, offer buttons, take validated input, call apps,
// branch on conditions and hand the customer over to a person.
//
// # What it does and does not do
//
// dialog is pure. It performs no I/O, reads no clock, starts no goroutines
// and does not log. When a scenario needs shop data, Step returns an
// Action; the caller (package bot) runs it and feeds the result back with
// an InputResult. The current time comes in Input.Now. Templates are
// rendered by dialog/tmpl; spoken order numbers, e-mails and yes/no
// answers are understood by dialog/speech.
//
// # Types and lifecycle
//
// ParseScenario parses a YAML scenario file once (at start-up);
// DefaultScenario is the embedded default. NewEngine wraps a *Scenario;
// both are immutable, so one Engine serves every session concurrently.
// NewState starts a conversation; Step is a pure function
//
//	(State, Input) -> (State, Output, error)
//
// that never modifies the State it gets. A State is a plain value that
// serialises to JSON; bot keeps it in the session store. Lint checks a
// scenario file against the app catalog and returns file:line diagnostics.
//
// # Scenario files
//
// A scenario is a YAML mapping:
//
//	name: default
//	start: welcome          # first box
//	handover: person        # where "operátor"/"člověk"/"agent"/"human" jumps, from any waiting box
//	error: shop_down        # where an app's technical failure goes when its box has no error exit
//	transfer: "+420..."     # voice handover number (else Options.Transfer)
//	vars: {$account: "..."} # scenario-level variables, set at the start when missing
//	page_vars: [customer]   # host-page variables the scenario reads (var1..var9 are always allowed)
//	messages: {...}         # built-in texts: retry_<validation>, retry_buttons, button_yes, button_no
//	handover_words: {cs: [...], en: [...]}
//	boxes:
//	  welcome: {type: message, say: {cs: ..., en: ...}, next: menu}
//
// Box ids are numbers or names. Every text is either one string or a
// {cs, en} mapping and is a MessageOk template (see dialog/tmpl); it is
// rendered in State.Lang, falling back to the other language. Box types:
//
//   - message: say (and speech for the voice channel, image, links), then next.
//   - buttons: say and buttons [{value, title, synonyms, set, next}]; waits.
//     The choice is stored as MessageOk does: the button's title under the
//     box id and under var. Free text is matched against each button's
//     value, title and synonyms, ignoring case and diacritics, tolerating
//     Czech endings and one typo; "2" picks the second button. Text that
//     matches nothing gets a re-prompt with the buttons (after attempts
//     failures the fallback box, when given).
//   - input: MessageOk's Odpověď. validate is order_number, email, phone,
//     number, yes_no or text; retry is the re-prompt (default: the
//     scenario's retry_<validation> message); attempts (default 3) failures
//     lead to fallback. yes_no inputs offer Ano/Ne buttons and have yes and
//     no exits. On the voice channel order numbers and e-mails are read by
//     dialog/speech from every recogniser alternative, and the stored
//     value is the candidates joined by "\n", best first (at most 3 order
//     numbers, 5 e-mails); the apps accept that.
//   - app: app, params (templates), result (variable), exits yes, no,
//     error and locked. Reaching it returns Output.Action and waits for
//     InputResult. On no the result variable is false, on yes the app's
//     object (or true). locked falls back to error, error to the
//     scenario's error box.
//   - condition: branches [{if, next}] tried in order, else. Conditions are
//     described at Cond.
//   - set: set {name: value} (a literal, a template, "{{path}}" to copy a
//     value with its type, or null to clear) and incr [names]; then next.
//   - goto: next. handover: ends with reason handover (and a transfer
//     number on the voice channel). end: ends with reason done.
//
// In-text buttons ({{button "BOX" "Label"}}; quote the box id, a bare
// word is a variable, a bare number is box BOX) become buttons with value
// "@BOX"; only boxes offered in the last turn are accepted, so a client
// cannot jump past verification by sending a made-up "@box".
//
// Re-prompts, yes/no button titles and similar built-in texts come from
// the scenario's messages, else from the default scenario's, so every
// scenario speaks both languages without repeating them.
//
// # Variables
//
// As in MessageOk: an input is saved under its box id ({{5}}) and, when
// the box has a var, under that name; app results under the result
// variable, read by dot paths ({{app.status}}, {{list.orders.0.date}});
// host-page variables come from NewState. The engine keeps channel and lang
// up to date (setting lang to "en" or "cs" switches the language).
//
// Variables whose name starts with "$" are private: they live in
// State.Private, never in State.Vars, so nothing that sends public
// variables (the state frame, history) can carry them, and dialog never
// puts them into errors. An input box with a private var is not saved
// under its (public) box id. Unlike MessageOk, where $-variables vanish
// at the next customer step, ours live server-side for the whole session:
// a verified e-mail is reused for a second question. Templates may print a
// $-variable into a message; that is the author's explicit choice (the
// default scenario prints order details only after verification, and Lint
// warns otherwise).
//
// # Concurrency
//
// Scenario and Engine are immutable and safe for concurrent use. State
// values are owned by the caller; Step copies what it changes.
package dialog
