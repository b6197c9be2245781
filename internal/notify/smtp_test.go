package notify

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// testCert makes a self-signed certificate for 127.0.0.1.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// session is what the test SMTP server saw.
type session struct {
	tls        bool
	auth, from string
	rcpt       []string
	data       string
}

// smtpServer speaks enough of RFC 5321 for one session: EHLO, STARTTLS
// (when cert is given), AUTH PLAIN, MAIL, RCPT, DATA, QUIT.
func smtpServer(t *testing.T, cert *tls.Certificate) (string, <-chan session) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan session, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		var s session
		r, w := bufio.NewReader(c), c.(io.Writer)
		reply := func(l string) { io.WriteString(w, l+"\r\n") }
		reply("220 test ESMTP")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				out <- s
				return
			}
			line = strings.TrimRight(line, "\r\n")
			verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
			switch {
			case verb == "EHLO":
				ext := "250-test\r\n250-AUTH PLAIN\r\n"
				if cert != nil && !s.tls {
					ext += "250-STARTTLS\r\n"
				}
				io.WriteString(w, ext+"250 8BITMIME\r\n")
			case verb == "STARTTLS":
				reply("220 go ahead")
				tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{*cert}})
				if tc.Handshake() != nil {
					out <- s
					return
				}
				s.tls, r, w = true, bufio.NewReader(tc), tc
			case verb == "AUTH":
				b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(line, "AUTH PLAIN "))
				s.auth = string(b)
				reply("235 ok")
			case verb == "MAIL":
				s.from = line
				reply("250 ok")
			case verb == "RCPT":
				s.rcpt = append(s.rcpt, line)
				reply("250 ok")
			case verb == "DATA":
				reply("354 go on")
				var b strings.Builder
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == ".\r\n" {
						break
					}
					b.WriteString(strings.TrimPrefix(l, "."))
				}
				s.data = b.String()
				reply("250 queued")
			case verb == "QUIT":
				reply("221 bye")
				out <- s
				return
			default:
				reply("502 unknown")
			}
		}
	}()
	return ln.Addr().String(), out
}

func TestSMTP(t *testing.T) {
	cert, pool := testCert(t)
	tests := []struct {
		name     string
		cert     *tls.Certificate
		mode     string
		wantTLS  bool
		wantFail bool
	}{
		{"starttls offered", &cert, "", true, false},
		{"no starttls, auto", nil, StartTLSAuto, false, false},
		{"no starttls, required", nil, StartTLSRequired, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, got := smtpServer(t, tt.cert)
			tg := NewSMTP(SMTPConfig{Addr: addr, Username: "vigil", Password: "pw", From: "vigil@trust.example",
				To: []string{"soc@trust.example", "oncall@trust.example"}, StartTLS: tt.mode, TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := tg.Send(ctx, sample())
			if tt.wantFail {
				if err == nil || !isPermanent(err) {
					t.Fatalf("err %v, want a permanent failure", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := <-got
			if s.tls != tt.wantTLS || s.auth != "\x00vigil\x00pw" || s.from != "MAIL FROM:<vigil@trust.example> BODY=8BITMIME" && s.from != "MAIL FROM:<vigil@trust.example>" || len(s.rcpt) != 2 {
				t.Fatalf("session %+v", s)
			}
			m, err := mail.ReadMessage(strings.NewReader(s.data))
			if err != nil {
				t.Fatal(err)
			}
			subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			if want := `[Vigil high] Shadow copies deleted | vssadmin "delete" <all> a=b on WS-ICU-07`; subj != want {
				t.Errorf("subject %q, want %q", subj, want)
			}
			body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
			for _, want := range []string{"Count:      3", "Incident:   inc-42", "First seen: 2026-03-14 09:26:53 UTC", "https://vigil.invalid/alerts/a-7f3c2e"} {
				if !strings.Contains(string(body), want) {
					t.Errorf("body lacks %q:\n%s", want, body)
				}
			}
		})
	}
}

func TestSendMail(t *testing.T) {
	addr, got := smtpServer(t, nil)
	cfg := SMTPConfig{Addr: addr, From: "cyber@trust.example", To: []string{"soc@trust.example"}, StartTLS: StartTLSOff}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m := Mail{To: "aisha.khan@trust.example", Subject: "Someone tried\r\nBcc: x@y to guess your password", Body: "Hello Aisha,\r\n\r\nNot your fault.\r\n"}
	if err := SendMail(ctx, cfg, m); err != nil {
		t.Fatal(err)
	}
	s := <-got
	if len(s.rcpt) != 1 || !strings.Contains(s.rcpt[0], "<aisha.khan@trust.example>") {
		t.Fatalf("recipients %v, want the message's only (not cfg.To)", s.rcpt)
	}
	msg, err := mail.ReadMessage(strings.NewReader(s.data))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subj != "Someone tried Bcc: x@y to guess your password" || msg.Header.Get("Bcc") != "" || msg.Header.Get("To") != "aisha.khan@trust.example" {
		t.Fatalf("subject %q, headers %v", subj, msg.Header)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if !strings.Contains(string(body), "Not your fault.") {
		t.Fatalf("body %q", body)
	}

	for _, bad := range []struct {
		name string
		cfg  SMTPConfig
		m    Mail
	}{
		{"no sender", SMTPConfig{Addr: addr}, m},
		{"no recipient", cfg, Mail{Subject: "x"}},
	} {
		if err := SendMail(ctx, bad.cfg, bad.m); err == nil || !IsPermanent(err) {
			t.Errorf("%s: %v, want a permanent error", bad.name, err)
		}
	}
}
