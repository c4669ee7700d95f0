package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	protocols := filepath.Join(dir, "protocols")
	services := filepath.Join(dir, "services")
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(protocols, "# comment\nip\t0\tIP\t\t# pseudo\ntcp\t6\tTCP\nmptcp\t262\tMPTCP\n")
	write(services, "ftp\t21/tcp\nacr-nema\t104/tcp\t\tdicom\t# imaging\n"+
		"rtmp\t1/ddp\ndicom\t11112/tcp\nshell\t514/tcp\t\tcmd syslog\nsyslog\t514/udp\n")

	var got bytes.Buffer
	if err := writeProtocols(&got, protocols); err != nil {
		t.Fatal(err)
	}
	if err := writeServices(&got, services); err != nil {
		t.Fatal(err)
	}
	want := `// protocols lists the primary names of ` + protocols + ` in file order.
var protocols = []protocol{
	{"ip", 0},
	{"tcp", 6},
}

// services maps the tcp, udp and sctp service names of ` + services + ` to
// their port and whether the name is primary (first column) on some line.
var services = map[string]service{
	"acr-nema": {104, true},
	"cmd": {514, false},
	"dicom": {104, true},
	"ftp": {21, true},
	"shell": {514, true},
	"syslog": {514, true},
}
`
	if diff := cmp.Diff(want, got.String()); diff != "" {
		t.Errorf("generated tables (-want +got):\n%s", diff)
	}
}

func TestGenerateBadInput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services")
	if err := os.WriteFile(path, []byte("http\teighty/tcp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeServices(&bytes.Buffer{}, path); err == nil {
		t.Error("writeServices accepted a non-numeric port")
	}
}
