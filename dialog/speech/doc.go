// Package speech understands what phone callers say and makes what the bot
// says speakable, in Czech and English.
//
// # Understanding
//
// A telephony adapter sends what its speech recogniser heard, usually
// several guesses ("alternatives"), best first. OrderNumbers and Emails turn
// all of them into candidate values, best first and without duplicates:
//
//   - digits and number words in any mix and in all Czech forms ("dva nula
//     dva šest", "dvacet dvacet šest", "šestadvacet", "dvanáct set", "dvě
//     nuly", "sedmička") and English ones ("double zero", "triple five");
//   - spelled letters ("O jako Otakar", "písmeno O", "cé zet", "dvojité vé",
//     "O as in Oscar") and separators said as words ("zavináč", "tečka",
//     "pomlčka", "podtržítko", "at", "dot");
//   - the recogniser's habits: fillers, inflected forms ("nulu", "jednu"),
//     words split in two or glued together, inserted spaces and commas,
//     digits it wrote itself, a misheard "zavináč".
//
// Candidates are readings of what was heard, never guesses at what might
// have been meant: no dot is invented between two words of an address,
// no letter is changed. Verification (done by the apps) must compare them
// exactly with the order's data, normalised with NormaliseEmail, so that a
// near miss ("novakova" for "novak") can never verify someone else.
//
// Digits reads keypad (DTMF) input and YesNo a spoken answer; YesNo says
// "not understood" rather than guess when an answer is mixed.
//
// # Speaking
//
// Number, Amount and Date spell numbers, money and dates with correct Czech
// agreement ("jedna koruna", "dvě koruny", "pět korun", "dvě eura") and in
// English. SpellEmail reads an address back so the caller can confirm it,
// in words Emails understands again. SSMLCode reads order and tracking
// numbers in groups with <say-as>. Render turns a message text into the
// plain text and the SSML document of a voice turn: links are dropped,
// amounts, dates, codes and addresses are spoken properly, and the SSML is
// always well-formed XML.
//
// # Design
//
// The package is pure: no I/O, no clock, no goroutines, no logging, and no
// state between calls. Its tables are read-only package-level values, so
// every function is safe for concurrent use. It imports only the standard
// library. The lang argument is a language tag; "en" and "en-*" select
// English and anything else Czech, the product's first language.
//
// The accuracy of the understanding functions is measured on
// testdata/corpus.txt, a line-based corpus of recogniser transcripts with
// the values meant and similar "decoy" addresses that must never be
// produced; TestCorpus reports the figures.
package speech
