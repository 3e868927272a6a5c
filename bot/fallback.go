package bot

// fallback holds the only customer-facing text that lives in Go code
// (STYLE.md C17): what the bot says when it cannot run the scenario at all.
// Everything else the customer reads comes from the scenario.
var fallback = map[string]map[string]string{
	CodeUnavailable: {
		"cs": "Omlouvám se, právě mám technické potíže a nemohu pokračovat. Zkuste to prosím za chvíli znovu.",
		"en": "I'm sorry, I'm having technical difficulties right now and can't continue. Please try again in a moment.",
	},
	CodeLocked: {
		"cs": "Z bezpečnostních důvodů jsem po několika neúspěšných pokusech o ověření na chvíli pozastavil vyhledávání objednávek. Zkuste to prosím znovu později.",
		"en": "For security reasons, after several unsuccessful verification attempts I have paused order lookups for a while. Please try again later.",
	},
	CodeInternal: {
		"cs": "Omlouvám se, něco se pokazilo. Zkuste to prosím znovu.",
		"en": "I'm sorry, something went wrong. Please try again.",
	},
	CodeBadFrame: {
		"cs": "Této zprávě nerozumím. Zkuste to prosím znovu.",
		"en": "I couldn't understand that request. Please try again.",
	},
	CodeExpired: {
		"cs": "Naše konverzace vypršela kvůli nečinnosti. Napište mi prosím znovu a začneme od začátku.",
		"en": "Our conversation has expired after a period of inactivity. Please write again and we'll start over.",
	},
	CodeUnknownBot: {
		"cs": "Tento asistent neexistuje.",
		"en": "This assistant does not exist.",
	},
	// goodbye ends a voice call after repeated silence.
	"goodbye": {
		"cs": "Bohužel vás neslyším, proto hovor ukončím. Děkuji za zavolání a na slyšenou.",
		"en": "Unfortunately I can't hear you, so I'll end the call now. Thank you for calling, goodbye.",
	},
}

// text returns the fallback text for key in lang (Czech when lang is
// unknown).
func text(key, lang string) string {
	m := fallback[key]
	if s, ok := m[lang]; ok {
		return s
	}
	return m["cs"]
}

// newError returns a client-visible error with the polite message in lang.
func newError(code, lang string) *Error {
	return &Error{Code: code, Message: text(code, lang)}
}
