// Package tmpl renders MessageOk-style box texts: the Handlebars subset
// that MessageOk scenario authors know (SCENARIO-MODEL.md §2-§3), plus a
// few documented extensions.
//
// It is pure: no I/O, no clock, no goroutines, no logging. The current time
// comes in Env.Now. The only dependency outside the standard library is
// skip2/go-qrcode, which draws QR payment codes locally (no external
// service is called).
//
// # Lifecycle and concurrency
//
// Parse a template once (at scenario load) and render it at every use.
// A *Template is immutable and safe for concurrent Render calls. Render
// never panics; parse errors are *SyntaxError ("line:col: msg"), and
// render errors are *HelperError for helpers given unusable values (a date
// that does not parse, a bad account number). Render still returns
// everything else it rendered together with the first such error.
//
// The package does not know boxes, apps or channels: the dialog engine
// turns Rendered.Buttons into box jumps, shows Images and decides what the
// voice channel says for a progress bar or a QR code.
//
// # Syntax
//
//   - Text is copied as it is. HTML is NOT escaped: the widget and the
//     voice channel treat text as text, never as HTML. {{{x}}} and {{&x}}
//     are accepted and mean the same as {{x}}. \{{ prints "{{".
//   - {{name}}, {{app.status}}, {{items.0.name}}, {{5}} (the answer of box
//     5), {{$email}} print a variable. A missing variable prints nothing.
//     Paths are dot-separated segments of letters (any script), digits,
//     '_' and '-' (not first); the first segment may start with '$'.
//     The Lookup given to Render resolves whole paths; MapLookup does it
//     for nested maps and lists.
//   - A bare integer names a box variable wherever a variable is expected:
//     {{5}}, {{#if 5}}, {{#exist 5}}. In helper arguments it is a number
//     ({{progress 3 …}}, {{button 21 …}}); in #compare it is the box
//     variable when that exists and the number otherwise (see below).
//   - Spaces inside the braces are tolerated: {{ name }} equals {{name}}.
//     MessageOk requires the strict form, which is of course accepted.
//   - {{! comment }} and {{!-- comment with }} inside --}} print nothing;
//     a short comment ends at the first "}}".
//   - Arguments are separated by spaces: "text" or 'text' in quotes (with
//     \" \' and \\ escapes), numbers (12, -1.5), true/false, and variable
//     paths without quotes. Named arguments (a=b) and subexpressions are
//     not supported and are syntax errors.
//
// Values print as Handlebars prints them: strings as they are, numbers
// without trailing zeros (1230.5), true/false, lists joined by "," and nil
// as nothing. Objects (maps) print nothing instead of Handlebars'
// "[object Object]".
//
// # Blocks
//
//   - {{#if x}}…{{else if y}}…{{else unless z}}…{{else}}…{{/if}} and the
//     same starting with #unless. Any condition may follow else: if,
//     unless, exist, notexist or compare, so chains may be mixed. The first
//     true branch wins. Blocks nest. {{^}} is a synonym of {{else}}.
//   - Falsy values: false, "", the string "false", 0, nil, an empty list
//     and a missing variable. Everything else is truthy, including "0"
//     and any object (an app result on "yes"; on "no" it is false).
//   - {{#exist x}} / {{#notexist x}}: the variable exists (is present and
//     not nil); false and "" exist.
//   - {{#compare A "OP" B}}…{{else}}…{{/compare}}: OP is is, =, ==, != or
//     not, >, >=, <, <=, or typeof, and must be quoted. When both sides are
//     numbers or numeric strings (decimal comma and spaces allowed, as in
//     "1 230,50") they compare as numbers, exactly (long digit strings
//     such as tracking numbers do not lose precision); otherwise is/!= compare the
//     printed text, and the ordering operators compare text only when
//     neither side is numeric (text against a number is false). A bare
//     integer operand is a box-number variable when that variable exists
//     ({{#compare 123 "is" "Storno"}}) and the number otherwise
//     ({{#compare price ">" 1000}}). typeof compares A's type with the name
//     B: string, number, boolean, object, array, null or undefined
//     (aliases text, bool, list, missing); as in JavaScript, "object" also
//     matches arrays and null, and a numeric string is a "string".
//   - Legacy Mustache sections of the first MessageOk version are accepted:
//     {{#var}}…{{/var}} is {{#if var}}, {{^var}}…{{/var}} is
//     {{#unless var}}. They do not iterate lists or change the context.
//
// A line that holds only silent tags (comments, block tags, else, button,
// qrpay) and whitespace is removed with its newline, so blocks written on
// their own lines leave no blank lines (Handlebars' "standalone" rule,
// extended to lines with several silent tags).
//
// # Helpers
//
// A helper name followed by arguments calls the helper; a bare {{date}} or
// {{currency}} is an ordinary variable. When a variable argument of a
// helper is missing the helper prints nothing, as a missing {{variable}}
// does.
//
//   - {{date X ["FORMAT"]}}: X is a date string, a variable holding one
//     (or a time.Time), or a relative phrase ("now", "today", "3 days ago",
//     "in 2 weeks", "před 2 dny", "za týden"; see ParseDate). Tokens: YYYY
//     YY MM M Q DD D HH H mm m ss s; [text] is copied literally; other
//     characters are copied. A date prints in its own zone (Upgates'
//     "+01:00" stays Prague time); dates without a zone and relative
//     phrases use Env.Now's zone. The default format is "D. M. YYYY"
//     ("D/M/YYYY" when Env.Lang starts with "en").
//   - {{inflect N "one" "few" "many" [SHOW]}}: the Czech plural form (see
//     Inflect): 1 → one, 2-4 → few, 0 and 5+ → many (22 → many, as Czech
//     wants "22 objednávek"); decimals take many. A list counts its
//     elements. A truthy SHOW prints the number first: "13 objednávek".
//   - {{currency A ["CUR"]}}: "1 230,50 Kč", "99,99 €" (see FormatMoney).
//     The thousands separator is a plain space, not a non-breaking one,
//     so that text-to-speech and copy-paste behave. CUR may be CZK/Kč
//     (default) or EUR/€; other codes print as given after the amount.
//   - {{button BOX "Label"}}: adds Button{Title, Box} to Rendered.Buttons
//     and prints nothing. BOX may be a number, text or a variable.
//   - {{progress N "icon" "Step name" [TOTAL]}}: prints a bar of TOTAL
//     (default 4, at most 20) dots with N filled, e.g. "●●●○ Doručeno",
//     and adds a Progress to Rendered.Progress.
//   - {{qrpay "cz" ACCOUNT BANK AMOUNT VS ["CUR"] [SIZE]}} and
//     {{qrpay "iban" IBAN BIC AMOUNT VS ["CUR"] [SIZE]}}: a Czech QR
//     payment (SPD 1.0: SPD*1.0*ACC:CZ…*AM:1230.50*CC:CZK*X-VS:…) drawn as
//     a PNG data URL into Rendered.Images; it prints nothing. A "cz"
//     account ("19-2000145399", bank "0800") becomes an IBAN with correct
//     check digits (see CzechIBAN); BIC may be "". CUR defaults to CZK,
//     SIZE to 256 px (64-1024). Amounts must be 0.01 to 9 999 999.99 and
//     VS at most 10 digits. An empty ACCOUNT (or IBAN) renders nothing and
//     is no error, so a scenario can leave the shop's account unset.
//
// Numbers given as text (the customer's answers, app fields) are accepted
// wherever a number is expected; a decimal comma is fine.
package tmpl
