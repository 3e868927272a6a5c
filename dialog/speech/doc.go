// Package speech understands what callers say and makes what the bot says
// speakable, for Czech and English phone calls.
//
// Understanding: the telephony adapter sends what its speech recogniser
// heard, usually several guesses. OrderNumbers and Emails turn those guesses
// into candidate values, best first, understanding digits and number words
// in any mix ("dvacet dvacet šest, nula nula, dvanáct třicet čtyři"),
// spelled letters ("O jako Otakar", "cé zet"), separators said as words
// ("zavináč", "tečka") and the recogniser's habits (split and glued words,
// fillers, inflected forms such as "nulu"). Digits reads keypad input and
// YesNo a spoken answer. Candidates are only readings of what was heard:
// verification (done by the apps) must compare them exactly, using
// NormaliseEmail for the stored address, so that a near miss never verifies.
//
// Speaking: Number, Amount and Date spell numbers, money and dates in
// correct Czech (and English); SpellEmail and SSMLCode read addresses and
// order or tracking numbers back in a way a caller can follow; Render turns
// a plain message into the text and SSML a voice turn returns, removing
// links and reading amounts and codes properly.
//
// The package is pure: no I/O, no clock, no goroutines and no logging. Its
// tables are read-only, so every function is safe for concurrent use. It
// imports only the standard library.
package speech
