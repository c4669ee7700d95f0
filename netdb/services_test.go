package netdb

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestService(t *testing.T) {
	type result struct {
		Port    uint16
		Primary bool
		OK      bool
	}
	tests := []struct {
		in   string
		want result
	}{
		{"ssh", result{22, true, true}},
		{"http", result{80, true, true}},
		{"www", result{80, false, true}},
		{"https", result{443, true, true}},
		{"domain", result{53, true, true}},
		{"ntp", result{123, true, true}},
		{"smtp", result{25, true, true}},
		{"mail", result{25, false, true}},
		{"ftp", result{21, true, true}},
		{"ftp-data", result{20, true, true}},
		{"bootps", result{67, true, true}},
		{"tftp", result{69, true, true}},
		{"snmp", result{161, true, true}},
		{"ldap", result{389, true, true}},
		{"imaps", result{993, true, true}},
		{"postgresql", result{5432, true, true}},
		{"mysql", result{3306, true, true}},
		{"amqp", result{5672, true, true}},     // tcp and sctp
		{"syslog", result{514, true, true}},    // udp primary, tcp alias of shell
		{"dicom", result{104, true, true}},     // alias of 104 listed before its own line
		{"kerberos5", result{88, false, true}}, // alias
		{"nbp", result{}},                      // ddp only
		{"echo", result{7, true, true}},        // tcp/udp 7, not ddp 4
		{"HTTP", result{}},                     // case-sensitive
		{"no-such-service", result{}},
	}
	for _, tc := range tests {
		port, primary, ok := Service(tc.in)
		if diff := cmp.Diff(tc.want, result{port, primary, ok}); diff != "" {
			t.Errorf("Service(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}
