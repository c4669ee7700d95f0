package parallel

import (
	"sync/atomic"
	"testing"
)

func TestEach(t *testing.T) {
	for _, n := range []int{0, 1, 2, 100} {
		counts := make([]int32, n)
		var workers atomic.Int32
		Each(n, func() func(int) {
			workers.Add(1)
			return func(i int) { atomic.AddInt32(&counts[i], 1) }
		})
		for i, c := range counts {
			if c != 1 {
				t.Errorf("n=%d: index %d done %d times", n, i, c)
			}
		}
		if n == 0 && workers.Load() != 0 {
			t.Errorf("n=0: %d workers started", workers.Load())
		}
	}
}
