// Package lower turns parsed .fw files and guest configs into fwc's resolved
// model (package ir): options become typed fields, macros are expanded,
// aliases and IP sets are resolved in their scopes, and every value is
// checked. Problems become diagnostics at the position of the offending
// token; the item in question is left out, so one run reports everything.
package lower
