// Package parallel runs independent steps of a compile on all cores.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls a worker for every index in [0, n), from as many goroutines
// as there are cores, and returns when all are done. newWorker is called
// once per goroutine, so a worker may keep state that is not safe for
// concurrent use (a parser's memo).
func Each(n int, newWorker func() func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			work := newWorker()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				work(i)
			}
		})
	}
	wg.Wait()
}
