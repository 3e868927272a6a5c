package upgates

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMemo(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	type step struct {
		op   string // "put key cost", "get key", "del key"
		at   time.Duration
		want string // get: the value or "-" for a miss
	}
	for _, tc := range []struct {
		name        string
		ttl         time.Duration
		max, maxSum int
		steps       []step
		wantLen     int
	}{
		{name: "get within TTL", ttl: time.Minute, max: 4, maxSum: 100, steps: []step{
			{op: "put a 1"}, {op: "get a", at: 59 * time.Second, want: "a@0s"}, {op: "get b", want: "-"},
		}, wantLen: 1},
		{name: "expires at TTL", ttl: time.Minute, max: 4, maxSum: 100, steps: []step{
			{op: "put a 1"}, {op: "get a", at: time.Minute, want: "-"},
		}, wantLen: 0},
		{name: "put renews", ttl: time.Minute, max: 4, maxSum: 100, steps: []step{
			{op: "put a 1"}, {op: "put b 1", at: 10 * time.Second}, {op: "put a 1", at: 30 * time.Second},
			{op: "get b", at: 69 * time.Second, want: "b@10s"},
			{op: "get b", at: 70 * time.Second, want: "-"},
			{op: "get a", at: 89 * time.Second, want: "a@30s"},
		}, wantLen: 1},
		{name: "entry bound drops oldest", ttl: time.Minute, max: 2, maxSum: 100, steps: []step{
			{op: "put a 1"}, {op: "put b 1"}, {op: "put c 1"},
			{op: "get a", want: "-"}, {op: "get b", want: "b@0s"}, {op: "get c", want: "c@0s"},
		}, wantLen: 2},
		{name: "cost bound drops oldest", ttl: time.Minute, max: 10, maxSum: 10, steps: []step{
			{op: "put a 4"}, {op: "put b 4"}, {op: "put c 4"},
			{op: "get a", want: "-"}, {op: "get b", want: "b@0s"}, {op: "get c", want: "c@0s"},
		}, wantLen: 2},
		{name: "too costly is not kept and drops the old value", ttl: time.Minute, max: 10, maxSum: 10, steps: []step{
			{op: "put a 4"}, {op: "put b 2"}, {op: "put a 11"},
			{op: "get a", want: "-"}, {op: "get b", want: "b@0s"},
		}, wantLen: 1},
		{name: "delete", ttl: time.Minute, max: 10, maxSum: 10, steps: []step{
			{op: "put a 1"}, {op: "put b 1"}, {op: "del a"}, {op: "del x"},
			{op: "get a", want: "-"}, {op: "get b", want: "b@0s"},
		}, wantLen: 1},
		{name: "disabled by a negative TTL", ttl: -1, max: 10, maxSum: 10, steps: []step{
			{op: "put a 1"}, {op: "get a", want: "-"},
		}, wantLen: 0},
		{name: "use drops expired entries", ttl: time.Minute, max: 10, maxSum: 10, steps: []step{
			{op: "put a 1"}, {op: "put b 1", at: 30 * time.Second}, {op: "get x", at: 61 * time.Second, want: "-"},
		}, wantLen: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMemo[string, string](tc.ttl, tc.max, tc.maxSum)
			for _, s := range tc.steps {
				f := strings.Fields(s.op)
				now := t0.Add(s.at)
				switch f[0] {
				case "put":
					var cost int
					fmt.Sscan(f[2], &cost)
					m.put(f[1], fmt.Sprintf("%s@%s", f[1], s.at), cost, now)
				case "get":
					got, ok := m.get(f[1], now)
					if !ok {
						got = "-"
					}
					if got != s.want {
						t.Errorf("get(%s) at %s = %q, want %q", f[1], s.at, got, s.want)
					}
				case "del":
					m.delete(f[1])
				}
			}
			if n := m.len(); n != tc.wantLen {
				t.Errorf("len() = %d, want %d", n, tc.wantLen)
			}
			checkList(t, m)
		})
	}
}

// checkList checks the memo's invariants: the list holds exactly the
// map's entries, linked both ways, and cost is their sum.
func checkList[K comparable, V any](t *testing.T, m *memo[K, V]) {
	t.Helper()
	n, cost := 0, 0
	var prev *memoEntry[K, V]
	for e := m.head; e != nil; e = e.next {
		if e.prev != prev || m.m[e.key] != e {
			t.Fatalf("memo list broken at %v", e.key)
		}
		prev = e
		n++
		cost += e.cost
	}
	if m.tail != prev || n != len(m.m) || cost != m.cost {
		t.Errorf("memo: %d listed of %d, cost %d of %d, tail ok %v", n, len(m.m), cost, m.cost, m.tail == prev)
	}
}

// fill sets every field reachable from v to a non-zero value: pointers
// point somewhere, slices hold two elements (so a field added to Order
// later is covered by the clone test without editing it).
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprint("s", *n))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, n)
		fill(e, n)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 1, 0, 0, *n, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	default:
		panic("fill: add kind " + v.Kind().String())
	}
}

// shared reports the first place where a and b share memory (a pointer,
// a slice's backing array or a map), or "".
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return shared(a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range min(a.Len(), b.Len()) {
			if p := shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return path
		}
	case reflect.Struct:
		if a.Type() == reflect.TypeFor[time.Time]() {
			return "" // only the immutable *Location is shared
		}
		for i := range a.NumField() {
			if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
				return p
			}
		}
	}
	return ""
}

func TestOrderClone(t *testing.T) {
	full := &Order{}
	n := 0
	fill(reflect.ValueOf(full).Elem(), &n)
	full.Products[1].Parameters = nil
	full.Products = append(full.Products, OrderLine{Parameters: []Parameter{}})
	for _, tc := range []struct {
		name string
		o    *Order
	}{
		{"every field set", full},
		{"zero", &Order{}},
		{"decoded sample", mustDecodeOrder(t, "fake-order-2026000102.json")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.o.clone()
			if diff := cmp.Diff(tc.o, c); diff != "" {
				t.Errorf("clone() differs (-orig +clone):\n%s", diff)
			}
			if p := shared(reflect.ValueOf(tc.o), reflect.ValueOf(c), "Order"); p != "" {
				t.Errorf("clone() shares %s with the original", p)
			}
			// Appending to one line's parameters leaves the next line's
			// alone (they share one backing array in the clone).
			for i := range c.Products {
				c.Products[i].Parameters = append(c.Products[i].Parameters, Parameter{Name: "x"})
			}
			for i, l := range c.Products {
				want := len(tc.o.Products[i].Parameters) + 1
				if len(l.Parameters) != want || l.Parameters[want-1].Name != "x" {
					t.Errorf("clone line %d parameters after appends = %+v", i, l.Parameters)
				}
			}
		})
	}
}

func mustDecodeOrder(t *testing.T, name string) *Order {
	t.Helper()
	raws, err := orderObjects(mustRead(t, name))
	if err != nil || len(raws) == 0 {
		t.Fatalf("orderObjects(%s) = %d, %v", name, len(raws), err)
	}
	var o Order
	if err := o.UnmarshalJSON(raws[0]); err != nil {
		t.Fatal(err)
	}
	return &o
}

func TestOrderStatusClone(t *testing.T) {
	s := OrderStatus{ID: 1, Names: map[string]string{"cs": "Přijata"}}
	c := s.clone()
	c.Names["cs"] = "x"
	if s.Names["cs"] != "Přijata" {
		t.Errorf("changing the clone's names changed the original: %v", s.Names)
	}
	if (OrderStatus{}).clone().Names != nil {
		t.Error("clone of nil Names is not nil")
	}
}

// A memo hit hands out a copy: the caller's changes reach neither the memo
// nor the next caller.
func TestOrderMemoHandsOutCopies(t *testing.T) {
	c := New("http://127.0.0.1:1", "l", "k", Options{Cache: NewMemoryCache(nil)})
	o := mustDecodeOrder(t, "fake-order-2026000102.json")
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	key := c.orderKey(o.OrderNumber)
	if err := c.cache.Set(t.Context(), key, raw, time.Minute); err != nil {
		t.Fatal(err)
	}
	first, err := c.Order(t.Context(), o.OrderNumber)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := c.orders.get(key, time.Now())
	if !ok {
		t.Fatal("no memo entry after a cached read")
	}
	first.Status = "changed"
	first.Products[0].Title = "changed"
	*first.Customer.Email = "changed@example.com"
	second, err := c.Order(t.Context(), o.OrderNumber)
	if err != nil {
		t.Fatal(err)
	}
	if d2, _ := c.orders.get(key, time.Now()); d2.order != d.order {
		t.Error("the second read replaced the memo entry: the memo was not used")
	}
	if second == d.order || second == first {
		t.Error("Order returned the memo's own order")
	}
	if diff := cmp.Diff(o, second); diff != "" {
		t.Errorf("second read after the caller changed the first (-want +got):\n%s", diff)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
