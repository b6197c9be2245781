package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/vigilhealth/vigil/internal/alert"
)

// STARTTLS modes for SMTPConfig.StartTLS.
const (
	StartTLSAuto     = "auto"     // use STARTTLS when the server offers it
	StartTLSRequired = "required" // refuse to send unless the server offers it
	StartTLSOff      = "off"      // never; for a relay on the same host
)

// SMTPConfig says where and how to send alert emails.
type SMTPConfig struct {
	Addr     string   // host:port of the submission server
	Username string   // AUTH PLAIN when set
	Password string   // read by the caller from the environment variable the config names
	From     string   // envelope sender and From header
	To       []string // recipients
	StartTLS string   // StartTLSAuto (when empty), StartTLSRequired or StartTLSOff
	// TLS configures STARTTLS; nil verifies the server's certificate
	// against the system roots for the host of Addr.
	TLS *tls.Config
	// LocalName is the name given in EHLO; "localhost" when empty.
	LocalName string
}

type smtpTarget struct {
	cfg SMTPConfig
	now func() time.Time
}

// NewSMTP returns a Target that emails each alert to cfg.To with the
// subject "[Vigil <level>] <rule title> on <host>" and a plain text body.
// It uses STARTTLS when the server offers it (or refuses to send without
// it when cfg.StartTLS is StartTLSRequired) and AUTH PLAIN when a
// username is set; net/smtp will not send a password in the clear except
// to localhost.
func NewSMTP(cfg SMTPConfig) Target {
	return &smtpTarget{cfg: cfg, now: time.Now}
}

func (s *smtpTarget) Name() string { return "smtp " + s.cfg.Addr }

func (s *smtpTarget) Send(ctx context.Context, a *alert.Alert) error {
	if len(s.cfg.To) == 0 || s.cfg.From == "" {
		return permanent(fmt.Errorf("%s: no From or no To address configured", s.Name()))
	}
	return sendMail(ctx, s.cfg, s.cfg.To, s.message(a))
}

// Mail is one plain-text email to one person, for messages other than
// alert notifications (such as guidance to a member of staff).
type Mail struct {
	To      string // the recipient's address
	Subject string // one line
	Body    string // plain text
}

// SendMail sends m through the server cfg names, as the SMTP target sends
// alerts (STARTTLS, AUTH PLAIN, cfg.From as sender); cfg.To is not used.
// It returns when the server has accepted the message or refused it; an
// error for which IsPermanent is true will not succeed if retried.
func SendMail(ctx context.Context, cfg SMTPConfig, m Mail) error {
	if cfg.From == "" || m.To == "" {
		return permanent(fmt.Errorf("smtp %s: no From or no To address", cfg.Addr))
	}
	to := []string{m.To}
	return sendMail(ctx, cfg, to, plainMessage(cfg.From, to, m.Subject, m.Body, time.Now()))
}

// sendMail runs one SMTP session that delivers msg to the recipients.
func sendMail(ctx context.Context, cfg SMTPConfig, to []string, msg []byte) error {
	name := "smtp " + cfg.Addr
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) }) // cancellation unblocks the dialogue
	defer stop()
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return permanent(fmt.Errorf("%s: address: %w", name, err))
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("%s: greeting: %w", name, err)
	}
	defer c.Close()
	if err := dialogue(c, cfg, host, to, msg); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// dialogue runs EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA and QUIT.
func dialogue(c *smtp.Client, cfg SMTPConfig, host string, to []string, msg []byte) error {
	local := cfg.LocalName
	if local == "" {
		local = "localhost"
	}
	if err := c.Hello(local); err != nil {
		return smtpErr("EHLO", err)
	}
	if err := startTLS(c, cfg, host); err != nil {
		return err
	}
	if cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, host)); err != nil {
			return smtpErr("AUTH", err)
		}
	}
	if err := c.Mail(cfg.From); err != nil {
		return smtpErr("MAIL FROM", err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return smtpErr("RCPT TO "+rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return smtpErr("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return smtpErr("DATA", err)
	}
	if err := w.Close(); err != nil {
		return smtpErr("end of DATA", err)
	}
	return c.Quit()
}

func startTLS(c *smtp.Client, cfg SMTPConfig, host string) error {
	mode := cfg.StartTLS
	if mode == StartTLSOff {
		return nil
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		if mode == StartTLSRequired {
			return permanent(fmt.Errorf("server does not offer STARTTLS, which the configuration requires"))
		}
		return nil
	}
	tc := cfg.TLS
	if tc == nil {
		tc = &tls.Config{ServerName: host}
	}
	if err := c.StartTLS(tc); err != nil {
		return fmt.Errorf("STARTTLS: %w", err)
	}
	return nil
}

// smtpErr wraps an SMTP failure, marking 5xx replies permanent: the server
// will refuse again.
func smtpErr(step string, err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return permanent(fmt.Errorf("%s: %w", step, err))
	}
	return fmt.Errorf("%s: %w", step, err)
}

// message is the alert's email.
func (s *smtpTarget) message(a *alert.Alert) []byte {
	return plainMessage(s.cfg.From, s.cfg.To, subject(a), emailBody(a), s.now())
}

// plainMessage is an email: headers and a quoted-printable UTF-8 text
// body. Header values lose their line breaks, so that no value can add a
// header.
func plainMessage(from string, to []string, subj, body string, date time.Time) []byte {
	var b strings.Builder
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", oneLine(from))
	hdr("To", oneLine(strings.Join(to, ", ")))
	hdr("Subject", mime.QEncoding.Encode("utf-8", oneLine(subj)))
	hdr("Date", date.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+randomID()+"@vigil>")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(body))
	qp.Close()
	return []byte(b.String())
}

// emailBody is the plain text a person reads.
func emailBody(a *alert.Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Vigil raised a %s alert: %s on %s.\r\n\r\n", a.Level, oneLine(a.RuleTitle), orUnknown(a.Host))
	for _, f := range facts(a) {
		fmt.Fprintf(&b, "%-11s %s\r\n", f.label+":", oneLine(f.value))
	}
	fmt.Fprintf(&b, "\r\nOpen it in Vigil: %s\r\n", alertLink(a))
	return b.String()
}

func randomID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
