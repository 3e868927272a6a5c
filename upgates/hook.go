package upgates

import "context"

// requestHookKey is the context key of WithRequestHook.
type requestHookKey struct{}

// WithRequestHook returns a context under which the client calls hook
// before each request it sends to the shop (retries after a 429 or a
// redirect included), and not for answers from its caches. The bot uses
// it to show a typing indicator only while the customer really waits for
// the shop. hook runs on the calling goroutine and must return quickly.
func WithRequestHook(ctx context.Context, hook func()) context.Context {
	return context.WithValue(ctx, requestHookKey{}, hook)
}

// runRequestHook calls ctx's request hook, if it has one.
func runRequestHook(ctx context.Context) {
	if hook, ok := ctx.Value(requestHookKey{}).(func()); ok && hook != nil {
		hook()
	}
}
