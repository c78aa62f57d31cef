package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// progressMin is how many documents or objects a check reads before it
// shows its progress: fewer are done before anyone waits for them.
const progressMin = 2000

// progressInterval is how often the progress line is rewritten.
var progressInterval = 100 * time.Millisecond

// progress shows on a terminal how far a check has got: documents read
// (single-object rules run as they are read), then, in the pass of the
// cross-object rules, objects done of all, on one line rewritten in place and cleared
// at the end. The loader and the engine only store counts; a ticker writes.
// A nil *progress shows nothing.
type progress struct {
	w                 io.Writer
	read, done, total atomic.Int64
	stop              chan struct{}
	stopped           sync.WaitGroup
	shown             bool // written to only by the ticker, then by finish
}

// startProgress starts showing progress on w, or returns nil when w is not
// a terminal.
func startProgress(w io.Writer, terminal bool) *progress {
	if !terminal {
		return nil
	}
	p := &progress{w: w, stop: make(chan struct{})}
	p.stopped.Go(func() {
		tick := time.NewTicker(progressInterval)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				p.render()
			case <-p.stop:
				return
			}
		}
	})
	return p
}

// loaded records the documents read so far.
func (p *progress) loaded(docs int) {
	if p != nil {
		p.read.Store(int64(docs))
	}
}

// evaluated records the objects evaluated so far, of total.
func (p *progress) evaluated(done, total int) {
	if p != nil {
		p.done.Store(int64(done))
		p.total.Store(int64(total))
	}
}

func (p *progress) render() {
	var line string
	switch read, total := p.read.Load(), p.total.Load(); {
	case total > 0 && (total >= progressMin || p.shown):
		line = fmt.Sprintf("checking across objects: %d of %d objects", p.done.Load(), total)
	case total == 0 && read >= progressMin:
		line = fmt.Sprintf("reading: %d documents", read)
	default:
		return
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	p.shown = true
}

// finish stops the ticker and clears the line, before the report is written.
func (p *progress) finish() {
	if p == nil {
		return
	}
	close(p.stop)
	p.stopped.Wait()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
