package main

import (
	"context"
	"sync"

	"github.com/prodready/prodready/pkg/engine"
	"github.com/prodready/prodready/pkg/manifest"
)

// checked is what a check found.
type checked struct {
	eng      *engine.Engine
	loaded   *manifest.Result
	findings []engine.Finding
	evalErr  error
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
		var s *engine.Session
		if e == nil {
			s, e = eng.NewSession(ctx)
		}
		if e != nil {
			stopReading()
		}
		mu.Lock()
		defer mu.Unlock()
		c.eng, session, err, ready = eng, s, e, true
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
		objs, s := take(objs)
		if s == nil {
			return // not ready, or failed
		}
		for _, obj := range objs {
			s.Visit(ctx, obj)
		}
	}
	c.loaded = &manifest.Result{}
	var resMu sync.Mutex
	readErrs := manifest.Read(readCtx, paths, opts, func(doc *manifest.Result) {
		visit(doc.Objects)
		resMu.Lock()
		defer resMu.Unlock()
		c.loaded.Add(doc)
	})
	<-compiled
	if err != nil {
		return c, err
	}
	visit(nil) // what was read before the engine was ready, if nothing came after
	c.loaded.Errors = append(c.loaded.Errors, readErrs...)
	c.loaded.Sort()
	c.findings, c.evalErr = session.Finish(ctx)
	return c, nil
}
