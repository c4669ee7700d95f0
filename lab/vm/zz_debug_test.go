package vm

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestZZDebug(t *testing.T) {
	os.RemoveAll("/tmp/vmdbg")
	start := time.Now()
	got, err := Run(context.Background(), Config{Binary: "/bin/bash", Args: []string{"-c", os.Getenv("SCRIPT")}, OutDir: "/tmp/vmdbg"})
	t.Log(time.Since(start), err)
	t.Log(got.Output)
}
