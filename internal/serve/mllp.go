package serve

import (
	"crypto/tls"
	"fmt"
	"net"

	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// hl7Listener is the listener name of HL7 v2 events (metrics, flow watch).
const hl7Listener = "hl7"

// openMLLP binds the HL7 v2 MLLP listener when the hl7 section sets an
// address.
func (s *Service) openMLLP() error {
	hc := s.cfg.HL7
	if hc.MLLP == "" && hc.MLLPTLS == "" {
		return nil
	}
	lc := hl7.ListenerConfig{TCP: hc.MLLP, TLS: hc.MLLPTLS, MaxConns: hc.MaxConnections, MaxMessage: hc.MaxMessage}
	if hc.MLLPTLS != "" {
		tc, err := serverTLS("hl7.tls_cert/tls_key", hc.TLSCert, hc.TLSKey)
		if err != nil {
			return err
		}
		lc.TLSConfig = tc
	}
	l, err := hl7.NewListener(lc, s.sinkFor(hl7Listener), s.quar, s.log.With("listener", hl7Listener))
	if err != nil {
		return fmt.Errorf("config key hl7: %w", err)
	}
	s.mllp = l
	return nil
}

// MLLPAddrs are the bound HL7 v2 MLLP addresses; nil for a transport that
// is off.
func (s *Service) MLLPAddrs() (tcp, tls net.Addr) {
	if s.mllp == nil {
		return nil, nil
	}
	return s.mllp.Addrs()
}

// serverTLS loads a PEM certificate and key into a server configuration
// that takes TLS 1.2 and later; key names the config keys in errors.
func serverTLS(key, certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("config key %s: %w", key, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}
