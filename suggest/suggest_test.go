package suggest

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"policy_in", "policy_out", "enable", "log_level_in"}
	for _, tc := range []struct{ name, want string }{
		{"policy_im", "policy_in"},
		{"POLICY_OUT", "policy_out"},
		{"enabel", "enable"},
		{"frobnicate", ""},
		{"x", ""},
	} {
		if got := Closest(tc.name, names); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := Hint("enabel", names); got != ` (did you mean "enable"?)` {
		t.Errorf("Hint = %q", got)
	}
}
