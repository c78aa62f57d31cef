package main

import (
	"context"
	"sync"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// checked is what a check found.
type checked struct {
	eng     *engine.Engine
	loaded  *manifest.Result
	results *engine.Results
	evalErr error
}

// checkWhileCompiling compiles the rules (newEngine) and reads the input at
// the same time, then evaluates: compiling takes one core for a fifth of a
// second, which the other core spends decoding the first documents. Objects
// read before the engine is ready wait in a queue; after that each goes to
// the engine's session as soon as it is read. err is newEngine's.
func checkWhileCompiling(ctx context.Context, paths []string, opts manifest.Options, newEngine func() (*engine.Engine, error)) (checked, error) {
	var (
		mu      sync.Mutex
		ready   bool
		queue   []*manifest.Object
		session *engine.Session
		c       checked
		err     error
	)
	// A library that does not compile ends the check; reading stops too.
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	compiled := make(chan struct{})
	go func() {
		defer close(compiled)
		eng, e := newEngine()
		if e != nil {
			stopReading()
		}
		mu.Lock()
		defer mu.Unlock()
		c.eng, err, ready = eng, e, true
		if e == nil {
			session = eng.NewSession()
		}
	}()
	// take queues objs until the engine is ready, then returns them, and
	// what was queued, with the session to visit them in.
	take := func(objs []*manifest.Object) ([]*manifest.Object, *engine.Session) {
		mu.Lock()
		defer mu.Unlock()
		if !ready {
			queue = append(queue, objs...)
			return nil, nil
		}
		out := append(queue, objs...)
		queue = nil
		return out, session
	}
	visit := func(objs []*manifest.Object) {
		if objs, s := take(objs); s != nil { // nil: not ready, or failed
			s.Visit(ctx, objs...)
		}
	}
	opts.Visit = visit
	c.loaded = manifest.Load(readCtx, paths, opts)
	<-compiled
	if err != nil {
		return c, err
	}
	visit(nil) // what was read before the engine was ready, if nothing came after
	c.results, c.evalErr = session.Finish(ctx)
	return c, nil
}
