package privacy

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigilhealth/vigil/internal/ingest/atna"
	"github.com/vigilhealth/vigil/internal/ingest/fhir"
	"github.com/vigilhealth/vigil/internal/ingest/hl7"
)

// Loader reads input files into an Auditor. A bad record (roster line, HL7
// message, AuditEvent, watch-list line) is logged with its file and line,
// counted in the summary and kept in Errors (the first MaxErrors), and
// never stops the load; only an unreadable file or a roster without its
// required columns is an error.
type Loader struct {
	A         *Auditor
	Log       *slog.Logger
	Errors    []error
	MaxErrors int
}

// NewLoader returns a Loader into a that logs to log (nil for none) and
// keeps the first 100 input errors.
func NewLoader(a *Auditor, log *slog.Logger) *Loader {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Loader{A: a, Log: log, MaxErrors: 100}
}

// bad records one unusable input record.
func (l *Loader) bad(kind string, err error) {
	l.A.AddInputError(kind)
	if len(l.Errors) < l.MaxErrors {
		l.Errors = append(l.Errors, err)
	}
	l.Log.Warn("skipped input record", "input", kind, "error", err)
}

// Staff reads a roster CSV file.
func (l *Loader) Staff(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("staff roster: %w", err)
	}
	defer f.Close()
	staff, errs, err := ReadRoster(f, path)
	if err != nil {
		return err
	}
	for _, e := range errs {
		l.bad("staff", e)
	}
	for _, s := range staff {
		l.A.AddStaff(s)
	}
	return nil
}

// VIP reads a watch-list file.
func (l *Loader) VIP(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("watch list: %w", err)
	}
	defer f.Close()
	nums, errs, err := ReadVIP(f, path)
	for _, e := range errs {
		l.bad("vip", e)
	}
	for _, n := range nums {
		l.A.AddVIP(n)
	}
	return err
}

// Reviews reads a break-glass reviews CSV file.
func (l *Loader) Reviews(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("break-glass reviews: %w", err)
	}
	defer f.Close()
	rvs, errs, err := ReadReviews(f, path)
	for _, e := range errs {
		l.bad("reviews", e)
	}
	for _, r := range rvs {
		l.A.AddReview(r)
	}
	return err
}

// ADT reads HL7 v2 files (a file, or every file in a folder tree): ADT
// messages give care relationships, SIU messages appointments, other
// message types are ignored.
func (l *Loader) ADT(path string) error {
	return walkFiles(path, func(file string) error {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("hl7 input: %w", err)
		}
		l.hl7Data(file, data)
		return nil
	})
}

func (l *Loader) hl7Data(file string, data []byte) {
	off := 0
	for i, msg := range hl7.Split(data) {
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		off += len(msg)
		where := fmt.Sprintf("message %d", i+1)
		m, err := hl7.Parse(msg)
		if err != nil {
			l.bad("adt", &InputError{Kind: "adt", File: file, Line: line, Field: where, Msg: err.Error()})
			continue
		}
		if err := l.addHL7(m); err != nil {
			l.bad("adt", &InputError{Kind: "adt", File: file, Line: line, Field: where + " (" + m.ControlID() + ")", Msg: err.Error()})
		}
	}
}

func (l *Loader) addHL7(m *hl7.Message) error {
	cr, err := careRecordOf(m)
	if err != nil {
		return err
	}
	return cr.addTo(l.A)
}

// careRecord is what one HL7 v2 message says about care: an ADT message
// or an SIU appointment (neither for other message types).
type careRecord struct {
	adt  *hl7.ADT
	appt *hl7.Appointment
}

// careRecordOf reads the care facts of m. It is the one mapping from HL7
// v2 to care relationships: the files of vigil privacy audit and the
// messages live in vigil serve (hl7.FieldMessage) both go through it.
func careRecordOf(m *hl7.Message) (careRecord, error) {
	var cr careRecord
	var err error
	switch code, _, _ := m.Type(); code {
	case "ADT":
		cr.adt, err = hl7.ParseADT(m)
	case "SIU":
		cr.appt, err = hl7.ParseSIU(m)
	}
	return cr, err
}

// addTo adds the record to a.
func (cr careRecord) addTo(a *Auditor) error {
	switch {
	case cr.adt != nil:
		return a.AddADT(cr.adt)
	case cr.appt != nil:
		return a.AddAppointment(cr.appt)
	}
	return nil
}

// Access reads audit events (a file, or every file in a folder tree):
// FHIR AuditEvent NDJSON (.ndjson, .jsonl), a FHIR Bundle or single
// AuditEvent (.json), or a DICOM/ATNA audit message (.xml).
func (l *Loader) Access(path string) error {
	return walkFiles(path, func(file string) error {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("access log: %w", err)
		}
		defer f.Close()
		switch strings.ToLower(filepath.Ext(file)) {
		case ".json":
			return l.bundle(file, f)
		case ".xml":
			return l.atna(file, f)
		case ".csv", ".txt", ".md":
			return nil // reviews, notes: not audit events
		}
		return l.ndjson(file, f)
	})
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}

func (l *Loader) bundle(file string, r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("access log %s: %w", file, err)
	}
	acs, errs := fhir.ParseBundle(data)
	for _, e := range errs {
		l.bad("access", &InputError{Kind: "access", File: file, Msg: e.Error()})
	}
	for _, ac := range acs {
		l.A.AddAccess(&ac.Access)
	}
	return nil
}

func (l *Loader) atna(file string, r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("access log %s: %w", file, err)
	}
	m, err := atna.Parse(data)
	if err != nil {
		l.bad("access", &InputError{Kind: "access", File: file, Msg: err.Error()})
		return nil
	}
	l.A.AddAccess(m.Access())
	return nil
}

// walkFiles calls fn for path, or for every regular file under it in
// name order, skipping hidden files.
func walkFiles(path string, fn func(string) error) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fn(path)
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != path {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}
