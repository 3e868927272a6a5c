package tmpl

import (
	"strconv"
	"strings"
)

// MapLookup returns a Lookup over nested maps and lists: "app.status" reads
// key "status" of the map under "app", "items.0.name" reads key "name" of
// the first element of list "items". A key that itself contains dots is
// found too when it is present verbatim at the top level. MapLookup reads
// vars at every call and never changes it.
func MapLookup(vars map[string]any) Lookup {
	return func(path string) (any, bool) {
		if v, ok := vars[path]; ok {
			return v, true
		}
		var cur any = vars
		for seg := range strings.SplitSeq(path, ".") {
			switch c := cur.(type) {
			case map[string]any:
				v, ok := c[seg]
				if !ok {
					return nil, false
				}
				cur = v
			case []any:
				i, err := strconv.Atoi(seg)
				if err != nil || i < 0 || i >= len(c) {
					return nil, false
				}
				cur = c[i]
			default:
				return nil, false
			}
		}
		return cur, true
	}
}
