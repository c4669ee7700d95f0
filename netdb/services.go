package netdb

// service is one name of /etc/services.
type service struct {
	port    uint16
	primary bool
}

// Service resolves a service name of a tcp, udp or sctp line of
// /etc/services, independent of the rule's protocol as PVE does. primary
// tells a first-column name (the only kind PVE accepts) from an alias
// (accepted by NFT). Names are case-sensitive.
func Service(name string) (port uint16, primary bool, ok bool) {
	s, ok := services[name]
	return s.port, s.primary, ok
}
