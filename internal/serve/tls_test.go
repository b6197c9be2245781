package serve

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCert makes a self-signed certificate for 127.0.0.1, writes it and
// its key as PEM files, and returns their paths and a pool trusting it.
func writeCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vigil test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for _, f := range []struct {
		path, typ string
		der       []byte
	}{{certFile, "CERTIFICATE", der}, {keyFile, "PRIVATE KEY", keyDER}} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestAPIServesTLS: with tls_cert and tls_key the API answers HTTPS with
// TLS 1.2 or later, and refuses plain HTTP and TLS 1.1.
func TestAPIServesTLS(t *testing.T) {
	cfg := testConfig(t)
	var pool *x509.CertPool
	cfg.TLSCert, cfg.TLSKey, pool = writeCert(t)
	ts := startService(t, cfg)
	if url := ts.svc.APIURL(); !strings.HasPrefix(url, "https://") {
		t.Fatalf("APIURL %q", url)
	}
	tests := []struct {
		name   string
		url    string
		maxTLS uint16
		ok     bool
	}{
		{"TLS 1.3", ts.svc.APIURL(), tls.VersionTLS13, true},
		{"TLS 1.2", ts.svc.APIURL(), tls.VersionTLS12, true},
		{"TLS 1.1", ts.svc.APIURL(), tls.VersionTLS11, false},
		{"plain HTTP", "http://" + ts.svc.Addr().String(), tls.VersionTLS13, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
				RootCAs: pool, MinVersion: tls.VersionTLS10, MaxVersion: tt.maxTLS}}}
			req, _ := http.NewRequest("GET", tt.url+"/api/v1/stats", nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := c.Do(req)
			ok := err == nil && resp.StatusCode == http.StatusOK
			if err == nil {
				resp.Body.Close()
			}
			if ok != tt.ok {
				t.Errorf("answered %v (%v), want %v", ok, err, tt.ok)
			}
		})
	}
}

// TestMLLPOverTLS sends one message to the MLLP listener over TLS.
func TestMLLPOverTLS(t *testing.T) {
	cfg := testConfig(t)
	var pool *x509.CertPool
	cfg.HL7.MLLPTLS = "127.0.0.1:0"
	cfg.HL7.TLSCert, cfg.HL7.TLSKey, pool = writeCert(t)
	ts := startService(t, cfg)
	_, addr := ts.svc.MLLPAddrs()
	conn, err := tls.Dial("tcp", addr.String(), &tls.Config{RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ack := sendMLLP(t, conn, "uclh-emap_ADT_A03.hl7")
	if ack.Get("MSA-1") != "AA" || ack.Get("MSA-2") != "eh" {
		t.Errorf("ACK %q", ack.Raw())
	}
}
